// The render loop's timing. Frames come from requestAnimationFrame and, while those stall (a
// background tab in some browsers), from a slow fallback timer, so inputs keep flowing. A rAF
// timestamp is the start of the frame and can be earlier than the performance.now() a timer read
// just before, so raw differences can run backwards; a negative frame time would grow particles,
// a correction offset or an input accumulator instead of shrinking them. FrameClock only ever
// moves forward, by at most MAX_FRAME_S a frame. Sends and handles no events.

export const MAX_FRAME_S = 0.1;
const FALLBACK_EVERY_MS = 50;
const STALLED_MS = 100; // no frame for this long: the fallback timer draws one

export class FrameClock {
  constructor() { this.now = null; } // ms, the latest time seen

  /** Advances to now (ms) and returns the seconds since the previous frame, in [0, MAX_FRAME_S]. */
  step(now) {
    if (this.now === null || now <= this.now) {
      if (this.now === null) this.now = now;
      return 0;
    }
    const dt = Math.min(MAX_FRAME_S, (now - this.now) / 1000);
    this.now = now;
    return dt;
  }
}

/** Calls frame(now, dt) on every animation frame, and from a timer while frames stall: now in ms, dt in seconds (FrameClock). */
export function runFrames(frame) {
  const clock = new FrameClock();
  const tick = (stamp) => { const dt = clock.step(stamp); frame(clock.now, dt); };
  const animate = (stamp) => { tick(stamp); requestAnimationFrame(animate); };
  requestAnimationFrame(animate);
  setInterval(() => { const now = performance.now(); if (now - (clock.now ?? 0) > STALLED_MS) tick(now); }, FALLBACK_EVERY_MS);
}
