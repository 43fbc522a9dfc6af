// Unit tests for the tank world between snapshots (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnapshotBuffer } from '../kit/interp.js';
import { sampleWorld } from '../js/interp.js';

const snap = (tick, x, extra = {}) => ({
  tick, tanks: [{ id: 1, x, y: 0, hull: 0, turret: 0, alive: true, ...extra }], shells: [{ id: 7, x, y: 5 }], scores: [], events: [],
});

test('tanks and shells are interpolated, angles the short way round', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0, { hull: 3, turret: -3 }), 1000);
  b.push(snap(66, 60, { hull: -3, turret: 3 }), 1100);
  const world = sampleWorld(b, 1050);
  const tank = world.tanks.get(1);
  assert.ok(Math.abs(tank.x - 30) < 1e-6, `x = ${tank.x}`);
  assert.ok(Math.abs(Math.abs(tank.hull) - Math.PI) < 0.01, `hull = ${tank.hull}`); // across ±pi, not through 0
  assert.ok(Math.abs(Math.abs(tank.turret) - Math.PI) < 0.01, `turret = ${tank.turret}`);
  assert.ok(Math.abs(world.shells.get(7).x - 30) < 1e-6);
});

test('a respawn jump is not interpolated across the map', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0), 1000);
  b.push(snap(66, 900), 1100);
  assert.equal(sampleWorld(b, 1050).tanks.get(1).x, 900);
});

test('a tank that died or came back is drawn where the newer snapshot has it', () => {
  const b = new SnapshotBuffer(60);
  b.push(snap(60, 0, { alive: false }), 1000);
  b.push(snap(66, 60), 1100);
  assert.equal(sampleWorld(b, 1050).tanks.get(1).x, 60);
});

test('nothing before the first snapshot', () => {
  assert.equal(sampleWorld(new SnapshotBuffer(60), 0), null);
});
