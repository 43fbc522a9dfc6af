/*
 * Tank Arena's Socket.IO v5 / Engine.IO v4 browser client, without dependencies.
 * Classic script: <script src="/socket.io/socket.io.js"></script> defines the global io.
 * From a module: import "/socket.io/socket.io.js"; then use globalThis.io.
 * The API follows socket.io-client v4. Transports are tried in the order of opts.transports
 * (default polling, then websocket) until one opens; a polling connection then upgrades to
 * websocket when the server offers it (Engine.IO v4 "Upgrade"), unless opts.upgrade is false.
 */
(function () {
  "use strict";

  /** Emitter is a small event emitter; emitReserved delivers an event to local listeners. */
  class Emitter {
    on(ev, fn) {
      const all = (this._on = this._on || new Map());
      if (!all.has(ev)) all.set(ev, []);
      all.get(ev).push(fn);
      return this;
    }
    once(ev, fn) {
      const wrapper = (...args) => {
        this.off(ev, wrapper);
        fn.apply(this, args);
      };
      wrapper.fn = fn;
      return this.on(ev, wrapper);
    }
    off(ev, fn) {
      const all = this._on;
      if (!all) return this;
      if (ev === undefined) all.clear();
      else if (fn === undefined) all.delete(ev);
      else {
        const list = all.get(ev) || [];
        const i = list.findIndex((h) => h === fn || h.fn === fn);
        if (i >= 0) list.splice(i, 1);
      }
      return this;
    }
    listeners(ev) {
      return ((this._on && this._on.get(ev)) || []).slice();
    }
    hasListeners(ev) {
      return this.listeners(ev).length > 0;
    }
    emitReserved(ev, ...args) {
      for (const fn of this.listeners(ev)) fn.apply(this, args);
      return this;
    }
  }
  Emitter.prototype.removeListener = Emitter.prototype.removeAllListeners = Emitter.prototype.off;

  // ---------------------------------------------------------------- binary helpers

  const isBinary = (x) =>
    x instanceof ArrayBuffer || ArrayBuffer.isView(x) || (typeof Blob !== "undefined" && x instanceof Blob);

  const bytesOf = (b) =>
    ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);

  function toBase64(b) {
    const bytes = bytesOf(b);
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }

  function fromBase64(s) {
    const bin = atob(s);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }

  // ---------------------------------------------------------------- Engine.IO v4

  // The index of a name is its one-digit packet type on the wire.
  const ENGINE_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];
  const RECORD_SEPARATOR = "\x1e"; // joins packets in a long-polling payload

  /** decodeFrame turns one websocket frame or polling record into {type, data}, or null. */
  function decodeFrame(frame) {
    if (typeof frame !== "string") return { type: "message", data: frame };
    if (frame[0] === "b") return { type: "message", data: fromBase64(frame.slice(1)) };
    const type = /^[0-6]/.test(frame) ? ENGINE_TYPES[frame[0]] : null;
    return type ? { type, data: frame.slice(1) } : null;
  }

  const textOf = (p) => ENGINE_TYPES.indexOf(p.type) + (p.data === undefined ? "" : p.data);

  /**
   * WebSocketTransport carries each packet in its own frame; binary messages go as binary frames.
   * Packets sent while it connects (an upgrade's probe) go out once it is open.
   */
  class WebSocketTransport {
    constructor(url, sink) {
      this.name = "websocket";
      this.pending = [];
      const ws = (this.ws = new WebSocket(url.replace(/^http/, "ws")));
      ws.binaryType = "arraybuffer";
      ws.onopen = () => this.send(this.pending.splice(0));
      ws.onmessage = (e) => sink.packet(decodeFrame(e.data));
      ws.onerror = () => sink.close("transport error", "websocket error");
      ws.onclose = () => sink.close("transport close", "websocket connection closed");
    }
    send(packets) {
      if (this.ws.readyState === 0) return void this.pending.push(...packets);
      if (this.ws.readyState !== 1) return;
      for (const p of packets) this.ws.send(isBinary(p.data) ? p.data : textOf(p));
    }
    close() {
      const ws = this.ws;
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      ws.close();
    }
  }

  const utf8Length = (s) => new TextEncoder().encode(s).length;

  /**
   * PollingTransport keeps one GET waiting for server packets and sends with one POST at a time
   * (the server refuses overlapping POSTs); packets queued meanwhile go in the next POST.
   * pause(done) stops it for an upgrade: no new GET, and done runs once the GET and the POSTs
   * under way have finished, so every packet of theirs is handled before the switch.
   */
  class PollingTransport {
    constructor(url, sink, opts) {
      this.name = "polling";
      this.url = url;
      this.sink = sink;
      this.queue = [];
      this.posting = false;
      this.closed = false;
      this.maxPayload = Infinity;
      this.credentials = opts.withCredentials ? "include" : "same-origin";
      this.getAbort = new AbortController();
      this.poll();
    }
    // A string body goes as text/plain;charset=UTF-8; "no-store" keeps caches out of the way.
    request(method, body, signal) {
      const url = this.sid ? this.url + "&sid=" + encodeURIComponent(this.sid) : this.url;
      return fetch(url, { method, body, signal, credentials: this.credentials, cache: "no-store" }).then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      });
    }
    poll() {
      this.getting = true;
      this.request("GET", undefined, this.getAbort.signal).then(
        (payload) => {
          for (const record of payload.split(RECORD_SEPARATOR)) {
            if (this.closed) return;
            this.sink.packet(decodeFrame(record));
          }
          this.getting = false;
          if (this.closed) return;
          if (this.onPaused) this.checkPaused();
          else this.poll();
        },
        () => this.fail()
      );
    }
    pause(done) {
      this.onPaused = done;
      this.checkPaused();
    }
    checkPaused() {
      const done = this.onPaused;
      if (!done || this.getting || this.posting || this.queue.length) return;
      this.onPaused = null;
      done();
    }
    /** resume polls again after a failed upgrade; a GET still under way simply goes on. */
    resume() {
      this.onPaused = null;
      if (!this.getting && !this.closed) this.poll();
    }
    send(packets) {
      this.queue.push(...packets);
      this.flush();
    }
    flush() {
      if (this.posting) return;
      if (!this.queue.length) {
        if (!this.closed) return this.checkPaused();
        if (!this.bye) return this.getAbort.abort();
        // The close packet goes alone, after the rest, as socket.io-client sends it: the
        // reference server handles a DISCONNECT a tick after a close in the same payload.
        this.bye = false;
        this.queue.push({ type: "close" });
      }
      // Take packets up to the server's maxPayload (always at least one).
      let size = 0;
      let n = 0;
      while (n < this.queue.length) {
        const p = this.queue[n];
        const bytes = isBinary(p.data) ? Math.ceil((p.data.byteLength ?? p.data.size) / 3) * 4 + 1 : utf8Length(textOf(p));
        if (n > 0 && size + bytes + 1 > this.maxPayload) break;
        size += bytes + 1;
        n++;
      }
      const batch = this.queue.splice(0, n);
      this.posting = true;
      Promise.all(batch.map(encodeRecord))
        .then((records) => this.request("POST", records.join(RECORD_SEPARATOR)))
        .then(
          () => {
            this.posting = false;
            this.flush();
          },
          () => {
            this.queue = [];
            this.posting = false;
            this.fail();
          }
        );
    }
    fail() {
      if (this.closed) return this.getAbort.abort();
      this.closed = true;
      this.getAbort.abort();
      this.sink.close("transport error", "xhr poll error");
    }
    /** close says goodbye with a close packet when a session exists, then stops polling. */
    close(graceful) {
      this.closed = true;
      this.bye = graceful && !!this.sid;
      if (this.bye) return this.flush();
      this.queue = [];
      if (!this.posting) this.getAbort.abort();
    }
  }

  function encodeRecord(p) {
    if (!isBinary(p.data)) return textOf(p);
    if (p.data instanceof Blob) return p.data.arrayBuffer().then((b) => "b" + toBase64(b));
    return "b" + toBase64(p.data);
  }

  const TRANSPORTS = { websocket: WebSocketTransport, polling: PollingTransport };

  // Whether this page's last connection ended up on websocket: with opts.rememberUpgrade the
  // next one opens a websocket straight away, skipping polling and the probe.
  let priorWebSocketSuccess = false;

  /**
   * Engine is one Engine.IO connection. It tries its transports in order until one delivers the
   * open packet, answers pings with pongs, and closes with "ping timeout" when the server stays
   * silent longer than pingInterval + pingTimeout. Opened over polling, it probes a websocket
   * when the handshake offers one: "2probe", and on "3probe" it holds new packets, pauses
   * polling, sends "5" and the held packets over the websocket, which becomes its transport.
   * A failed probe leaves it on polling with the held packets sent there.
   * Events: open, data, close(reason), error(err), upgrading, upgrade, upgradeError(err).
   */
  class Engine extends Emitter {
    constructor(base, opts) {
      super();
      this.base = base;
      this.opts = opts;
      this.readyState = "opening";
      this.transport = null;
      this.probing = null; // the websocket being probed
      this.upgrading = false; // probe answered: polling is pausing and sends are held
      this.held = [];
      const names = opts.transports;
      this.order =
        opts.rememberUpgrade && priorWebSocketSuccess && names.includes("websocket")
          ? ["websocket", ...names.filter((n) => n !== "websocket")]
          : names;
      this.tryTransport(0);
    }
    /** create starts a transport whose packets and end come to onTransportPacket/Close. */
    create(name) {
      let transport = null;
      const url = this.base + "&transport=" + name + (this.id ? "&sid=" + encodeURIComponent(this.id) : "");
      const sink = {
        packet: (p) => p && this.onTransportPacket(transport, p),
        close: (reason, description) => this.onTransportClose(transport, reason, description),
      };
      transport = new TRANSPORTS[name](url, sink, this.opts);
      return transport;
    }
    tryTransport(i) {
      const name = this.order[i];
      this.attempt = i;
      try {
        this.transport = this.create(name);
      } catch (err) {
        const failed = (this.transport = { name, close() {} });
        setTimeout(() => this.onTransportClose(failed, "transport error", name + " error: " + (err && err.message)));
      }
    }
    onTransportClose(transport, reason, description) {
      if (transport === this.probing) return this.probeFailed(description);
      if (transport !== this.transport) return;
      this.transport = null;
      transport.close(false);
      if (this.readyState !== "opening") return this.onClose(reason);
      if (this.attempt + 1 < this.order.length) return this.tryTransport(this.attempt + 1);
      this.readyState = "closed";
      this.emitReserved("error", new Error(description));
    }
    onTransportPacket(transport, p) {
      if (transport === this.transport) return this.onPacket(p);
      if (transport !== this.probing) return;
      if (p.type !== "pong" || p.data !== "probe" || this.upgrading) return this.probeFailed("unexpected " + p.type);
      this.upgrading = true;
      this.emitReserved("upgrading", transport);
      if (transport === this.probing) this.transport.pause(() => this.upgrade(transport)); // unless closed meanwhile
    }
    probe() {
      try {
        this.probing = this.create("websocket");
      } catch (err) {
        return this.emitReserved("upgradeError", new Error("probe error: " + (err && err.message)));
      }
      this.probing.send([{ type: "ping", data: "probe" }]);
    }
    /** upgrade switches to the probed websocket; polling has paused, nothing of it is under way. */
    upgrade(ws) {
      if (ws !== this.probing) return;
      this.probing = null;
      this.upgrading = false;
      this.transport.close(false);
      this.transport = ws;
      priorWebSocketSuccess = true;
      ws.send([{ type: "upgrade" }, ...this.held.splice(0)]);
      this.emitReserved("upgrade", ws);
    }
    probeFailed(description) {
      const ws = this.probing;
      if (!ws) return;
      this.probing = null;
      ws.close();
      if (this.upgrading) {
        this.upgrading = false;
        this.transport.resume();
        this.transport.send(this.held.splice(0));
      }
      priorWebSocketSuccess = false;
      this.emitReserved("upgradeError", new Error("probe error: " + description));
    }
    onPacket(p) {
      if (this.readyState === "open") this.resetHeartbeat();
      switch (p.type) {
        case "open": {
          if (this.readyState !== "opening") return;
          let handshake;
          try {
            handshake = JSON.parse(p.data);
            this.id = this.transport.sid = handshake.sid;
            this.pingInterval = handshake.pingInterval;
            this.pingTimeout = handshake.pingTimeout;
            this.transport.maxPayload = handshake.maxPayload || Infinity;
          } catch (err) {
            return this.onTransportClose(this.transport, "parse error", "invalid handshake");
          }
          this.readyState = "open";
          priorWebSocketSuccess = this.transport.name === "websocket";
          this.resetHeartbeat();
          this.emitReserved("open");
          const offered = Array.isArray(handshake.upgrades) && handshake.upgrades.includes("websocket");
          const wanted = this.opts.upgrade !== false && this.opts.transports.includes("websocket");
          if (this.readyState === "open" && this.transport.name === "polling" && offered && wanted) this.probe();
          break;
        }
        case "ping":
          this.send([{ type: "pong", data: p.data }]);
          this.emitReserved("ping");
          break;
        case "message":
          this.emitReserved("data", p.data);
          break;
        case "close":
          this.onClose("transport close");
          break;
      }
    }
    resetHeartbeat() {
      clearTimeout(this.heartbeat);
      this.heartbeat = setTimeout(() => this.onClose("ping timeout"), this.pingInterval + this.pingTimeout);
    }
    send(packets) {
      if (this.readyState !== "open") return;
      if (this.upgrading) this.held.push(...packets);
      else this.transport.send(packets);
    }
    onClose(reason) {
      if (this.readyState === "closed") return;
      this.readyState = "closed";
      clearTimeout(this.heartbeat);
      if (this.transport) this.transport.close(false);
      if (this.probing) this.probing.close();
      this.probing = null;
      this.emitReserved("close", reason);
    }
    /**
     * close ends the connection on purpose ("forced close"), telling the server when it can;
     * packets held by an upgrade under way (a namespace's DISCONNECT) still go out over polling.
     */
    close() {
      if (this.readyState === "closed") return;
      const transport = this.transport;
      this.transport = null;
      if (transport) {
        if (this.held.length) transport.send(this.held.splice(0));
        transport.close(true);
      }
      this.onClose("forced close");
    }
  }

  // ---------------------------------------------------------------- Socket.IO v5 packets

  const CONNECT = 0, DISCONNECT = 1, EVENT = 2, ACK = 3, CONNECT_ERROR = 4, BINARY_EVENT = 5, BINARY_ACK = 6;

  const isPlainObject = (x) => x !== null && typeof x === "object" && typeof x.toJSON !== "function";

  function hasBinary(x) {
    if (isBinary(x)) return true;
    if (Array.isArray(x)) return x.some(hasBinary);
    return isPlainObject(x) && Object.keys(x).some((k) => hasBinary(x[k]));
  }

  /** withPlaceholders copies x, moving each binary value into buffers and leaving a placeholder. */
  function withPlaceholders(x, buffers) {
    if (isBinary(x)) return { _placeholder: true, num: buffers.push(x) - 1 };
    if (Array.isArray(x)) return x.map((v) => withPlaceholders(v, buffers));
    if (!isPlainObject(x)) return x;
    const copy = {};
    for (const k of Object.keys(x)) copy[k] = withPlaceholders(x[k], buffers);
    return copy;
  }

  /** fillPlaceholders puts the received attachments back where their placeholders are. */
  function fillPlaceholders(x, buffers) {
    if (x === null || typeof x !== "object") return x;
    if (x._placeholder === true) {
      if (Number.isInteger(x.num) && x.num >= 0 && x.num < buffers.length) return buffers[x.num];
      throw new Error("attachment placeholder out of range");
    }
    for (const k of Object.keys(x)) {
      const v = fillPlaceholders(x[k], buffers);
      if (v !== x[k]) x[k] = v;
    }
    return x;
  }

  /** encodePacket returns the text record followed by the binary attachments. */
  function encodePacket(p) {
    let type = p.type;
    let data = p.data;
    const buffers = [];
    if ((type === EVENT || type === ACK) && hasBinary(data)) {
      data = withPlaceholders(data, buffers);
      type += 3;
    }
    let s = String(type);
    if (type === BINARY_EVENT || type === BINARY_ACK) s += buffers.length + "-";
    if (p.nsp !== "/") s += p.nsp + ",";
    if (p.id !== undefined) s += p.id;
    if (data !== undefined) s += JSON.stringify(data);
    return [s, ...buffers];
  }

  function parsePacket(s) {
    if (!/^[0-6]/.test(s)) throw new Error("unknown packet type");
    const p = { type: +s[0], nsp: "/" };
    let i = 1;
    if (p.type === BINARY_EVENT || p.type === BINARY_ACK) {
      const m = /^(\d+)-/.exec(s.slice(i));
      if (!m) throw new Error("missing attachment count");
      p.attachments = +m[1];
      i += m[0].length;
    }
    if (s[i] === "/") {
      const comma = s.indexOf(",", i);
      const end = comma < 0 ? s.length : comma;
      p.nsp = s.slice(i, end);
      i = end + 1;
    }
    const id = /^\d+/.exec(s.slice(i));
    if (id) {
      p.id = +id[0];
      i += id[0].length;
    }
    if (i < s.length) p.data = JSON.parse(s.slice(i));
    const d = p.data;
    const valid = [
      d === undefined || isPlainObject(d), // CONNECT
      d === undefined, // DISCONNECT
      Array.isArray(d) && (typeof d[0] === "string" || typeof d[0] === "number"), // EVENT
      Array.isArray(d) && p.id !== undefined, // ACK
      typeof d === "string" || isPlainObject(d), // CONNECT_ERROR
    ][p.type < BINARY_EVENT ? p.type : p.type - 3];
    if (!valid) throw new Error("invalid packet");
    return p;
  }

  /** Decoder reassembles packets from text records and the binary attachments that follow them. */
  class Decoder {
    add(record) {
      if (typeof record === "string") {
        if (this.pending) throw new Error("text record while waiting for attachments");
        const p = parsePacket(record);
        if (!p.attachments) return p.attachments === 0 ? this.finish(p, []) : p;
        this.pending = p;
        this.buffers = [];
        return null;
      }
      if (!this.pending) throw new Error("unexpected binary record");
      this.buffers.push(record);
      return this.buffers.length < this.pending.attachments ? null : this.finish(this.pending, this.buffers);
    }
    finish(p, buffers) {
      this.pending = null;
      p.type -= 3; // BINARY_EVENT/BINARY_ACK are delivered as EVENT/ACK
      p.data = fillPlaceholders(p.data, buffers);
      return p;
    }
  }

  // ---------------------------------------------------------------- Manager

  /**
   * Manager owns the Engine shared by the namespaces of one server, routes packets to their
   * Socket, and reconnects with exponential back-off and jitter after an unwanted close.
   * Events: open, close(reason), error(err), reconnect_attempt(n), reconnect(n),
   * reconnect_error(err), reconnect_failed, ping.
   */
  class Manager extends Emitter {
    constructor(origin, opts) {
      super();
      opts = Object.assign({ path: "/socket.io/", transports: ["polling", "websocket"], timeout: 20000 }, opts);
      opts.path = opts.path.replace(/\/?$/, "/");
      this.opts = opts;
      this.uri = origin;
      this.nsps = {};
      this._active = new Set();
      this._readyState = "closed";
      this._reconnection = opts.reconnection !== false;
      this._attempts = 0;
      const query = new URLSearchParams(opts.query || "");
      query.set("EIO", "4");
      this._engineURL = origin + opts.path + "?" + query;
      if (opts.autoConnect !== false) this.open();
    }
    reconnection(on) {
      if (on === undefined) return this._reconnection;
      this._reconnection = !!on;
      return this;
    }
    open(callback) {
      if (this._readyState === "open" || this._readyState === "opening") return this;
      this._readyState = "opening";
      this.skipReconnect = false;
      this.decoder = new Decoder();
      const engine = (this.engine = new Engine(this._engineURL, this.opts));
      const failed = (err) => {
        clearTimeout(timer);
        if (engine !== this.engine) return;
        this.engine = null;
        this._readyState = "closed";
        this.emitReserved("error", err);
        for (const s of [...this._active]) s._onError(err);
        if (callback) callback(err);
        else if (this._reconnection && !this._reconnecting && this._attempts === 0) this.reconnect();
      };
      const timer =
        this.opts.timeout === false
          ? 0
          : setTimeout(() => {
              engine.off();
              engine.close();
              failed(new Error("timeout"));
            }, this.opts.timeout);
      engine.on("open", () => {
        clearTimeout(timer);
        this._readyState = "open";
        this.emitReserved("open");
        for (const s of [...this._active]) s._onOpen();
        if (callback) callback();
      });
      engine.on("error", failed);
      engine.on("data", (record) => this._onRecord(record));
      engine.on("ping", () => this.emitReserved("ping"));
      engine.on("close", (reason) => this._onClose(reason));
      return this;
    }
    socket(nsp, opts) {
      let socket = this.nsps[nsp];
      if (!socket) socket = this.nsps[nsp] = new Socket(this, nsp, opts || {});
      else if (this.opts.autoConnect !== false && !socket.active) socket.connect();
      return socket;
    }
    _onRecord(record) {
      let p;
      try {
        p = this.decoder.add(record);
      } catch (err) {
        return this._onClose("parse error");
      }
      const socket = p && this.nsps[p.nsp];
      if (socket && this._active.has(socket)) socket._onPacket(p);
    }
    _send(packet) {
      if (this._readyState !== "open") return;
      const [text, ...buffers] = encodePacket(packet);
      this.engine.send([text, ...buffers].map((data) => ({ type: "message", data })));
    }
    _onClose(reason) {
      const engine = this.engine;
      this.engine = null;
      if (engine) {
        engine.off();
        engine.close();
      }
      this._readyState = "closed";
      this._attempts = 0;
      this.emitReserved("close", reason);
      for (const s of [...this._active]) s._onClose(reason);
      if (this._reconnection && !this.skipReconnect) this.reconnect();
    }
    /** _destroy forgets a socket; the connection closes when no namespace uses it any more. */
    _destroy(socket) {
      this._active.delete(socket);
      if (this._active.size) return;
      this.skipReconnect = true;
      this._reconnecting = false;
      clearTimeout(this._reconnectTimer);
      if (this._readyState !== "closed") this._onClose("forced close");
    }
    _delay() {
      const o = this.opts;
      const base = o.reconnectionDelay ?? 1000;
      const max = o.reconnectionDelayMax ?? 5000;
      const jitter = o.randomizationFactor ?? 0.5;
      const ms = Math.min(base * 2 ** this._attempts++, max);
      return Math.min(ms * (1 + jitter * (2 * Math.random() - 1)), max);
    }
    reconnect() {
      if (this._reconnecting || this.skipReconnect) return;
      if (this._attempts >= (this.opts.reconnectionAttempts ?? Infinity)) {
        this._attempts = 0;
        return this.emitReserved("reconnect_failed");
      }
      this._reconnecting = true;
      this._reconnectTimer = setTimeout(() => {
        if (this.skipReconnect) return;
        this.emitReserved("reconnect_attempt", this._attempts);
        if (this.skipReconnect) return;
        this.open((err) => {
          this._reconnecting = false;
          if (err) {
            this.reconnect();
            return this.emitReserved("reconnect_error", err);
          }
          const attempts = this._attempts;
          this._attempts = 0;
          this.emitReserved("reconnect", attempts);
        });
      }, this._delay());
    }
  }

  // ---------------------------------------------------------------- Socket

  const RESERVED = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];

  /**
   * Socket is one namespace on a Manager. emit() sends to the server (buffered while
   * disconnected unless volatile); listeners added with on() receive the server's events.
   */
  class Socket extends Emitter {
    constructor(io, nsp, opts) {
      super();
      this.io = io;
      this.nsp = nsp;
      this.auth = opts.auth;
      this.id = undefined;
      this.connected = false;
      this.receiveBuffer = [];
      this.sendBuffer = [];
      this.ids = 0;
      this.acks = {};
      this.flags = {};
      this._anyListeners = [];
      if (io.opts.autoConnect !== false) this.connect();
    }
    get disconnected() {
      return !this.connected;
    }
    get active() {
      return this.io._active.has(this);
    }
    /** volatile: the next emit is dropped instead of buffered when not connected. */
    get volatile() {
      this.flags.volatile = true;
      return this;
    }
    /** timeout(ms): the next emit's ack gets (err, ...answer), err after ms without answer. */
    timeout(ms) {
      this.flags.timeout = ms;
      return this;
    }
    /** compress is accepted for compatibility; browsers decide websocket compression. */
    compress() {
      return this;
    }
    connect() {
      if (this.connected) return this;
      this.io._active.add(this);
      if (!this.io._reconnecting) this.io.open();
      if (this.io._readyState === "open") this._onOpen();
      return this;
    }
    open() {
      return this.connect();
    }
    send(...args) {
      return this.emit("message", ...args);
    }
    emit(ev, ...args) {
      if (RESERVED.includes(ev)) throw new Error('"' + ev + '" is a reserved event name');
      const flags = this.flags;
      this.flags = {};
      const packet = { type: EVENT, nsp: this.nsp, data: [ev, ...args] };
      if (typeof args[args.length - 1] === "function") {
        packet.id = this.ids++;
        this._registerAck(packet.id, packet.data.pop(), flags.timeout);
      }
      if (this.connected) this.io._send(packet);
      else if (!flags.volatile) this.sendBuffer.push(packet);
      return this;
    }
    emitWithAck(ev, ...args) {
      const withError = this.flags.timeout !== undefined;
      return new Promise((resolve, reject) => {
        args.push(withError ? (err, answer) => (err ? reject(err) : resolve(answer)) : resolve);
        this.emit(ev, ...args);
      });
    }
    _registerAck(id, callback, timeout) {
      if (timeout === undefined) {
        this.acks[id] = callback;
        return;
      }
      const fail = (err) => {
        clearTimeout(timer);
        delete this.acks[id];
        this.sendBuffer = this.sendBuffer.filter((p) => p.id !== id);
        callback.call(this, err);
      };
      const timer = setTimeout(() => fail(new Error("operation has timed out")), timeout);
      const answer = (...args) => {
        clearTimeout(timer);
        callback.call(this, null, ...args);
      };
      answer.fail = fail;
      this.acks[id] = answer;
    }
    onAny(fn) {
      this._anyListeners.push(fn);
      return this;
    }
    offAny(fn) {
      this._anyListeners = fn ? this._anyListeners.filter((f) => f !== fn) : [];
      return this;
    }
    disconnect() {
      if (this.connected) this.io._send({ type: DISCONNECT, nsp: this.nsp });
      this.io._destroy(this);
      if (this.connected) this._onClose("io client disconnect");
      return this;
    }
    close() {
      return this.disconnect();
    }
    _onOpen() {
      const send = (data) => this.io._send({ type: CONNECT, nsp: this.nsp, data });
      if (typeof this.auth === "function") this.auth(send);
      else send(this.auth);
    }
    _onError(err) {
      if (!this.connected) this.emitReserved("connect_error", err);
    }
    _onPacket(p) {
      switch (p.type) {
        case CONNECT:
          if (!p.data || typeof p.data.sid !== "string") {
            return this.emitReserved("connect_error", new Error("invalid CONNECT reply: is this a Socket.IO v3+ server?"));
          }
          this.id = p.data.sid;
          this.connected = true;
          for (const q of this.receiveBuffer.splice(0)) this._dispatch(q);
          for (const q of this.sendBuffer.splice(0)) this.io._send(q);
          this.emitReserved("connect");
          break;
        case EVENT:
          if (this.connected) this._dispatch(p);
          else this.receiveBuffer.push(p);
          break;
        case ACK: {
          const callback = this.acks[p.id];
          delete this.acks[p.id];
          if (callback) callback.apply(this, p.data);
          break;
        }
        case DISCONNECT:
          this.io._destroy(this);
          this._onClose("io server disconnect");
          break;
        case CONNECT_ERROR: {
          this.io._destroy(this);
          const info = isPlainObject(p.data) ? p.data : { message: p.data };
          const err = new Error(info.message);
          err.data = info.data;
          this.emitReserved("connect_error", err);
          break;
        }
      }
    }
    _dispatch(p) {
      const args = p.data;
      if (p.id !== undefined) args.push(this._ackFor(p.id));
      for (const fn of this._anyListeners.slice()) fn.apply(this, args);
      this.emitReserved(...args);
    }
    /** _ackFor returns the function a listener calls (once) to answer the server's ack request. */
    _ackFor(id) {
      let sent = false;
      return (...args) => {
        if (sent) return;
        sent = true;
        this.io._send({ type: ACK, nsp: this.nsp, id, data: args });
      };
    }
    _onClose(reason) {
      const wasConnected = this.connected;
      this.connected = false;
      this.id = undefined;
      // Acks waiting with an error path learn the answer will never come, unless still queued.
      for (const id of Object.keys(this.acks)) {
        const answer = this.acks[id];
        if (answer.fail && !this.sendBuffer.some((p) => String(p.id) === id)) {
          answer.fail(new Error("socket has been disconnected"));
        }
      }
      if (wasConnected) this.emitReserved("disconnect", reason);
    }
  }

  // ---------------------------------------------------------------- io()

  const managers = {};

  /**
   * io(url?, opts?) returns a Socket for the namespace in url's path (default "/") on url's
   * origin (default the page's). Sockets of one origin and path share a Manager unless
   * opts.forceNew is true, opts.multiplex is false, or the namespace is already in use.
   */
  function io(url, opts) {
    if (url !== null && typeof url === "object") {
      opts = url;
      url = undefined;
    }
    opts = Object.assign({}, opts);
    const page = typeof location !== "undefined" ? location : null;
    if (url === undefined || url === null) url = page ? page.origin : "";
    if (!/^[a-z][a-z\d+.-]*:\/\//i.test(url) && !url.startsWith("/")) url = (page ? page.protocol : "https:") + "//" + url;
    const parsed = new URL(url, page ? page.href : undefined);
    const origin = parsed.protocol.replace(/^ws/, "http") + "//" + parsed.host;
    const nsp = parsed.pathname || "/";
    if (opts.query === undefined && parsed.search) opts.query = parsed.search.slice(1);
    const key = origin + (opts.path || "/socket.io/");
    const fresh =
      opts.forceNew || opts["force new connection"] || opts.multiplex === false || (managers[key] && nsp in managers[key].nsps);
    const manager = fresh ? new Manager(origin, opts) : (managers[key] = managers[key] || new Manager(origin, opts));
    return manager.socket(nsp, opts);
  }

  Object.assign(io, { io, connect: io, Manager, Socket, protocol: 5 });
  globalThis.io = io;
  if (typeof module === "object" && module && module.exports) module.exports = io;
})();
