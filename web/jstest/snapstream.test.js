// Unit tests for the snapshot stream: deltas on the last snapshot, resync on a gap (run by web/js_test.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotStream } from '../js/snapstream.js';

const RATE = 60;
// Empty snapshots in the wire layout of game/tanks/SNAPSHOT.md (all values below 128, one byte each).
// A keyframe carries the rates (tick rate, shell speed 0); a delta keeps its base's.
const keyframe = (tick) => new Uint8Array([2, 2, tick, RATE, 0, 0, 0, 0, 0, 0]).buffer;
const delta = (tick, base) => new Uint8Array([2, 1, tick, tick - base, 0, 0, 0, 0, 0]).buffer;

test('deltas apply on the last decoded snapshot', () => {
  let asked = 0;
  const s = new SnapshotStream(() => asked++);
  assert.equal(s.receive(keyframe(2)).tick, 2);
  assert.equal(s.receive(delta(4, 2)).tick, 4);
  assert.equal(s.receive(delta(6, 4)).delta, true);
  assert.equal(asked, 0);
});

test('a gap asks once for a keyframe and skips deltas until it comes', () => {
  let asked = 0;
  const s = new SnapshotStream(() => asked++);
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

test('a delta before any keyframe, or damaged data, asks for a keyframe', () => {
  let asked = 0;
  const s = new SnapshotStream(() => asked++);
  assert.equal(s.receive(delta(4, 2)), null);
  assert.equal(asked, 1);
  s.receive(keyframe(6));
  assert.equal(s.receive(new Uint8Array([2, 2, 8]).buffer), null);
  assert.equal(asked, 2);
  s.reset();
  assert.equal(s.receive(delta(10, 8)), null);
  assert.equal(asked, 3, 'after a reset the base is gone');
});
