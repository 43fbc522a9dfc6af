// Reads a replay file (the runtime's, game/replayformat.go; the layout in game/tanks/REPLAY.md):
// "TAREPLAY", the version, then records of kind, tick, length and bytes: the header (JSON), the
// welcome (the join answer's "game" JSON), rosters (JSON) and snapshot frames as the players
// received them. It only splits the file: the frames are decoded as they are played
// (timeline.js). A file that is not a replay throws with a message for the page; one cut inside
// a record (a server stopped while writing it) returns what came before with `truncated` set.

import { readFrame } from '../kit/snapstream.js';

const MAGIC = 'TAREPLAY';
const VERSION = 2, OLDEST = 1; // version 1's deltas are all on the snapshot just before: a case of 2
const HEADER = 1, WELCOME = 2, ROSTER = 3, SNAPSHOT = 4;
const MAX_RECORD = 1 << 20; // the server's bound too (maxReplayRecord)

const text = new TextDecoder();

class Cut extends Error {}

/**
 * Parses a replay from an ArrayBuffer: {header, welcome, rosters: [{tick, list}], frames: [{tick, n,
 * back, base, bytes}], truncated}. frames[i].bytes is the game's encoding: a keyframe when back is
 * 0 (base -1), else a delta against frames[base], a frame at or after the keyframe before it;
 * tick is the room's tick, in header.tickRate ticks a second.
 */
export function parseReplay(buffer) {
  const bytes = new Uint8Array(buffer);
  let i = 0;
  const uv = () => {
    let v = 0, mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= bytes.length) throw new Cut();
      const c = bytes[i++];
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
    throw new Error('a number runs on too long');
  };
  if (bytes.length < MAGIC.length || text.decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new Error('this is not a replay file');
  }
  i = MAGIC.length;
  let version;
  try { version = uv(); } catch { throw new Error('this is not a replay file'); }
  if (!(version >= OLDEST && version <= VERSION)) throw new Error(`replay version ${version}: this page reads versions ${OLDEST} to ${VERSION}`);

  const out = { header: null, welcome: null, rosters: [], frames: [], truncated: false };
  const json = (data, what) => {
    try { return JSON.parse(text.decode(data)); } catch { throw new Error(`the ${what} is damaged`); }
  };
  const since = new Map(); // the frames since the last keyframe: index by snapshot number
  for (let index = 0; i < bytes.length; index++) {
    let kind, tick, data;
    try {
      kind = bytes[i++];
      tick = uv();
      const len = uv();
      if (len > MAX_RECORD) throw new Error(`a record of ${len} bytes`);
      if (i + len > bytes.length) throw new Cut();
      data = bytes.subarray(i, i + len);
      i += len;
    } catch (err) {
      if (!(err instanceof Cut)) throw err;
      out.truncated = true;
      break;
    }
    if (index === 0) {
      if (kind !== HEADER) throw new Error('the replay has no header');
      out.header = json(data, 'header');
      if (!(out.header?.tickRate > 0)) throw new Error('the header has no tick rate');
      continue;
    }
    if (index === 1) {
      if (kind !== WELCOME) throw new Error('the replay has no map');
      out.welcome = json(data, 'map and rules');
      continue;
    }
    if (kind === ROSTER) {
      out.rosters.push({ tick, list: json(data, 'player list') });
    } else if (kind === SNAPSHOT) {
      const frame = readFrame(data.slice().buffer);
      if (!frame) throw new Error(`snapshot ${out.frames.length + 1} is damaged`);
      if (out.frames.length === 0 && frame.back !== 0) throw new Error('the first snapshot is not a keyframe');
      const prev = out.frames[out.frames.length - 1];
      if (prev && !(frame.n > prev.n && tick >= prev.tick)) throw new Error(`snapshot ${frame.n} goes back`);
      if (frame.back === 0) since.clear();
      const base = frame.back === 0 ? -1 : since.get(frame.n - frame.back);
      if (base === undefined) throw new Error(`snapshot ${frame.n} does not follow a snapshot since the keyframe before it`);
      since.set(frame.n, out.frames.length);
      out.frames.push({ tick, n: frame.n, back: frame.back, base, bytes: data.subarray(frame.offset) });
    } else {
      throw new Error(`unknown record kind ${kind}`);
    }
  }
  if (!out.welcome) throw new Error(out.truncated ? 'the replay is cut off before its first snapshot' : 'the replay is empty');
  if (!out.frames.length) throw new Error('the replay holds no snapshot');
  return out;
}
