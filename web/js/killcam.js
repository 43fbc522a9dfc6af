// The kill-cam: after the own tank is destroyed by another, the player may watch the last 5
// seconds before the kill from the killer's view. It is built from the page's own copy of the
// recording: the snapshots this page decoded, which are the frames the server records for the
// replay (a replay is the snapshot stream its players received), kept for the last few seconds
// and played back with the replay viewer's timeline and follow camera. So it costs the server
// nothing, needs no request (it starts at once, on a bad network too) and works with
// recording off.

import { Timeline } from './timeline.js';
import { FollowCamera } from './spectate.js';

const KEEP_MS = 8000; // snapshots kept: the 5 s before a kill, and the respawn wait after it
export const BEFORE_MS = 5000;
const AFTER_MS = 800; // the explosion, after the kill

export class KillCam {
  constructor() { this.reset(60); }

  /** Forgets everything: a new room or world counts its ticks afresh. */
  reset(tickRate) {
    this.tickMs = 1000 / tickRate;
    this.tickRate = tickRate;
    this.snaps = [];
    this.offer = null; // {killer, tick}: the own tank's last death by another tank
    this.playing = null; // {timeline, cam, t, killer}
  }

  /** Keeps a decoded snapshot (in tick order, as the stream delivers them). */
  push(snap) {
    this.snaps.push(snap);
    const oldest = snap.tick - KEEP_MS / this.tickMs;
    let drop = 0;
    while (drop < this.snaps.length - 1 && this.snaps[drop].tick < oldest) drop++;
    if (drop) this.snaps.splice(0, drop);
  }

  /** The own tank was destroyed by killer at tick: the kill-cam is offered until cleared. */
  offerKill(killer, tick) { this.offer = { killer, tick }; }

  /** The own tank is back: nothing to offer. */
  clearOffer() { this.offer = null; }

  /** Whether a kill-cam can play now: a kill offered, with at least a second of snapshots before it. */
  available() {
    const o = this.offer;
    return !!o && !this.playing && this.snaps.length > 1 && this.snaps[0].tick <= o.tick - 1000 / this.tickMs;
  }

  /** Starts playing the 5 s before the offered kill, following the killer; false when it cannot. */
  start() {
    if (!this.available()) return false;
    const { killer, tick } = this.offer;
    const from = tick - BEFORE_MS / this.tickMs, to = tick + AFTER_MS / this.tickMs;
    const snaps = this.snaps.filter((s) => s.tick >= from && s.tick <= to);
    if (snaps.length < 2) return false;
    const timeline = new Timeline(snaps.map((s) => ({ tick: s.tick, back: 0 })), this.tickRate, (i) => snaps[i]);
    const cam = new FollowCamera();
    cam.follow(killer);
    this.playing = { timeline, cam, t: timeline.start, killer, index: -1 };
    return true;
  }

  stop() { this.playing = null; }

  /**
   * Advances the kill-cam by dt seconds; returns what to draw, {world, snap, focus, killer,
   * events (those of the frames reached since the last call)}, or null when it has ended.
   */
  frame(dt, map) {
    const p = this.playing;
    if (!p) return null;
    p.t += dt * 1000;
    if (p.t > p.timeline.end) { this.stop(); return null; }
    const at = p.timeline.at(p.t);
    if (!at) { this.stop(); return null; }
    const events = [];
    for (let i = Math.max(p.index + 1, 0); i <= at.index && p.index >= 0; i++) events.push(...(p.timeline.snapshot(i)?.events || []));
    p.index = at.index;
    return { world: at.world, snap: at.snap, focus: p.cam.focus([...at.world.tanks.values()]) ?? { x: map.width / 2, y: map.height / 2 }, killer: p.killer, events, seconds: (p.t - p.timeline.start) / 1000 };
  }
}
