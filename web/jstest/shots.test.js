// Unit tests for the own-shell prediction (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnShots } from '../js/shots.js';

const noWalls = () => false;

test('a predicted shell flies at once and is matched to the server shell', () => {
  const s = new OwnShots();
  s.fire(0, 0, 0, 600, 0);
  s.update(0.1, 100, new Map(), 0, 50, noWalls);
  assert.equal(s.list.length, 1);
  assert.ok(Math.abs(s.list[0].x - 60) < 1e-9);
  s.update(0.016, 116, new Map([[5, { id: 5, x: 40, y: 0, vx: 600, vy: 0 }]]), 0, 50, noWalls);
  assert.equal(s.list[0].id, 5);
});

test('an unconfirmed shell disappears after the round trip grace, a confirmed one with the server shell', () => {
  const s = new OwnShots();
  s.fire(0, 0, 0, 600, 0);
  s.update(0.016, 1000, new Map(), 0, 50, noWalls);
  assert.equal(s.list.length, 0);
  s.fire(0, 0, 0, 600, 2000);
  s.update(0.016, 2016, new Map([[9, { id: 9, x: 0, y: 0, vx: 600, vy: 0 }]]), 0, 50, noWalls);
  s.update(0.016, 2032, new Map(), 0, 50, noWalls);
  assert.equal(s.list.length, 0);
});

test('a predicted shell stops at a wall', () => {
  const s = new OwnShots();
  s.fire(0, 0, 0, 600, 0);
  s.update(0.1, 100, new Map(), 0, 50, (x) => x > 30);
  assert.equal(s.list.length, 0);
});

test('a confirmed shell is drawn aheadMs along the server shell, behind it when negative', () => {
  const s = new OwnShots();
  s.fire(0, 0, 0, 600, 0);
  const server = new Map([[3, { id: 3, x: 100, y: 0, vx: 600, vy: 0 }]]);
  for (let i = 0; i < 60; i++) s.update(0, 16 * i, server, -100, 50, noWalls);
  assert.ok(Math.abs(s.list[0].x - 40) < 1e-3, `x = ${s.list[0].x}, want 40`);
  for (let i = 0; i < 60; i++) s.update(0, 16 * i, server, 50, 50, noWalls);
  assert.ok(Math.abs(s.list[0].x - 130) < 1e-3, `x = ${s.list[0].x}, want 130`);
});
