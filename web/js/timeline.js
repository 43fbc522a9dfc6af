// A recorded stretch of snapshots played back at any moment: a replay file's frames (decoded
// as they are reached, from the keyframe before a moment when seeking) or the snapshots a page
// kept (the kill-cam). Times are in ms of the room's clock: tick * 1000 / tickRate.

import { sampleWorld } from './interp.js';

const CACHE = 240; // decoded snapshots kept: 8 s at 30 a second, so playing and short seeks decode each once

export class Timeline {
  /**
   * frames: [{tick, back, base?}] ascending (back 0: a keyframe); a delta's base is the index of
   * the frame it is against, frames[base] (i-1 when not given), at or after the keyframe before
   * it. decode(i, previous) returns the snapshot of frame i, decoded against its base's snapshot
   * (previous; null for a keyframe), and throws when it cannot.
   */
  constructor(frames, tickRate, decode) {
    this.frames = frames;
    this.tickMs = 1000 / tickRate;
    this.decode = decode;
    this.cache = new Map();
    this.brokenAt = frames.length; // the first frame that did not decode
    this.error = null;
  }

  get start() { return this.frames[0].tick * this.tickMs; }
  get end() { return this.frames[Math.max(0, this.brokenAt - 1)].tick * this.tickMs; }
  time(i) { return this.frames[i].tick * this.tickMs; }

  /** The index of the last frame at or before t (ms), within the playable frames. */
  indexAt(t) {
    let lo = 0, hi = this.brokenAt - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.time(mid) <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Frame i's snapshot, decoded from the keyframe before it if need be; null past a damaged frame. */
  snapshot(i) {
    if (i >= this.brokenAt) return null;
    if (this.cache.has(i)) return this.cache.get(i);
    // The chain of bases back to a keyframe or a decoded snapshot, then decoded forwards: each
    // link's base is the link decoded just before it.
    const chain = [i];
    for (let j = i; this.frames[j].back !== 0;) {
      j = this.baseOf(j);
      if (j < 0 || this.cache.has(j)) break;
      chain.push(j);
    }
    let snap = null;
    for (let c = chain.length - 1; c >= 0; c--) {
      const j = chain[c];
      const base = this.frames[j].back === 0 ? -1 : this.baseOf(j);
      try {
        snap = this.decode(j, base < 0 ? null : this.cache.get(base) ?? null);
        if (!snap) throw new Error('a delta without its base');
      } catch (err) {
        this.brokenAt = Math.min(this.brokenAt, j);
        this.error = `damaged at ${clock(this.time(j) - this.start)}: ${err.message}`;
        return null;
      }
      this.remember(j, snap);
    }
    return snap;
  }

  /** The index of the frame delta frame i is against (-1: none). */
  baseOf(i) { return this.frames[i].base ?? i - 1; }

  remember(i, snap) {
    this.cache.set(i, snap);
    if (this.cache.size > CACHE) this.cache.delete(this.cache.keys().next().value);
  }

  /** The world at t: {tanks, shells} blended between the frames around it, and the frame's snapshot. */
  at(t) {
    const i = this.indexAt(t);
    const a = this.snapshot(i);
    if (!a) return null;
    const b = i + 1 < this.brokenAt ? this.snapshot(i + 1) ?? a : a;
    const ta = this.time(i), tb = b === a ? ta : this.time(i + 1);
    const k = tb > ta ? Math.max(0, Math.min(1, (t - ta) / (tb - ta))) : 1;
    const world = sampleWorld({ sample: (_, blend) => blend(a, b, k) }, t);
    return { world, snap: a, index: i };
  }
}

/** m:ss of a duration in ms. */
export function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
