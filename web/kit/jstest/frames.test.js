// Unit tests for the render loop's timing (run by web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameClock, MAX_FRAME_S, runFrames } from '../frames.js';

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

test('runFrames draws on animation frames, and from its timer only while they stall', () => {
  let rafCallback = null;
  let timer = null;
  let clock = 0;
  globalThis.requestAnimationFrame = (fn) => { rafCallback = fn; };
  globalThis.setInterval = (fn) => { timer = fn; };
  globalThis.performance = { now: () => clock };
  const frames = [];
  runFrames((now, dt) => frames.push([now, dt]));
  rafCallback(1000);
  rafCallback(1016);
  clock = 1050;
  timer(); // 34 ms after the last frame: frames are flowing, the timer stays out
  assert.equal(frames.length, 2);
  clock = 1300;
  timer(); // frames stalled
  assert.deepEqual(frames.at(-1), [1300, MAX_FRAME_S]);
  rafCallback(1290); // a late rAF stamp from before the timer's frame: no time runs backwards
  assert.deepEqual(frames.at(-1), [1300, 0]);
  assert.ok(Math.abs(frames[1][1] - 0.016) < 1e-12);
});
