// Unit tests for the render loop's clock (run by web/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameClock, MAX_FRAME_S } from '../js/frameclock.js';

test('a frame stamped before the previous one takes no time and does not move the clock back', () => {
  const c = new FrameClock();
  assert.equal(c.step(1000), 0);
  assert.ok(Math.abs(c.step(1016) - 0.016) < 1e-12);
  assert.equal(c.step(1010), 0, 'a rAF timestamp older than the fallback timer\'s now');
  assert.equal(c.now, 1016);
  assert.ok(Math.abs(c.step(1032) - 0.016) < 1e-12);
});

test('a long stall counts as one capped frame', () => {
  const c = new FrameClock();
  c.step(0);
  assert.equal(c.step(60_000), MAX_FRAME_S);
  assert.equal(c.now, 60_000);
});
