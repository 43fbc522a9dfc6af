// Unit tests for the input clock: one input per server tick, a capped catch-up, nothing while the
// page is hidden but one idle input as it hides, seq numbering on from the join ack (run by
// web/kit/js_test.go under Node).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputClock } from '../inputclock.js';

const docListeners = {};
globalThis.document = { hidden: false, addEventListener: (type, fn) => { docListeners[type] = fn; } };

/** A Connection stand-in: collects what is sent; join(ack) plays the server's join ack. */
function fakeConnection() {
  const listeners = {};
  return {
    sent: [],
    on(event, fn) { (listeners[event] ||= []).push(fn); return this; },
    sendInput(payload) { this.sent.push(payload); },
    join(ack) { for (const fn of listeners.joined || []) fn(ack); },
  };
}

test('sends nothing before the join ack, then one input per tick', () => {
  const conn = fakeConnection();
  const clock = new InputClock(conn, { build: (seq) => [seq, 'x'] });
  assert.equal(clock.advance(1), 0);
  conn.join({ tickRate: 8, seq: 0 }); // ticks of 1/8 s: exact in binary
  assert.equal(clock.advance(0.3125), 2); // 2.5 ticks: two whole ones
  assert.equal(clock.fraction, 0.5);
  assert.equal(clock.advance(0.0625), 1);
  assert.deepEqual(conn.sent, [[1, 'x'], [2, 'x'], [3, 'x']]);
  assert.equal(clock.seq, 3);
});

test('after a stall at most maxCatchUp inputs go out, and the rest of the time is dropped', () => {
  const conn = fakeConnection();
  const clock = new InputClock(conn, { build: (seq) => [seq], maxCatchUp: 4 });
  conn.join({ tickRate: 60, seq: 0 });
  assert.equal(clock.advance(1), 4);
  assert.equal(clock.fraction, 0);
  assert.equal(clock.advance(1 / 60 + 1e-9), 1);
});

test('every join numbers on from the ack\'s seq, never back', () => {
  const conn = fakeConnection();
  const clock = new InputClock(conn, { build: (seq) => [seq] });
  conn.join({ tickRate: 10, seq: 100 });
  clock.advance(0.1 + 1e-9);
  assert.deepEqual(conn.sent.at(-1), [101]);
  conn.join({ tickRate: 10, seq: 5 }); // another room that knows less
  clock.advance(0.1 + 1e-9);
  assert.deepEqual(conn.sent.at(-1), [102]);
});

test('a build that returns null sends nothing and uses no seq', () => {
  const conn = fakeConnection();
  let ready = false;
  const clock = new InputClock(conn, { build: (seq) => (ready ? [seq] : null) });
  conn.join({ tickRate: 10, seq: 0 });
  clock.advance(0.1 + 1e-9);
  ready = true;
  clock.advance(0.1);
  assert.deepEqual(conn.sent, [[1]]);
});

test('a hidden page sends no inputs, and one idle input as it hides', () => {
  const conn = fakeConnection();
  const clock = new InputClock(conn, { build: (seq) => [seq, 1], idle: (seq) => [seq, 0] });
  docListeners.visibilitychange(); // hidden before the join: nothing to stop
  document.hidden = true;
  docListeners.visibilitychange();
  assert.deepEqual(conn.sent, []);
  conn.join({ tickRate: 10, seq: 0 });
  docListeners.visibilitychange();
  assert.equal(clock.advance(5), 0);
  document.hidden = false;
  docListeners.visibilitychange(); // shown again: no idle input
  assert.equal(clock.advance(0.1), 1);
  assert.deepEqual(conn.sent, [[1, 0], [2, 1]]);
});
