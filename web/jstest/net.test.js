// Unit tests for the connection's join handling: a tab whose token another tab took over is told
// so and stays out until the player says otherwise (run by web/js_test.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';

// The browser globals net.js uses, as small fakes.
const storage = () => {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
};
globalThis.location = { search: '' };
globalThis.sessionStorage = storage();
globalThis.localStorage = storage();
const pageListeners = {};
globalThis.addEventListener = (type, fn) => { pageListeners[type] = fn; };
const intervals = [];
globalThis.setInterval = (fn) => { intervals.push(fn); return intervals.length; };

/** A socket.io-client stand-in: records emits, and the test fires the server's events. */
class FakeSocket {
  constructor() { this.handlers = {}; this.emits = []; this.connected = true; this.connects = 0; }
  on(event, fn) { this.handlers[event] = fn; }
  emit(event, ...args) { this.emits.push({ event, args }); }
  fire(event, ...args) { this.handlers[event]?.(...args); }
  disconnect() { this.connected = false; }
  connect() { this.connected = true; this.connects++; }
  joins() { return this.emits.filter((e) => e.event === 'join'); }
}
let socket;
globalThis.io = () => { socket = new FakeSocket(); return socket; };

const { Net } = await import('../js/net.js');

function joinedNet() {
  const seen = { replaced: [], states: [] };
  const net = new Net({
    joined() {}, snapshot() {}, roster() {}, shutdown() {}, failed() {},
    state(s) { seen.states.push(s); },
    replaced(msg) { seen.replaced.push(msg); },
  });
  net.join('Ann');
  socket.fire('connect');
  const [join] = socket.joins();
  join.args[1]({ token: 'tok', id: 1 }); // the server's ack
  return { net, seen };
}

test('"replaced" is shown, and the tab neither plays nor rejoins by itself', () => {
  const { net, seen } = joinedNet();
  intervals.length = 0;
  socket.fire('replaced', { message: 'You joined from another tab.' });
  assert.deepEqual(seen.replaced, ['You joined from another tab.']);
  assert.equal(socket.connected, false, 'the replaced tab disconnects: no inputs, pings or reconnects');
  const before = socket.joins().length;
  socket.fire('connect');
  socket.fire('restart', { message: 'restarted' });
  assert.equal(socket.joins().length, before, 'no join of its own after being replaced');
  net.sendInput([1, 0, 0, 0, 0]);
  assert.equal(socket.emits.filter((e) => e.event === 'input').length, 0);
  // The other tab plays with the token now: this one leaves its heartbeat and release alone.
  localStorage.setItem('tankarena.tokenBeat', '123');
  pageListeners.pagehide();
  assert.equal(localStorage.getItem('tankarena.tokenBeat'), '123');
});

test('pressing Play after "replaced" takes the tank back, once', () => {
  const { net } = joinedNet();
  socket.fire('replaced', {});
  net.join('Ann');
  assert.equal(socket.connects, 1);
  socket.fire('connect');
  const joins = socket.joins();
  assert.equal(joins.length, 2);
  assert.equal(joins[1].args[0].token, 'tok', 'the join carries the token, taking the tank back');
});
