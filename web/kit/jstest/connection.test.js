// Unit tests for the connection: joining and re-joining with the token, a tab whose token another
// tab took over, snapshots through the game's decoder, the counters and the ping (run by
// web/kit/js_test.go under Node, with fakes for the browser globals and the Socket.IO client).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

const storage = () => {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), map: m };
};
globalThis.location = { search: '?lag=80&loss=0.1' };
const pageListeners = {};
globalThis.addEventListener = (type, fn) => { pageListeners[type] = fn; };
let intervals = [];
globalThis.setInterval = (fn) => { intervals.push(fn); return intervals.length; };
let clock = 0;
Object.defineProperty(globalThis, 'performance', { value: { now: () => clock }, configurable: true, writable: true });

/** A socket.io-client stand-in: records emits, and the test fires the server's events. */
class FakeSocket {
  constructor(url, options) { this.url = url; this.options = options; this.handlers = {}; this.emits = []; this.connected = true; this.connects = 0; this.io = { off() {} }; }
  on(event, fn) { this.handlers[event] = fn; }
  off() { this.handlers = {}; }
  emit(event, ...args) { this.emits.push({ event, args }); }
  fire(event, ...args) { this.handlers[event]?.(...args); }
  disconnect() { this.connected = false; }
  connect() { this.connected = true; this.connects++; }
  sent(event) { return this.emits.filter((e) => e.event === event); }
  joins() { return this.sent('join'); }
  /** Answers the last join as the server does. */
  ack(reply) { this.joins().at(-1).args[1](reply); }
}
let socket;
const sockets = [];
globalThis.io = (url, options) => {
  socket = typeof url === 'string' ? new FakeSocket(url, options) : new FakeSocket('', url);
  sockets.push(socket);
  return socket;
};

const { Connection } = await import('../connection.js');

// A toy snapshot encoding: [tick], or [] for one that does not decode.
const decode = (buf) => { const [tick] = new Uint8Array(buf); return tick === undefined ? null : { tick }; };
const ACK = { id: 3, room: 'r1', token: 'tok', seq: 40, tickRate: 60, snapshotRate: 30, game: { map: 'm' } };

beforeEach(() => {
  globalThis.sessionStorage = storage();
  globalThis.localStorage = storage();
  intervals = [];
  clock = 0;
});

/** A connection that joined as Ann and recorded what it told the page. */
function joined(options = {}) {
  const seen = { joined: [], states: [], snapshots: [], replaced: [], failed: [], shutdown: [], roster: [] };
  const net = new Connection({ decode, storageKey: 'pirates', ...options });
  for (const event of ['joined', 'snapshot', 'replaced', 'failed', 'shutdown', 'roster']) {
    net.on(event, (...args) => seen[event === 'snapshot' ? 'snapshots' : event].push(args.length > 1 ? args : args[0]));
  }
  net.on('state', (s) => seen.states.push(s));
  net.join('Ann');
  socket.fire('connect');
  socket.ack(ACK);
  return { net, seen };
}

test('joins websocket first with the lag query, and tells the page the ack', () => {
  const { net, seen } = joined();
  assert.equal(socket.url, '', 'the page\'s own server');
  assert.deepEqual(socket.options, { query: { lag: '80', loss: '0.1' }, transports: ['websocket', 'polling'], forceNew: true, reconnectionDelayMax: 2000 });
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: '' });
  assert.deepEqual(seen.joined, [ACK]);
  assert.deepEqual(seen.states, ['connecting', 'connected']);
  assert.deepEqual([net.id, net.room, net.tickRate, net.snapshotRate, net.game], [3, 'r1', 60, 30, { map: 'm' }]);
  assert.equal(sessionStorage.getItem('pirates.token'), 'tok');
  assert.equal(localStorage.getItem('pirates.token'), 'tok');
});

test('asks for the kind of room it was given, on every join', () => {
  joined({ kind: 'bunkers' });
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: '', kind: 'bunkers' });
  socket.fire('restart');
  assert.deepEqual(socket.joins()[1].args[0], { name: 'Ann', token: 'tok', kind: 'bunkers' });
});

test('re-joins with the token after a reconnect and after a room restart', () => {
  const { seen } = joined();
  socket.fire('disconnect', 'transport close');
  assert.equal(seen.states.at(-1), 'reconnecting');
  socket.fire('connect');
  assert.deepEqual(socket.joins()[1].args[0], { name: 'Ann', token: 'tok' });
  socket.ack({ ...ACK, id: 4 });
  socket.fire('restart', { message: 'restarted' });
  assert.deepEqual(socket.joins()[2].args[0], { name: 'Ann', token: 'tok' });
  assert.deepEqual(seen.joined.map((a) => a.id), [3, 4]);
});

test('a refused join is reported, and joining again asks on the same connection', () => {
  const net = new Connection({ decode });
  const failed = [];
  net.on('failed', (e) => failed.push(e));
  net.join('Ann');
  socket.fire('connect');
  socket.ack({ error: 'server full' });
  assert.deepEqual(failed, ['server full']);
  const first = socket;
  net.join('Bob');
  assert.equal(socket, first);
  assert.deepEqual(socket.joins()[1].args[0], { name: 'Bob', token: '' });
});

test('a reloaded tab joins with its token; a second tab with a live heartbeat does not take it', () => {
  sessionStorage.setItem('game.token', 'mine');
  new Connection({ decode }).join('Ann');
  socket.fire('connect');
  assert.equal(socket.joins()[0].args[0].token, 'mine');

  globalThis.sessionStorage = storage(); // a new tab, while another keeps the token alive
  localStorage.setItem('game.token', 'theirs');
  localStorage.setItem('game.tokenBeat', String(Date.now()));
  new Connection({ decode }).join('Ann');
  socket.fire('connect');
  assert.equal(socket.joins()[0].args[0].token, '');

  localStorage.setItem('game.tokenBeat', '0'); // that tab closed (pagehide) or stopped beating
  new Connection({ decode }).join('Ann');
  socket.fire('connect');
  assert.equal(socket.joins()[0].args[0].token, 'theirs');
});

test('a reloaded tab may resume the seat it played within the reconnect window', () => {
  assert.equal(new Connection({ decode }).canResume(10000), false, 'no token at all');
  joined(); // keeps the token now
  const again = new Connection({ decode, storageKey: 'pirates' });
  assert.equal(again.canResume(10000), true, 'a reload of the playing tab');
  sessionStorage.setItem('pirates.tokenKept', String(Date.now() - 60000));
  assert.equal(again.canResume(10000), false, 'kept a minute ago: the seat is gone');

  globalThis.sessionStorage = storage(); // a new tab, after the playing one closed: it asks first
  localStorage.setItem('pirates.tokenBeat', '0');
  assert.equal(again.canResume(10000), false);
});

test('a tab whose seat another tab took over does not take it back on a reload', () => {
  const { net } = joined();
  socket.fire('replaced', { message: 'You joined from another tab.' });
  assert.equal(net.canResume(10000), false);
});

test('the playing tab beats the heartbeat every second and releases it on pagehide', () => {
  joined();
  localStorage.setItem('pirates.tokenBeat', '1');
  for (const fn of intervals) fn();
  assert.ok(Number(localStorage.getItem('pirates.tokenBeat')) > 1);
  pageListeners.pagehide();
  assert.equal(localStorage.getItem('pirates.tokenBeat'), '0');
});

test('"replaced" is shown, and the tab neither plays nor rejoins by itself', () => {
  const { net, seen } = joined();
  intervals = [];
  socket.fire('replaced', { message: 'You joined from another tab.' });
  assert.deepEqual(seen.replaced, ['You joined from another tab.']);
  assert.equal(socket.connected, false, 'the replaced tab disconnects: no inputs, pings or reconnects');
  const before = socket.joins().length;
  socket.fire('connect');
  socket.fire('restart', { message: 'restarted' });
  assert.equal(socket.joins().length, before, 'no join of its own after being replaced');
  net.sendInput([1, 0, 0, 0, 0]);
  assert.equal(socket.sent('input').length, 0);
  // The other tab plays with the token now: this one leaves its heartbeat and release alone.
  localStorage.setItem('pirates.tokenBeat', '123');
  pageListeners.pagehide();
  assert.equal(localStorage.getItem('pirates.tokenBeat'), '123');
});

test('pressing Play after "replaced" takes the seat back, once', () => {
  const { net } = joined();
  socket.fire('replaced', {});
  net.join('Ann');
  assert.equal(socket.connects, 1);
  socket.fire('connect');
  const joins = socket.joins();
  assert.equal(joins.length, 2);
  assert.equal(joins[1].args[0].token, 'tok', 'the join carries the token, taking the seat back');
});

test('snapshots go through the game\'s decoder; one that does not fit asks for a keyframe once', async () => {
  const { net, seen } = joined();
  // Frames: the number, 0 back (keyframes), then the toy encoding.
  socket.fire('snapshot', new Uint8Array([1, 0, 5]).buffer);
  socket.fire('snapshot', new Uint8Array([9, 2, 0, 6]).subarray(1)); // a view into a larger buffer
  await socket.handlers.snapshot(new Blob([new Uint8Array([3, 0, 7])]));
  assert.deepEqual(seen.snapshots, [[{ tick: 5 }, 3], [{ tick: 6 }, 3], [{ tick: 7 }, 3]]);
  net.sendInput([1]);
  assert.deepEqual(socket.sent('input').at(-1).args, [[1], 3], 'the newest snapshot decoded rides with the input');
  socket.fire('snapshot', new Uint8Array([4, 0]).buffer);
  socket.fire('snapshot', new Uint8Array([5, 0]).buffer);
  assert.equal(socket.sent('resync').length, 1);
  assert.equal(seen.snapshots.length, 3);
});

test('the counters become rates each second, and the ping comes from "latency" acks', () => {
  const { net } = joined();
  clock = 100;
  for (const fn of intervals) fn(); // start a fresh window at 100 ms
  socket.fire('snapshot', new Uint8Array([1, 0, 3]).buffer);
  net.sendInput([41, 1]);
  net.sendInput([42, 1]);
  const pings = socket.sent('latency');
  pings.at(-1).args[1](); // the server's echo, 0 ms later
  clock = 600;
  for (const fn of intervals) fn(); // half a second later
  assert.deepEqual(net.rates, { bytes: 6, snaps: 2, inputs: 4 });
  assert.deepEqual(socket.sent('input').map((e) => e.args), [[[41, 1], 1], [[42, 1], 1]]);
  const sent = socket.sent('latency').at(-1);
  clock = 640;
  sent.args[1](sent.args[0]);
  assert.equal(net.pingHistory.at(-1), 40);
  assert.ok(net.ping > 0 && net.ping < 40, `smoothed ping ${net.ping}`);
});

test('shutdown tells the page the server\'s message', () => {
  const { seen } = joined();
  socket.fire('shutdown', { message: 'Back in 5 minutes.' });
  socket.fire('shutdown', null);
  assert.deepEqual(seen.shutdown, ['Back in 5 minutes.', 'The server is shutting down.']);
});

test('a connection without the game\'s decoder is refused at once', () => {
  assert.throws(() => new Connection({}), /decode/);
});

test('a join sent to another node follows it with the seat, and keeps that node with the token', () => {
  const { net, seen } = joined();
  const home = socket;
  socket.fire('restart');
  socket.ack({ redirect: { url: 'http://node2:8081', seat: 'seat-1' } });
  assert.equal(home.connected, false, 'the first node\'s connection is closed');
  assert.equal(socket.url, 'http://node2:8081');
  socket.fire('connect');
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: 'tok', seat: 'seat-1' });
  socket.ack({ ...ACK, token: 'tok2', node: 'http://node2:8081' });
  assert.equal(net.token, 'tok2');
  assert.equal(localStorage.getItem('pirates.node'), 'http://node2:8081');
  socket.fire('connect'); // a reconnect to that node: the token, no seat again
  assert.deepEqual(socket.joins()[1].args[0], { name: 'Ann', token: 'tok2' });
  assert.equal(seen.joined.length, 2);

  const reloaded = new Connection({ decode, storageKey: 'pirates' }); // the page reloads
  reloaded.join('Ann');
  assert.equal(socket.url, 'http://node2:8081', 'a reload goes back to the node of the seat');
});

test('a node that stays unreachable is given up for the page\'s own server, then the known nodes', () => {
  const { net } = joined();
  net.knownNodes(['http://node2:8081', 'javascript:alert(1)', 'http://node3:8082']);
  net.follow({ url: 'http://node2:8081', seat: 's' });
  socket.fire('connect');
  socket.ack({ ...ACK, token: 'tok2' });
  const dead = socket;
  for (let i = 0; i < 3; i++) dead.fire('connect_error', new Error('refused'));
  assert.equal(socket.url, '', 'back to the page\'s own server');
  assert.equal(dead.connected, false);
  const home = socket;
  for (let i = 0; i < 3; i++) home.fire('connect_error', new Error('refused'));
  assert.equal(socket.url, 'http://node3:8082', 'the page\'s own server is gone too: another known node');
  socket.fire('connect');
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: 'tok2' }, 'the old token: a node without it seats us afresh');
});

test('a redirect to a non-http URL is refused', () => {
  const { net, seen } = joined();
  const before = sockets.length;
  net.follow({ url: 'javascript:alert(1)', seat: 's' });
  assert.equal(sockets.length, before);
  assert.deepEqual(seen.failed, ['join redirected nowhere']);
});

test('redirects in a row give up after three', () => {
  const { seen } = joined();
  for (let i = 0; i < 4; i++) {
    socket.fire('restart');
    socket.ack({ redirect: { url: `http://node${i}:8081`, seat: 's' } });
    socket.fire('connect');
  }
  assert.equal(socket.url, 'http://node2:8081', 'the fourth redirect is not followed');
  assert.deepEqual(seen.failed, ['every server is busy, try again in a moment']);
});

const WATCH = { room: 'r2', kind: 'arena', tickRate: 60, snapshotRate: 30, game: { map: 'w' } };

test('watching asks to spectate, sends no inputs, and watches again after a reconnect or a closed room', () => {
  const net = new Connection({ decode, kind: 'bunkers' });
  const seen = { watching: [], unwatched: [], failed: [] };
  for (const event of Object.keys(seen)) net.on(event, (x) => seen[event].push(x));
  net.watch();
  socket.fire('connect');
  const asks = () => socket.sent('spectate');
  assert.deepEqual(asks()[0].args[0], { kind: 'bunkers' });
  assert.equal(socket.joins().length, 0, 'a spectator does not join');
  asks()[0].args[1](WATCH);
  assert.deepEqual(seen.watching, [WATCH]);
  assert.deepEqual([net.id, net.room, net.game], [null, 'r2', { map: 'w' }]);
  net.sendInput([1, 0, 0, 0, 0]);
  assert.equal(socket.sent('input').length, 0);
  socket.fire('restart', {});
  assert.equal(socket.joins().length, 0, 'a room restart re-seats players, not spectators');

  socket.fire('connect');
  assert.equal(asks().length, 2, 'a reconnect watches again');
  socket.fire('unwatched', { message: 'The arena closed.' });
  assert.deepEqual(seen.unwatched, ['The arena closed.']);
  assert.equal(asks().length, 3, 'the room closed: it asks for another');
  asks()[2].args[1]({ error: 'nothing to watch yet' });
  assert.deepEqual(seen.failed, ['nothing to watch yet']);
  socket.fire('connect');
  assert.equal(asks().length, 3, 'refused: no watching again by itself');
  assert.equal(socket.joins().length, 0);
});

test('from watching to playing: join on the same connection, and a late spectate answer is ignored', () => {
  const net = new Connection({ decode });
  const watching = [];
  net.on('watching', (a) => watching.push(a));
  net.watch();
  socket.fire('connect');
  const first = socket;
  net.join('Ann');
  assert.equal(socket, first);
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: '' });
  socket.sent('spectate')[0].args[1](WATCH); // answered after the player pressed Play
  assert.deepEqual(watching, []);
  socket.ack(ACK);
  socket.fire('unwatched', {});
  assert.equal(socket.sent('spectate').length, 1, 'a player does not watch again by itself');
  net.sendInput([1]);
  assert.equal(socket.sent('input').length, 1);
});

test('a join naming a room asks for it once: a reconnect or the next Play goes by the token, or anywhere', () => {
  const net = new Connection({ decode });
  net.join('Ann', 'r9');
  socket.fire('connect');
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: '', room: 'r9' });
  socket.ack({ redirect: { url: 'http://node2:8081', seat: 'seat-9', room: 'r9' } });
  socket.fire('connect');
  assert.deepEqual(socket.joins()[0].args[0], { name: 'Ann', token: '', seat: 'seat-9', room: 'r9' }, 'sent on: the seat reserved in that room');
  socket.ack({ error: 'that room is full: all its 16 seats are taken, watch it or pick another' });
  net.join('Ann');
  assert.deepEqual(socket.joins()[1].args[0], { name: 'Ann', token: '' }, 'the next Play asks for no room');
});

test('watching a picked room asks for it, on the node that runs it', () => {
  const net = new Connection({ decode, kind: 'bunkers' });
  net.watch('r7', 'http://node3:8082');
  assert.equal(socket.url, 'http://node3:8082');
  socket.fire('connect');
  assert.deepEqual(socket.sent('spectate')[0].args[0], { room: 'r7' });
  const there = socket;
  net.watch('r1', '');
  assert.equal(there.connected, false, 'a room of the page\'s own server: back there');
  assert.equal(socket.url, '');
  socket.fire('connect');
  assert.deepEqual(socket.sent('spectate')[0].args[0], { room: 'r1' });
  socket.fire('unwatched', { message: 'The arena closed.' });
  assert.deepEqual(socket.sent('spectate')[1].args[0], { kind: 'bunkers' }, 'the room closed: any other');
});
