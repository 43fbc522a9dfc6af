// Unit tests for the tank snapshot decoder in the kit's snapshot stream: a delta whose base the
// client does not hold is refused, so the stream asks for a keyframe (run by web/js_test.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotStream } from '../kit/snapstream.js';
import { decodeSnapshot } from '../js/snapshot.js';

const RATE = 60;
// Empty snapshots in the wire layout of game/tanks/SNAPSHOT.md (all values below 128, one byte each),
// in the runtime's frames (the number, how many back the base is, then the tank encoding);
// snapshots are numbered by their tick here. A keyframe carries the rates (tick rate, shell
// speed 0) and the round (endless: phase, number, map and end all 0); a delta keeps its base's.
const V = 4; // the snapshot version
const keyframe = (tick) => new Uint8Array([tick, 0, V, 6, tick, RATE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).buffer;
const delta = (tick, base) => new Uint8Array([tick, tick - base, V, 1, tick - base, 0, 0, 0, 0, 0]).buffer;

test('deltas apply on the snapshot their frame names', () => {
  let asked = 0;
  const s = new SnapshotStream(decodeSnapshot, () => asked++);
  assert.equal(s.receive(keyframe(2)).tick, 2);
  assert.equal(s.receive(delta(4, 2)).tick, 4);
  assert.equal(s.receive(delta(6, 2)).delta, true);
  assert.equal(asked, 0);
});

test('a delta on a base not held, a delta before any keyframe or damaged data ask for a keyframe', () => {
  let asked = 0;
  const s = new SnapshotStream(decodeSnapshot, () => asked++);
  assert.equal(s.receive(delta(4, 2)), null);
  assert.equal(asked, 1);
  assert.equal(s.receive(keyframe(6)).tick, 6);
  assert.equal(s.receive(delta(10, 8)), null, 'the snapshot of tick 8 was never decoded');
  assert.equal(asked, 2);
  assert.equal(s.receive(keyframe(12)).delta, false);
  assert.equal(s.receive(new Uint8Array([14, 0, V, 6, 14]).buffer), null);
  assert.equal(asked, 3);
});
