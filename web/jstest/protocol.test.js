// Unit tests for the tank's input payload (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeInput, decodeInput } from '../js/protocol.js';
import { normaliseAngle } from '../js/angle.js';

test('input payload is [seq, throttle, turn, aim, fire], quantised and clamped', () => {
  const p = encodeInput(7, { throttle: 1.5, turn: -0.333333, aim: 1.23456, fire: true });
  assert.deepEqual(p, [7, 1, -0.33, 1.235, 1]);
  assert.deepEqual(decodeInput(p), { seq: 7, throttle: 1, turn: -0.33, aim: 1.235, fire: true, view: 0 });
});

test('the view tick the others are drawn at is a sixth element, rounded, left out when unknown', () => {
  const p = encodeInput(8, { throttle: 0, turn: 0, aim: 0, fire: true, view: 12345.6 });
  assert.deepEqual(p, [8, 0, 0, 0, 1, 12346]);
  assert.equal(decodeInput(p).view, 12346);
  for (const view of [undefined, null, 0, 0.4, -3, NaN, Infinity]) {
    assert.equal(encodeInput(9, { throttle: 0, turn: 0, aim: 0, fire: false, view }).length, 5, `view ${view}`);
  }
});

test('aim is wrapped into (-pi, pi]', () => {
  assert.ok(Math.abs(normaliseAngle(3 * Math.PI) - Math.PI) < 1e-9 || Math.abs(normaliseAngle(3 * Math.PI) + Math.PI) < 1e-9);
  assert.ok(Math.abs(normaliseAngle(-0.5 - 2 * Math.PI) + 0.5) < 1e-9);
  const [, , , aim] = encodeInput(1, { throttle: 0, turn: 0, aim: 7, fire: false });
  assert.ok(aim > -Math.PI && aim <= Math.PI);
});
