// The one place that reads the game config the server sends on join: the rest of the client
// uses these names, so a change in the server's config fields is fixed here only.

/** Normalises the server's config and rates into what the renderer, HUD and predictor need. */
export function clientConfig(raw, tickRate, snapshotRate) {
  const c = raw || {};
  const pick = (...vals) => vals.find((v) => typeof v === 'number' && Number.isFinite(v));
  const tick = 1 / (tickRate || 60);
  return {
    tickRate: tickRate || 60,
    snapshotRate: snapshotRate || 30,
    dt: tick,
    tankRadius: pick(c.tankRadius, 18),
    barrelLength: pick(c.muzzleOffset, (c.tankRadius || 18) * 1.4),
    shellRadius: pick(c.shellRadius, 4),
    shellSpeed: pick(c.shellSpeed, 600),
    shellRange: pick(c.shellRange, 900),
    reloadTime: pick(c.reloadTime, 0.6),
    respawnTime: pick(c.respawnDelay, 3),
    maxHealth: pick(c.maxHealth, 100),
    maxRewindMs: pick(c.maxRewind, 0) * 1000, // lag compensation's bound; 0 from a server without it
    raw: c,
  };
}
