// Unit tests for own-tank prediction and reconciliation, with the real movement.js
// (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Predictor } from '../js/predict.js';
import { stepTank } from '../js/movement.js';

const config = { tankRadius: 16, tankAccel: 600, tankMaxSpeed: 200, tankReverseSpeed: 120, tankFriction: 400, tankGrip: 800, hullTurnRate: 3, turretTurnRate: 5 };
const map = { width: 2000, height: 2000, walls: [{ x: 600, y: 0, w: 40, h: 2000 }] };
const dt = 1 / 60;
const spawn = () => ({ id: 1, x: 100, y: 100, vx: 0, vy: 0, hull: 0, turret: 0, alive: true, seq: 0 });
const drive = { throttle: 1, turn: 0.3, aim: 1 };

test('a server that agrees causes no correction, whatever it has not applied yet', () => {
  const p = new Predictor(config, map);
  p.reconcile(spawn());
  const server = spawn();
  for (let seq = 1; seq <= 30; seq++) {
    p.apply(seq, drive, dt);
    if (seq <= 18) { stepTank(server, drive, config, map, dt); server.seq = seq; } // 12 inputs still in flight
  }
  const before = { x: p.state.x, y: p.state.y };
  p.reconcile({ ...server });
  assert.equal(p.pending.length, 12);
  assert.ok(Math.abs(p.state.x - before.x) < 1e-9 && Math.abs(p.state.y - before.y) < 1e-9);
  assert.ok(p.lastError < 1e-9);
});

test('a paced server (a starved tick holds the tank, a catch-up moves it twice) causes no correction', () => {
  // The server of game.Pacer: each tick applies the next input that arrived, none when none
  // did (seq unchanged, the tank still), two when it gives back latency after a stall.
  const p = new Predictor(config, map);
  p.reconcile(spawn());
  const server = spawn();
  const input = (seq) => ({ throttle: Math.sin(seq / 7), turn: Math.cos(seq / 5), aim: seq / 9 });
  const perTick = [1, 1, 0, 0, 0, 1, 1, 2, 2, 2, 1, 0, 1, 2, 1, 1]; // inputs applied each tick
  let sent = 0, applied = 0;
  for (const n of perTick) {
    for (let i = 0; i < 2 && sent < applied + 4; i++) { sent++; p.apply(sent, input(sent), dt); } // the page runs ahead
    for (let i = 0; i < n && applied < sent; i++) { applied++; stepTank(server, input(applied), config, map, dt); server.seq = applied; }
    p.reconcile({ ...server });
    assert.ok(p.lastError < 1e-9, `corrected by ${p.lastError} at seq ${applied}`);
  }
  assert.ok(applied > 10);
});

test('a small disagreement is blended away, not snapped', () => {
  const p = new Predictor(config, map);
  p.reconcile(spawn());
  p.apply(1, drive, dt);
  const drawn = p.pose(1);
  p.reconcile({ ...spawn(), x: 104, seq: 0 }); // the server has the tank 4 units further
  const after = p.pose(1);
  assert.ok(Math.abs(after.x - drawn.x) < 1e-9, 'the drawn position does not jump');
  for (let i = 0; i < 60; i++) p.smooth(1 / 60);
  assert.ok(Math.abs(p.pose(1).x - p.state.x) < 0.01, 'after a second the correction is gone');
});

test('a respawn far away snaps at once', () => {
  const p = new Predictor(config, map);
  p.reconcile(spawn());
  p.apply(1, drive, dt);
  p.reconcile({ ...spawn(), x: 1500, y: 1500, seq: 1 });
  assert.equal(p.pose(1).x, 1500);
});

test('prediction collides with walls like the server', () => {
  const p = new Predictor(config, map);
  p.reconcile({ ...spawn(), x: 560 });
  for (let seq = 1; seq <= 120; seq++) p.apply(seq, { throttle: 1, turn: 0, aim: 0 }, dt);
  assert.ok(p.state.x <= 600 - config.tankRadius + 1e-9, `x = ${p.state.x}`);
});

test('a reconcile that agrees keeps drawing the turn between ticks', () => {
  const p = new Predictor(config, map);
  p.reconcile(spawn());
  const server = spawn();
  const turning = { throttle: 0, turn: 1, aim: 2 };
  for (let seq = 1; seq <= 10; seq++) {
    p.apply(seq, turning, dt);
    if (seq <= 6) { stepTank(server, turning, config, map, dt); server.seq = seq; }
  }
  const mid = p.pose(0.5);
  p.reconcile({ ...server });
  const after = p.pose(0.5);
  assert.ok(Math.abs(after.hull - mid.hull) < 1e-9, `hull ${after.hull} != ${mid.hull}`);
  assert.ok(Math.abs(after.turret - mid.turret) < 1e-9, `turret ${after.turret} != ${mid.turret}`);
  assert.ok(Math.abs(p.pose(0).hull - p.pose(1).hull) > 1e-3, 'the pose still turns within the tick');
});
