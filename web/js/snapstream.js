// The client's end of the snapshot stream. The server sends deltas against the snapshot it sent
// before and keyframes when a client needs one (arena/doc.go); this keeps the last decoded
// snapshot as the base of the next delta and, when a delta does not fit it (a snapshot was
// lost on the way, or one arrived damaged), asks the server once for a keyframe and skips
// deltas until it comes.

import { decodeSnapshot } from './snapshot.js';

export class SnapshotStream {
  /** requestKeyframe() tells the server this client lost track (the `resync` event). */
  constructor(requestKeyframe) {
    this.requestKeyframe = requestKeyframe;
    this.base = null;
    this.waiting = false;
  }

  /** Decodes one received snapshot; returns it, or null when it cannot be used. */
  receive(buf) {
    let snap = null;
    try { snap = decodeSnapshot(buf, this.base); } catch { snap = null; }
    if (!snap) {
      if (!this.waiting) {
        this.waiting = true;
        this.requestKeyframe();
      }
      return null;
    }
    if (!snap.delta) this.waiting = false;
    this.base = snap;
    return snap;
  }

  /** Forgets the base: a new connection starts with a keyframe anyway. */
  reset() {
    this.base = null;
    this.waiting = false;
  }
}
