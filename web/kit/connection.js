// A game page's connection to its server: Socket.IO through the page's /socket.io/socket.io.js
// (the global `io`), websocket first, the join handshake with a reconnect token kept across
// reloads (tokenstore.js), re-joining by itself after a reconnect and after a room restart, the
// snapshot stream (snapstream.js, with the game's decoder), input sending, the ping and the
// per-second counters the net graph shows. It knows no game: the join ack's `game` field and
// the snapshots' contents are the game's.
//
// In a cluster (several servers on one Redis) the join answer may send the page to another
// node ({redirect: {url, seat}}): it connects there and joins with the seat reservation, and
// keeps that node with its token, for reconnects and reloads. When its node stays unreachable
// (FAILOVER_AFTER failed attempts) it joins afresh through the page's own server, or another
// node it knows (knownNodes).
//
// Events it sends: "join" {name, token, kind?, seat?, room?} with ack, "spectate" {kind?, room?} with ack
// (watch instead of play: watch()), "input" (the game's payload, its seq first), "resync" (a
// delta did not fit), "latency" (a timestamp, echoed by the ack: the ping).
// Events it handles: "snapshot" (binary), "roster", "replaced", "shutdown", "restart",
// "unwatched" (the watched room closed: it asks to watch another).
// The server's protocol reference (the Go room runtime's package doc) documents every payload.

import { SnapshotStream } from './snapstream.js';
import { TokenStore, BEAT_EVERY_MS } from './tokenstore.js';
import { lagQuery } from './lagquery.js';

const PING_HISTORY = 20; // round trips the net graph draws
const PING_SMOOTHING = 0.3; // weight of a new round trip in the smoothed ping
const FAILOVER_AFTER = 3; // failed connection attempts to a node before joining through another
const RECONNECT_DELAY_MAX_MS = 2000; // so a dead node is given up within about 5 s
const MAX_REDIRECTS = 3; // redirects in a row before a join gives up (nodes' views a second old)

export class Connection {
  /**
   * options: decode(buf, base), the game's snapshot decoder (see snapstream.js; required);
   * storageKey, the prefix of the token's storage entries ('game' by default: each origin has
   * its own storage); query, the handshake query (default: the lag simulator settings from the
   * page address, lagquery.js); kind, the kind of room to join (the server's Options.Kinds: a
   * map, a mode; '' for the server's default).
   */
  constructor({ decode, storageKey = 'game', query, kind = '' } = {}) {
    if (typeof decode !== 'function') throw new TypeError('Connection needs the game\'s decode(buf, base)');
    this.listeners = {};
    this.name = '';
    this.kind = kind;
    this.token = '';
    this.tokens = new TokenStore(storageKey);
    this.lag = query ?? lagQuery(globalThis.location?.search ?? '');
    this.socket = null;
    this.node = ''; // the server this page plays on: '' its own, else another node's URL
    this.nodes = []; // the cluster's other nodes, to join through when the current one is gone
    this.failures = 0; // failed connection attempts since the last connect
    this.givenUp = new Set(); // the servers failed over from since the last connect
    this.redirects = 0; // followed since the last seat
    this.watching = false; // a spectator (watch()) rather than a player: no seat, no inputs
    this.pick = ''; // the room the next join asks for (a row of the server browser), until it is answered
    this.watchPick = ''; // the room watch() asked for, until it closes
    this.replaced = false; // another tab joined with our token: stay out until the player says otherwise
    this.stream = new SnapshotStream(decode, () => { this.totals.resyncs++; this.socket?.emit('resync'); });
    // From the latest join ack: the player's id in its room, the room, the rates, the game's own data.
    this.id = null;
    this.room = null;
    this.tickRate = 0;
    this.snapshotRate = 0;
    this.game = null;
    // The net graph's numbers: ping in ms (smoothed; null before the first answer), the last
    // round trips, and the per-second rates of bytes and snapshots received and inputs sent.
    this.ping = null;
    this.inputDepth = null; // inputs waiting for a tick on the server, from the ping's answer
    this.pingHistory = [];
    this.counts = { bytes: 0, snaps: 0, inputs: 0 };
    this.rates = { bytes: 0, snaps: 0, inputs: 0 };
    // Since the page loaded: snapshots decoded, and keyframes asked for ("resync").
    this.totals = { snaps: 0, resyncs: 0 };
    this.windowStart = 0;
  }

  /**
   * Adds a listener; returns this. Events: 'joined' (ack: {id, room, token, name, seq, tickRate,
   * snapshotRate, game}), 'watching' (ack: {room, kind, tickRate, snapshotRate, game}: a
   * spectator now, of that room), 'snapshot' (snap, bytes), 'roster' (list), 'state'
   * ('connecting', 'connected', 'reconnecting' or 'offline'), 'failed' (error: a refused join
   * or spectate, or no realtime client), 'replaced' (message: another tab plays this seat now),
   * 'unwatched' (message: the watched room closed; it already asks for another),
   * 'shutdown' (message).
   */
  on(event, fn) {
    (this.listeners[event] ||= []).push(fn);
    return this;
  }

  notify(event, ...args) {
    for (const fn of this.listeners[event] || []) fn(...args);
  }

  /**
   * Reports whether the seat this tab played withinMs ago may still be waiting: a page that
   * passes the server's reconnect window may join at once after a reload, without asking the
   * player again.
   */
  canResume(withinMs) { return this.tokens.resumable(withinMs); }

  /**
   * Connects and joins as name; on every reconnect it re-joins with the saved token. room, a
   * room id from the server's /rooms, asks for that room: the server seats the player there,
   * or sends it to the node running it, or refuses ("that room is full").
   */
  join(name, room = '') {
    this.name = name;
    this.pick = typeof room === 'string' ? room : '';
    if (this.watching) this.stream.reset(); // the room watched may not be the one joined
    this.watching = false; // the server ends a watch when the connection joins
    if (this.socket && this.replaced) { // the player chose to play here again: take the seat back
      this.replaced = false;
      this.notify('state', 'connecting');
      this.socket.connect(); // its 'connect' handler joins with the token
      return;
    }
    if (this.socket) { if (this.socket.connected) this.sendJoin(); return; } // a refused join, tried again; or from watching to playing
    this.start();
  }

  /**
   * Watches a room instead of playing (the server's "spectate"): its snapshots and roster, no
   * seat and no inputs. A seat this connection held is given up. On a reconnect, and when the
   * watched room closes, it asks to watch again; join() plays instead. room and node (from the
   * server's /rooms: node '' or the page's own origin is this server) watch that room there.
   */
  watch(room = '', node = '') {
    this.watching = true;
    this.watchPick = typeof room === 'string' ? room : '';
    const where = typeof node === 'string' && node !== globalThis.location?.origin && /^https?:\/\//.test(node) ? node : '';
    if (this.socket && this.watchPick && where !== this.node) { // the room runs on another node: watch it there
      this.close();
      this.open(where);
      return;
    }
    if (this.socket && this.replaced) { this.replaced = false; this.socket.connect(); return; }
    if (this.socket) { if (this.socket.connected) this.sendSpectate(); return; }
    this.start(where);
  }

  /**
   * The first connection of the page: to the node holding a saved seat, else the page's own
   * server (or watchNode, the node of a room picked to watch).
   */
  start(watchNode = '') {
    if (typeof globalThis.io !== 'function') { this.notify('failed', 'the realtime client did not load'); return; }
    this.notify('state', 'connecting');
    this.open(this.watching ? watchNode : this.tokens.saved() ? this.tokens.node() : '');
    this.windowStart = performance.now();
    setInterval(() => this.everySecond(), BEAT_EVERY_MS);
    // Closing or reloading the tab: let the next tab take the token over at once.
    addEventListener('pagehide', () => { if (this.token && !this.replaced) this.tokens.release(); });
  }

  /**
   * Connects to the node at url ('' the page's own server) and joins (or watches) there once
   * connected, with the seat reservation seat if another node sent us.
   */
  open(url, seat = '') {
    this.node = url;
    this.failures = 0;
    // Websocket first, not the client's default polling-then-upgrade: a game wants its final
    // transport from the first snapshot; polling is the fallback when a websocket cannot open.
    // A new manager for every node: the client would otherwise reuse the last one's.
    const options = { query: this.lag, transports: ['websocket', 'polling'], forceNew: true, reconnectionDelayMax: RECONNECT_DELAY_MAX_MS };
    const s = url ? globalThis.io(url, options) : globalThis.io(options);
    this.socket = s;
    s.on('connect', () => { // also after every reconnect: the token brings the seat back
      this.failures = 0;
      this.givenUp.clear();
      this.stream.reset();
      if (!this.replaced) this.rejoin(seat);
      seat = ''; // good once
    });
    s.on('disconnect', (reason) => this.notify('state', reason === 'io client disconnect' ? 'offline' : 'reconnecting'));
    s.on('connect_error', () => {
      this.notify('state', 'reconnecting');
      if (++this.failures >= FAILOVER_AFTER) this.failover();
    });
    s.on('snapshot', (data) => this.onSnapshot(data));
    s.on('roster', (list) => { if (Array.isArray(list)) this.notify('roster', list); });
    s.on('shutdown', (msg) => this.notify('shutdown', messageOf(msg, 'The server is shutting down.')));
    s.on('restart', () => { if (!this.replaced && !this.watching) this.sendJoin(); }); // the room was rebuilt after an error: the token re-seats us
    s.on('replaced', (msg) => this.onReplaced(msg));
    s.on('unwatched', (msg) => {
      if (!this.watching) return;
      this.notify('unwatched', messageOf(msg, 'The room closed.'));
      this.watchPick = '';
      this.sendSpectate(); // another room, if one runs
    });
  }

  /** Leaves the current node's connection for good (a redirect, a failover). */
  close() {
    const s = this.socket;
    s.off();
    s.io.off?.();
    s.disconnect();
  }

  /** The cluster's nodes, from the server's /rooms: where to join when the current node is gone. */
  knownNodes(urls) { this.nodes = (urls || []).filter((u) => typeof u === 'string' && /^https?:\/\//.test(u)); }

  /**
   * The node we play on stays unreachable: join through the next server we know, the page's
   * own first. The old token comes along: a node that holds it gives the seat back, another
   * seats us afresh (and may send us on to a room with space).
   */
  failover() {
    this.givenUp.add(this.node);
    let servers = ['', ...this.nodes].filter((u) => !this.givenUp.has(u));
    if (servers.length === 0) { // all gone: start the round again
      this.givenUp = new Set([this.node]);
      servers = ['', ...this.nodes].filter((u) => u !== this.node);
    }
    const next = servers[0] ?? '';
    this.close();
    this.tokens.keep(this.token || this.tokens.saved(), next);
    this.notify('state', 'connecting');
    this.open(next);
  }

  /** The join answer sends us to another node: follow it, with the seat it reserved there. */
  follow({ url, seat }) {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) { this.notify('failed', 'join redirected nowhere'); return; }
    if (++this.redirects > MAX_REDIRECTS) { this.redirects = 0; this.notify('failed', 'every server is busy, try again in a moment'); return; }
    this.close();
    this.open(url, typeof seat === 'string' ? seat : '');
  }

  /**
   * Another tab (or a copy of this one) joined with our token and plays the seat now. This tab
   * disconnects, so it sends nothing and does not reconnect by itself: joining again on its own
   * would take the seat back, and the other tab would do the same, in turn, for ever.
   */
  onReplaced(msg) {
    this.replaced = true;
    this.tokens.yieldSeat();
    this.socket.disconnect();
    this.notify('replaced', messageOf(msg, 'You joined from another tab.'));
  }

  /** Joins or watches again, as the page last asked (nothing when a watch was refused and no join asked). */
  rejoin(seat = '') {
    if (this.watching) this.sendSpectate();
    else if (this.name) this.sendJoin(seat);
  }

  sendSpectate() {
    this.stream.reset(); // another room's numbers: nothing held is a base
    const ask = this.watchPick ? { room: this.watchPick } : this.kind ? { kind: this.kind } : {};
    this.socket.emit('spectate', ask, (ack) => {
      if (!this.watching) return; // the player chose to play meanwhile
      if (!ack || ack.error) { this.watching = false; this.notify('failed', ack?.error || 'watching refused'); return; }
      Object.assign(this, { id: null, room: ack.room, tickRate: ack.tickRate, snapshotRate: ack.snapshotRate, game: ack.game });
      this.notify('state', 'connected');
      this.notify('watching', ack);
    });
  }

  sendJoin(seat = '') {
    const token = this.token || this.tokens.saved();
    const join = this.kind ? { name: this.name, token, kind: this.kind } : { name: this.name, token };
    if (seat) join.seat = seat;
    if (this.pick) join.room = this.pick;
    const socket = this.socket;
    socket.emit('join', join, (ack) => {
      if (socket !== this.socket) return; // answered on a node we left meanwhile
      if (ack?.redirect) { this.follow(ack.redirect); return; }
      this.pick = ''; // answered: a reconnect or the next Play goes by the token, or anywhere
      if (!ack || ack.error) { this.redirects = 0; this.notify('failed', ack?.error || 'join refused'); return; }
      this.redirects = 0;
      this.token = ack.token;
      this.tokens.keep(ack.token, this.node);
      Object.assign(this, { id: ack.id, room: ack.room, tickRate: ack.tickRate, snapshotRate: ack.snapshotRate, game: ack.game });
      this.notify('state', 'connected');
      this.notify('joined', ack);
    });
  }

  /** Sends one input payload (the game's, its seq first); nothing while disconnected. */
  sendInput(payload) {
    if (!this.socket?.connected || this.watching) return;
    // The newest snapshot decoded rides along: the base of the next delta (snapstream.js).
    if (this.stream.acked > 0) this.socket.emit('input', payload, this.stream.acked);
    else this.socket.emit('input', payload);
    this.counts.inputs++;
  }

  /** The once-a-second work: the ping, the rates, and the token's heartbeat (the tab that plays with it beats it). */
  everySecond() {
    this.measurePing();
    this.rollRates(performance.now());
    if (this.token && !this.replaced) this.tokens.keep(this.token, this.node);
  }

  measurePing() {
    if (!this.socket?.connected) return;
    const sent = performance.now();
    this.socket.emit('latency', sent, (_, depth) => {
      const rtt = performance.now() - sent;
      if (Number.isInteger(depth) && depth >= 0) this.inputDepth = depth; // inputs waiting on the server
      this.ping = this.ping === null ? rtt : this.ping * (1 - PING_SMOOTHING) + rtt * PING_SMOOTHING;
      this.pingHistory.push(rtt);
      if (this.pingHistory.length > PING_HISTORY) this.pingHistory.shift();
    });
  }

  rollRates(now) {
    if (now <= this.windowStart) return;
    const k = 1000 / (now - this.windowStart);
    for (const key of Object.keys(this.counts)) { this.rates[key] = Math.round(this.counts[key] * k); this.counts[key] = 0; }
    this.windowStart = now;
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
    this.totals.snaps++;
    this.notify('snapshot', snap, buf.byteLength);
  }
}

const messageOf = (msg, fallback) => (typeof msg?.message === 'string' ? msg.message : fallback);
