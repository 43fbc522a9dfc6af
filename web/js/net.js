// The connection to the arena server: Socket.IO via the page's /socket.io/socket.io.js, the
// join handshake with a reconnect token kept in localStorage, input sending, snapshot receipt
// and the numbers the net graph shows (ping, snapshot rate, bytes per second).

import { SnapshotStream } from './snapstream.js';
import { lagQuery } from './protocol.js';

const TOKEN_KEY = 'tankarena.token';
const BEAT_KEY = 'tankarena.tokenBeat';
const PING_EVERY_MS = 1000;
const BEAT_EVERY_MS = 1000;

// The reconnect token lives in sessionStorage (this tab, survives a reload) and in localStorage
// with a heartbeat, so a tab reopened within the reconnect window gets the tank back while a
// second tab open at the same time (fresh heartbeat) joins as a new player instead of stealing it.
function savedToken() {
  const own = sessionStorage.getItem(TOKEN_KEY);
  if (own) return own;
  const shared = localStorage.getItem(TOKEN_KEY);
  const beat = Number(localStorage.getItem(BEAT_KEY)) || 0;
  return shared && Date.now() - beat > 2.5 * BEAT_EVERY_MS ? shared : '';
}

function keepToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(BEAT_KEY, String(Date.now()));
}

export class Net {
  /** handlers: {joined(ack), snapshot(snap, bytes), roster(list), state(name), shutdown(msg), failed(error), replaced(message)} */
  constructor(handlers) {
    this.h = handlers;
    this.name = '';
    this.ping = null;
    this.pingHistory = [];
    this.windowStart = performance.now();
    this.counts = { bytes: 0, snaps: 0, inputs: 0 };
    this.rates = { bytes: 0, snaps: 0, inputs: 0 };
    this.lag = lagQuery(location.search);
    this.socket = null;
    this.token = '';
    this.replaced = false; // another tab joined with our token: stay out until the player says otherwise
    this.stream = new SnapshotStream(() => this.socket?.emit('resync'));
  }

  /** Connects and joins as name; on every reconnect it re-joins with the saved token. */
  join(name) {
    this.name = name;
    if (this.socket && this.replaced) { // the player chose to play here again: take the tank back
      this.replaced = false;
      this.h.state('connecting');
      this.socket.connect(); // its 'connect' handler joins with the token
      return;
    }
    if (this.socket) { this.sendJoin(); return; } // a refused join, tried again with another name
    if (typeof globalThis.io !== 'function') { this.h.failed('the realtime client did not load'); return; }
    this.h.state('connecting');
    // Websocket first, not the client's default polling-then-upgrade: the game wants its final
    // transport from the first snapshot; polling is the fallback when a websocket cannot open.
    const s = globalThis.io({ query: this.lag, transports: ['websocket', 'polling'] });
    this.socket = s;
    s.on('connect', () => { this.stream.reset(); if (!this.replaced) this.sendJoin(); }); // also after every reconnect: the token brings the tank back
    s.on('disconnect', (reason) => this.h.state(reason === 'io client disconnect' ? 'offline' : 'reconnecting'));
    s.on('connect_error', () => this.h.state('reconnecting'));
    s.on('snapshot', (data) => this.onSnapshot(data));
    s.on('roster', (list) => { if (Array.isArray(list)) this.h.roster(list); });
    s.on('shutdown', (msg) => this.h.shutdown(msg));
    s.on('restart', () => { if (!this.replaced) this.sendJoin(); }); // the arena was rebuilt after an error: the token re-seats us
    s.on('replaced', (msg) => this.onReplaced(msg));
    setInterval(() => this.measurePing(), PING_EVERY_MS);
    // The token's heartbeat and its release belong to the tab that plays with it.
    setInterval(() => { if (this.token && !this.replaced) keepToken(this.token); }, BEAT_EVERY_MS);
    // Closing or reloading the tab: let the next tab take the token over at once.
    addEventListener('pagehide', () => { if (this.token && !this.replaced) localStorage.setItem(BEAT_KEY, '0'); });
  }

  /**
   * Another tab (or a copy of this one) joined with our token and plays the tank now. This tab
   * disconnects, so it sends nothing and does not reconnect by itself: joining again on its own
   * would take the tank back, and the other tab would do the same, in turn, for ever.
   */
  onReplaced(msg) {
    this.replaced = true;
    this.socket.disconnect();
    this.h.replaced(typeof msg?.message === 'string' ? msg.message : 'You joined from another tab.');
  }

  sendJoin() {
    const token = this.token || savedToken();
    this.socket.emit('join', { name: this.name, token }, (ack) => {
      if (!ack || ack.error) { this.h.failed(ack?.error || 'join refused'); return; }
      this.token = ack.token;
      keepToken(ack.token);
      this.h.state('connected');
      this.h.joined(ack);
    });
  }

  /** Sends one input payload (see protocol.js); a few bytes at the tick rate. */
  sendInput(payload) {
    if (!this.socket?.connected) return;
    this.socket.emit('input', payload);
    this.counts.inputs++;
  }

  measurePing() {
    if (!this.socket?.connected) return;
    const sent = performance.now();
    this.socket.emit('latency', sent, () => {
      const rtt = performance.now() - sent;
      this.ping = this.ping === null ? rtt : this.ping * 0.7 + rtt * 0.3;
      this.pingHistory.push(rtt);
      if (this.pingHistory.length > 20) this.pingHistory.shift();
    });
  }

  async onSnapshot(data) {
    let buf = data;
    if (typeof Blob !== 'undefined' && data instanceof Blob) buf = await data.arrayBuffer();
    else if (ArrayBuffer.isView(data)) buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    if (!(buf instanceof ArrayBuffer)) return;
    this.counts.bytes += buf.byteLength;
    const snap = this.stream.receive(buf); // null: unusable until the keyframe it asked for
    if (!snap) return;
    this.counts.snaps++;
    this.h.snapshot(snap, buf.byteLength);
  }

  /** Rolls the per-second counters; call every frame. */
  tick(now) {
    if (now - this.windowStart < 1000) return;
    const k = 1000 / (now - this.windowStart);
    for (const key of Object.keys(this.counts)) { this.rates[key] = Math.round(this.counts[key] * k); this.counts[key] = 0; }
    this.windowStart = now;
  }
}
