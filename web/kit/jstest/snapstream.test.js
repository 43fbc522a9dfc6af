// Unit tests for the snapshot stream: deltas on the last snapshot, resync on a gap (run by
// web/kit/js_test.go). The game's decoder here is a toy: a keyframe is [0, tick], a delta
// [1, tick, base tick], and a delta decodes only on the snapshot of its base tick.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotStream, decodeJSON } from '../snapstream.js';

const keyframe = (tick) => new Uint8Array([0, tick]).buffer;
const delta = (tick, base) => new Uint8Array([1, tick, base]).buffer;
function decode(buf, base) {
  const [kind, tick, from] = new Uint8Array(buf);
  if (tick === undefined) throw new RangeError('truncated');
  if (kind === 0) return { tick };
  return base && base.tick === from ? { tick, delta: true } : null;
}

test('deltas apply on the last decoded snapshot', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  assert.equal(s.receive(keyframe(2)).tick, 2);
  assert.equal(s.receive(delta(4, 2)).tick, 4);
  assert.equal(s.receive(delta(6, 4)).delta, true);
  assert.equal(asked, 0);
});

test('a gap asks once for a keyframe and skips deltas until it comes', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  s.receive(keyframe(2));
  // The snapshot of tick 4 was lost: the next deltas do not fit.
  assert.equal(s.receive(delta(6, 4)), null);
  assert.equal(s.receive(delta(8, 6)), null);
  assert.equal(asked, 1, 'one resync per gap, not one per delta');
  assert.equal(s.receive(keyframe(10)).tick, 10);
  assert.equal(s.receive(delta(12, 10)).tick, 12);
  assert.equal(s.receive(delta(16, 14)), null);
  assert.equal(asked, 2, 'a later gap asks again');
});

test('a delta before any keyframe, or damaged data (the decoder throws), asks for a keyframe', () => {
  let asked = 0;
  const s = new SnapshotStream(decode, () => asked++);
  assert.equal(s.receive(delta(4, 2)), null);
  assert.equal(asked, 1);
  s.receive(keyframe(6));
  assert.equal(s.receive(new Uint8Array([1]).buffer), null);
  assert.equal(asked, 2);
  s.reset();
  assert.equal(s.receive(delta(10, 8)), null);
  assert.equal(asked, 3, 'after a reset the base is gone');
});

test('the decoder gets the last snapshot it returned as the base', () => {
  const bases = [];
  const s = new SnapshotStream((buf, base) => { bases.push(base?.n ?? null); return { n: bases.length }; }, () => {});
  s.receive(keyframe(1));
  s.receive(keyframe(2));
  s.receive(keyframe(3));
  assert.deepEqual(bases, [null, 1, 2]);
});

test('decodeJSON reads a whole snapshot sent as JSON; a damaged one asks for the next', () => {
  let asked = 0;
  const s = new SnapshotStream(decodeJSON, () => asked++);
  const json = (v) => new TextEncoder().encode(JSON.stringify(v)).buffer;
  assert.deepEqual(s.receive(json({ tick: 3, players: [{ id: 1, x: 2, y: 5 }] })), { tick: 3, players: [{ id: 1, x: 2, y: 5 }] });
  assert.equal(s.receive(new Uint8Array([123]).buffer), null);
  assert.equal(asked, 1);
  assert.equal(s.receive(json({ tick: 5 })).tick, 5);
});
