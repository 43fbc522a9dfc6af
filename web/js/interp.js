// Snapshot buffer and entity interpolation: remote tanks and shells are drawn a little in the
// past (the interpolation delay, ~100 ms), between the two snapshots around that moment, so
// they move smoothly even though snapshots arrive at 30 Hz with jitter and occasional loss.

import { lerpAngle } from './angle.js';

const KEEP_MS = 1000;
const TELEPORT = 120; // world units between snapshots: a respawn, not movement
const MAX_EXTRAPOLATE_MS = 100;

export class SnapshotBuffer {
  constructor(tickRate) {
    this.tickMs = 1000 / tickRate;
    this.snaps = []; // [{time, snap}] time = server time in ms (tick * tickMs), ascending
    this.offset = null; // local clock minus server clock, tracking the fastest recent arrival
  }

  /** Adds a decoded snapshot received at local time now (ms). Late or duplicate snapshots are ignored. */
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

  latest() { return this.snaps.length ? this.snaps[this.snaps.length - 1].snap : null; }

  /** Server time (ms) that is drawn now, delayMs behind the estimated present. */
  renderTime(now, delayMs) { return this.offset === null ? 0 : now - this.offset - delayMs; }

  /**
   * Returns the world as it was at renderTime: {tanks: Map(id → tank), shells: Map(id → shell)}
   * interpolated between the surrounding snapshots, or null before the first snapshot.
   */
  sample(renderTime) {
    const n = this.snaps.length;
    if (!n) return null;
    let i = n - 1;
    while (i > 0 && this.snaps[i - 1].time > renderTime) i--;
    const b = this.snaps[i];
    const a = i > 0 ? this.snaps[i - 1] : b;
    let t = b.time === a.time ? 1 : (renderTime - a.time) / (b.time - a.time);
    // Past the newest snapshot (loss or a stall): extrapolate shortly, then hold.
    const over = renderTime - b.time;
    if (a === b || t > 1) t = 1 + Math.min(Math.max(over, 0), MAX_EXTRAPOLATE_MS) / Math.max(b.time - a.time, this.tickMs);
    t = Math.max(0, t);
    return { tanks: blend(a.snap.tanks, b.snap.tanks, t, true), shells: blend(a.snap.shells, b.snap.shells, t, false) };
  }
}

function blend(from, to, t, angles) {
  const old = new Map(from.map((e) => [e.id, e]));
  const out = new Map();
  for (const e of to) {
    const p = old.get(e.id);
    if (!p || (angles && !(p.alive && e.alive)) || Math.hypot(e.x - p.x, e.y - p.y) > TELEPORT) {
      out.set(e.id, { ...e });
      continue;
    }
    const o = { ...e, x: p.x + (e.x - p.x) * t, y: p.y + (e.y - p.y) * t };
    if (angles) { o.hull = lerpAngle(p.hull, e.hull, t); o.turret = lerpAngle(p.turret, e.turret, t); }
    out.set(e.id, o);
  }
  return out;
}
