// Unit tests for the snapshot stream: frames numbered by the server, deltas decoded against the
// base their frame names, the acknowledgement, and resync on a gap (run by web/kit/js_test.go).
// The game's decoder here is a toy: a keyframe's body is [tick], a delta's [tick, base tick],
// and a delta decodes only on the snapshot of its base tick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotStream, decodeJSON, readFrame } from '../snapstream.js';

// A frame: the snapshot's number, how many back its base is (0: keyframe), then the body. The
// toy numbers snapshots by their tick.
const frame = (n, back, body) => new Uint8Array([n, back, ...body]).buffer;
const keyframe = (tick) => frame(tick, 0, [tick]);
const delta = (tick, base) => frame(tick, tick - base, [tick, base]);
function decode(buf, base) {
  const [tick, from] = new Uint8Array(buf);
  if (tick === undefined) throw new RangeError('truncated');
  if (from === undefined) return { tick };
  return base && base.tick === from ? { tick, delta: true } : null;
}

test('deltas decode against the base their frame names, and the newest number is acknowledged', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  assert.equal(s.receive(keyframe(2)).tick, 2);
  assert.equal(s.acked, 2);
  assert.equal(s.receive(delta(4, 2)).tick, 4);
  assert.equal(s.receive(delta(6, 2)).delta, true, 'against an older base it still holds');
  assert.equal(s.baseAge, 4);
  assert.equal(s.acked, 6);
  assert.equal(asked, 0);
});

test('a lost snapshot costs nothing when the next delta is against one the client holds', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  s.receive(keyframe(2));
  // The snapshot of tick 4 was lost; the server had no acknowledgement of it, so the next
  // delta is against 2.
  assert.equal(s.receive(delta(6, 2)).tick, 6);
  assert.equal(asked, 0);
});

test('a delta whose base is not held asks once for a keyframe and skips deltas until it comes', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  s.receive(keyframe(2));
  assert.equal(s.receive(delta(6, 4)), null);
  assert.equal(s.receive(delta(8, 4)), null);
  assert.equal(asked, 1, 'one resync per gap, not one per delta');
  assert.equal(s.receive(keyframe(10)).tick, 10);
  assert.equal(s.receive(delta(12, 10)).tick, 12);
  assert.equal(s.receive(delta(16, 14)), null);
  assert.equal(asked, 2, 'a later gap asks again');
});

test('damaged data asks for a keyframe; a reset forgets every base', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  s.receive(keyframe(6));
  assert.equal(s.receive(frame(7, 0, [])), null, 'the decoder throws');
  assert.equal(asked, 1);
  s.reset();
  assert.equal(s.acked, 0);
  assert.equal(s.receive(delta(10, 6)), null);
  assert.equal(asked, 2, 'a new connection asks afresh');
});

test('frames: numbers as uvarints; junk is no frame', () => {
  assert.deepEqual(readFrame(new Uint8Array([0xac, 0x02, 0x01, 9]).buffer), { n: 300, back: 1, offset: 3 });
  for (const junk of [[], [0], [5], [5, 5], [5, 9], [0x80]]) assert.equal(readFrame(new Uint8Array(junk).buffer), null, `${junk}`);
});

test('decodeJSON reads a whole snapshot sent as JSON; a damaged one asks for the next', () => {
  let asked = 0;
  const s = new SnapshotStream(decodeJSON, () => asked++);
  const json = (n, v) => frame(n, 0, new TextEncoder().encode(JSON.stringify(v)));
  assert.deepEqual(s.receive(json(1, { tick: 3, players: [{ id: 1, x: 2, y: 5 }] })), { tick: 3, players: [{ id: 1, x: 2, y: 5 }] });
  assert.equal(s.receive(frame(2, 0, [123])), null);
  assert.equal(asked, 1);
  assert.equal(s.receive(json(3, { tick: 5 })).tick, 5);
});
