// The client's end of the snapshot stream. The server sends each player snapshots at the
// snapshot rate (the "snapshot" event, binary, volatile) in frames: the snapshot's number, how
// many snapshots back its base is (0: a keyframe), then the game's encoding (the Go runtime's
// game/snapframe.go). This keeps the snapshots it decoded by number, decodes each delta against
// the one its frame names, and reports the newest number it decoded (`acked`), which the
// connection sends back with its inputs: the server then encodes against that one, so a
// snapshot lost or late on the way costs nothing but itself. A delta whose base it does not
// hold (or one that does not decode) makes it ask once for a keyframe (the "resync" event,
// through the callback) and skip deltas until it comes.
//
// The encoding is the game's: decode(buf, base) reads one snapshot from an ArrayBuffer, a delta
// against base (the decoded snapshot its frame names; null for a keyframe), and returns it, or
// null (or throws) when it cannot be read.

const KEEP = 64; // snapshots kept as bases: the server encodes against the last 64 at most

export class SnapshotStream {
  /** decode(buf, base) is the game's decoder; requestKeyframe() tells the server this client lost track. */
  constructor(decode, requestKeyframe) {
    this.decode = decode;
    this.requestKeyframe = requestKeyframe;
    this.reset();
  }

  /**
   * Decodes one received frame (an ArrayBuffer); returns the snapshot, or null when it cannot be
   * used. After a snapshot, `acked` is the newest number decoded and `baseAge` how many
   * snapshots back the last one's base was (0: a keyframe).
   */
  receive(buf) {
    const frame = readFrame(buf);
    if (!frame) return null; // not a frame at all: nothing to ask for
    const base = frame.back === 0 ? null : this.decoded.get(frame.n - frame.back);
    let snap = null;
    if (frame.back === 0 || base) {
      try { snap = this.decode(buf.slice(frame.offset), base ?? null); } catch { snap = null; }
    }
    if (!snap) {
      if (!this.waiting) {
        this.waiting = true;
        this.requestKeyframe();
      }
      return null;
    }
    if (frame.back === 0) this.waiting = false;
    this.decoded.set(frame.n, snap);
    this.decoded.delete(frame.n - KEEP);
    this.acked = Math.max(this.acked, frame.n);
    this.baseAge = frame.back;
    return snap;
  }

  /** Forgets everything: a new connection starts with a keyframe anyway. */
  reset() {
    this.decoded = new Map();
    this.acked = 0;
    this.baseAge = 0;
    this.waiting = false;
  }
}

/** Reads a frame's header: {n, back, offset} (offset: where the game's encoding starts), or null. */
export function readFrame(buf) {
  const bytes = new Uint8Array(buf);
  let offset = 0;
  const uvarint = () => {
    let value = 0;
    for (let shift = 0; shift < 35 && offset < bytes.length; shift += 7) {
      const b = bytes[offset++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
    return -1;
  };
  const n = uvarint();
  const back = n > 0 ? uvarint() : -1;
  if (n <= 0 || n > 0xffffffff || back < 0 || back >= n) return null;
  return { n, back, offset };
}

const utf8 = new TextDecoder();

/** A decoder for a game that sends every snapshot whole, as JSON text in the binary message. */
export function decodeJSON(buf) { return JSON.parse(utf8.decode(buf)); }
