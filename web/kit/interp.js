// Snapshot buffer and entity interpolation: what other players do is drawn a little in the past
// (the interpolation delay, ~100 ms), between the two snapshots around that moment, so it moves
// smoothly even though snapshots arrive at the snapshot rate (say 30 a second) with jitter and
// occasional loss. The snapshots are the game's decoded ones; the buffer needs only their
// `tick`, the server tick they show. What is blended is the game's: sample() hands it the two
// snapshots and how far between them to draw, and lerpEntities() blends lists of {id, x, y}.
// Sends and handles no events.

const KEEP_MS = 1000;
const MAX_EXTRAPOLATE_MS = 100;

export class SnapshotBuffer {
  /** tickRate: the server's ticks a second (the join ack's tickRate), to turn ticks into time. */
  constructor(tickRate) {
    this.tickMs = 1000 / tickRate;
    this.snaps = []; // [{time, snap}] time = server time in ms (tick * tickMs), ascending
    this.offset = null; // local clock minus server clock, tracking the fastest recent arrival
  }

  /** Adds a decoded snapshot received at local time now (ms). Late or duplicate snapshots are ignored (false). */
  push(snap, now) {
    const time = snap.tick * this.tickMs;
    const last = this.snaps[this.snaps.length - 1];
    if (last && time <= last.time) return false;
    const offset = now - time;
    // Follow a faster path at once, drift slowly towards a slower one, so jitter does not shake the clock.
    if (this.offset === null || offset < this.offset) this.offset = offset;
    else this.offset += (offset - this.offset) * 0.02;
    this.snaps.push({ time, snap });
    while (this.snaps.length > 2 && this.snaps[0].time < time - KEEP_MS) this.snaps.shift();
    return true;
  }

  /** The newest snapshot, or null. */
  latest() { return this.snaps.length ? this.snaps[this.snaps.length - 1].snap : null; }

  /** Server time (ms) that is drawn now, delayMs behind the estimated present. */
  renderTime(now, delayMs) { return this.offset === null ? 0 : now - this.offset - delayMs; }

  /**
   * Returns blend(from, to, t) for the snapshots around renderTime, t from 0 (from) to 1 (to),
   * or null before the first snapshot. Past the newest snapshot (loss or a stall) t runs beyond
   * 1 for at most 100 ms, extrapolating shortly, then holds.
   */
  sample(renderTime, blend) {
    const n = this.snaps.length;
    if (!n) return null;
    let i = n - 1;
    while (i > 0 && this.snaps[i - 1].time > renderTime) i--;
    const b = this.snaps[i];
    const a = i > 0 ? this.snaps[i - 1] : b;
    let t = b.time === a.time ? 1 : (renderTime - a.time) / (b.time - a.time);
    const over = renderTime - b.time;
    if (a === b || t > 1) t = 1 + Math.min(Math.max(over, 0), MAX_EXTRAPOLATE_MS) / Math.max(b.time - a.time, this.tickMs);
    t = Math.max(0, t);
    return blend(a.snap, b.snap, t);
  }
}

/**
 * Blends two lists of entities ({id, x, y, …}) into a Map id → entity at t (see sample). An
 * entity new in `to`, one that moved further than `teleport` (world units: a respawn, not
 * movement) or one jump(prev, next) says not to blend is taken as it is in `to`; mix(out, prev,
 * next, t) blends the game's other fields (angles, say) into out, a copy of next with x and y
 * blended. Entities gone from `to` are gone.
 */
export function lerpEntities(from, to, t, { teleport = Infinity, jump = null, mix = null } = {}) {
  const old = new Map(from.map((e) => [e.id, e]));
  const out = new Map();
  for (const e of to) {
    const p = old.get(e.id);
    if (!p || jump?.(p, e) || Math.hypot(e.x - p.x, e.y - p.y) > teleport) {
      out.set(e.id, { ...e });
      continue;
    }
    const o = { ...e, x: p.x + (e.x - p.x) * t, y: p.y + (e.y - p.y) * t };
    mix?.(o, p, e, t);
    out.set(e.id, o);
  }
  return out;
}
