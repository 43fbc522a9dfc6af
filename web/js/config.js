// The one place that reads the game config the server sends on join: the rest of the client
// uses these names, so a change in the server's config fields is fixed here only.

/** Normalises the server's config and rates into what the renderer, HUD and predictor need. */
export function clientConfig(raw, tickRate, snapshotRate) {
  const c = raw || {};
  const pick = (...vals) => vals.find((v) => typeof v === 'number' && Number.isFinite(v));
  const tick = 1 / (tickRate || 60);
  const ticks = (v) => (v === undefined ? undefined : v * tick);
  return {
    tickRate: tickRate || 60,
    snapshotRate: snapshotRate || 30,
    dt: tick,
    tankRadius: pick(c.tankRadius, c.TankRadius, 18),
    barrelLength: pick(c.barrelLength, c.BarrelLength, (c.tankRadius || 18) * 1.4),
    shellRadius: pick(c.shellRadius, c.ShellRadius, 4),
    shellSpeed: pick(c.shellSpeed, c.ShellSpeed, 600),
    shellLifetime: pick(ticks(c.shellLifetimeTicks), c.shellLifetime, 1.5),
    reloadTime: pick(ticks(c.reloadTicks), c.reloadTime, c.reload, 0.6),
    respawnTime: pick(ticks(c.respawnTicks), c.respawnTime, c.respawnDelay, 3),
    maxHealth: pick(c.maxHealth, c.MaxHealth, c.health, 100),
    raw: c,
  };
}
