// The client's end of the snapshot stream. The server sends each player snapshots at the
// snapshot rate (the "snapshot" event, binary, volatile): deltas against the snapshot it sent
// before, and keyframes when a client needs one. This keeps the last decoded snapshot as the base
// of the next delta and, when a delta does not fit it (a snapshot was lost on the way, or one
// arrived damaged), asks the server once for a keyframe (the "resync" event, through the
// callback) and skips deltas until it comes.
//
// The encoding is the game's: decode(buf, base) reads one snapshot, a delta against base (the
// last snapshot it returned, null at first), and returns it, or null (or throws) when it cannot
// be read. A returned snapshot with `delta: true` was built on base; any other counts as a
// keyframe, so a game that sends whole snapshots every time needs no field at all.

export class SnapshotStream {
  /** decode(buf, base) is the game's decoder; requestKeyframe() tells the server this client lost track. */
  constructor(decode, requestKeyframe) {
    this.decode = decode;
    this.requestKeyframe = requestKeyframe;
    this.base = null;
    this.waiting = false;
  }

  /** Decodes one received snapshot (an ArrayBuffer); returns it, or null when it cannot be used. */
  receive(buf) {
    let snap = null;
    try { snap = this.decode(buf, this.base); } catch { snap = null; }
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

const utf8 = new TextDecoder();

/** A decoder for a game that sends every snapshot whole, as JSON text in the binary message. */
export function decodeJSON(buf) { return JSON.parse(utf8.decode(buf)); }
