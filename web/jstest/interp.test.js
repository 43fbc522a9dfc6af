// Unit tests for the snapshot buffer (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotBuffer } from '../js/interp.js';

const snap = (tick, x, extra = {}) => ({
  tick, tanks: [{ id: 1, x, y: 0, hull: 0, turret: 0, alive: true, ...extra }], shells: [], scores: [], events: [],
});

test('interpolates between the snapshots around the render time', () => {
  const b = new SnapshotBuffer(60); // tick = 16.67 ms
  b.push(snap(60, 0), 1000); // server time 1000 ms arrives at local 1000
  b.push(snap(66, 60), 1100);
  const world = b.sample(1050); // halfway between 1000 and 1100 in server time
  assert.ok(Math.abs(world.tanks.get(1).x - 30) < 1e-6, `x = ${world.tanks.get(1).x}`);
});

test('render time runs the delay behind the fastest observed arrival', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0), 1030); // late arrival
  b.push(snap(66, 0), 1100); // on-time arrival defines the clock offset (0)
  assert.equal(b.renderTime(1200, 100), 1100);
});

test('late and duplicate snapshots are ignored', () => {
  const b = new SnapshotBuffer(60);
  assert.equal(b.push(snap(10, 0), 0), true);
  assert.equal(b.push(snap(10, 5), 1), false);
  assert.equal(b.push(snap(9, 5), 2), false);
  assert.equal(b.latest().tick, 10);
});

test('a respawn jump is not interpolated across the map', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0), 1000);
  b.push(snap(66, 900), 1100);
  assert.equal(b.sample(1050).tanks.get(1).x, 900);
});

test('past the newest snapshot it holds position instead of running away', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0), 1000);
  b.push(snap(66, 60), 1100);
  const x = b.sample(5000).tanks.get(1).x;
  assert.ok(x >= 60 && x <= 120 + 1e-6, `x = ${x}`); // at most MAX_EXTRAPOLATE_MS ahead
});
