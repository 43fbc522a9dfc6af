// Frame timing for the render loop. Frames come from requestAnimationFrame and, while those
// stall, from a fallback timer. A rAF timestamp is the start of the frame and can be earlier than
// the performance.now() a timer read just before, so raw differences can run backwards; a
// negative frame time would grow particles, the correction offset and the input accumulator
// instead of shrinking them. This clock only ever moves forward, by at most MAX_FRAME_S a frame.

export const MAX_FRAME_S = 0.1;

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
