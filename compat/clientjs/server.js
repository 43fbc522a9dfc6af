// The reference side of the browser client tests (realtime/clientjs): the official socket.io
// server with the behaviours the tests drive, serving the test pages and OUR client script
// (the file given as the first argument) at /socket.io/socket.io.js.
//
// It starts two servers on random loopback ports and prints one JSON line with their URLs:
//   main        - all transports (the client opens with polling and upgrades to websocket)
//   pollingOnly - transports: ["polling"], so a websocket cannot open and the client must fall back
// A case asks main for a failing upgrade with a query parameter, which the client repeats on
// every request: probe=refuse answers an upgrade's websocket (one with a sid) with HTTP 400,
// probe=hang never answers it, probe=cut closes it right after "3probe", and gate holds it
// until the client sends "open-probe-gate" with its session id (testFront in
// realtime/clientjs/front_test.go does the same for the Go server).
// It exits when stdin closes, so a crashed test never leaves it running.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { Server } from "socket.io";

const clientPath = process.argv[2];
if (!clientPath) {
  console.error("usage: node server.js path/to/socket.io.js");
  process.exit(2);
}

// Pages the tests navigate to: one loads the client as a classic script, one is empty so a test
// can import the client as a module.
const pages = {
  "/": '<!doctype html><meta charset="utf-8"><title>client test</title><script src="/socket.io/socket.io.js"></script>',
  "/blank.html": '<!doctype html><meta charset="utf-8"><title>blank</title>',
};

// TEST_SLACK, set by the Go test from testenv.Slack (the machine's load, CI's setting),
// stretches the waits for a live client as much as the test stretches its own.
const slack = Number(process.env.TEST_SLACK || 1);

// Short heartbeats, so every test also proves the client answers pings, and silence is noticed soon.
const heartbeat = { pingInterval: 500, pingTimeout: 3000 * slack };

function describe(x) {
  if (Buffer.isBuffer(x)) return { buffer: [...x] };
  if (Array.isArray(x)) return x.map(describe);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, describe(v)]));
  return x;
}

// Gated upgrades by session id: open once "open-probe-gate" came, or the upgrades waiting.
const gates = new Map();
function gate(sid) {
  if (!gates.has(sid)) gates.set(sid, { open: false, waiting: [] });
  return gates.get(sid);
}

// The reason each socket left with, by socket id, for "disconnect-reason".
const disconnectReasons = new Map();

function handlers(socket) {
  socket.emit("welcome", { nsp: socket.nsp.name, auth: socket.handshake.auth });
  const notes = [];
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
    else socket.emit("echoed", ...args);
  });
  socket.on("binary", (...args) => {
    const ack = args.pop();
    ack(describe(args), Buffer.from([9, 8, 7]));
    socket.emit("bytes", Buffer.from([1, 2, 3, 255]), { nested: Buffer.from("hi") });
  });
  socket.on("ask", async (question, ack) => {
    try {
      const answer = await socket.timeout(10000 * slack).emitWithAck("question", question, Buffer.from([5, 6]));
      ack({ answer: describe(answer) });
    } catch (err) {
      ack({ error: err.message });
    }
  });
  socket.on("ignore", () => {});
  socket.on("transport", (ack) => ack(socket.conn.transport.name));
  socket.on("note", (n) => notes.push(n));
  socket.on("notes", (ack) => ack(notes));
  socket.on("disconnect-me", () => socket.disconnect());
  socket.on("drop-transport", () => socket.conn.close());
  socket.on("disconnect", (reason) => disconnectReasons.set(socket.id, reason));
  socket.on("disconnect-reason", (id, ack) => ack(disconnectReasons.get(id) ?? null));
  socket.on("open-probe-gate", (sid) => {
    const g = gate(sid);
    g.open = true;
    for (const go of g.waiting.splice(0)) go();
  });
  socket.on("go-silent", () => {
    // Stop this connection's heartbeat: no more pings, and no waiting for a pong.
    const conn = socket.conn;
    conn.schedulePing = () => {};
    clearTimeout(conn.pingIntervalTimer);
    clearTimeout(conn.pingTimeoutTimer);
    conn.pingIntervalTimer = conn.pingTimeoutTimer = null;
  });
}

function start(opts) {
  const http = createServer((req, res) => {
    const page = pages[req.url];
    if (page === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
  });
  const io = new Server(http, { serveClient: false, ...heartbeat, ...opts });
  // Serve our client where the reference server would serve its own bundle, ahead of engine.io.
  const engineListeners = http.listeners("request");
  http.removeAllListeners("request");
  http.on("request", (req, res) => {
    if (req.url.split("?")[0] === "/socket.io/socket.io.js") {
      res.writeHead(200, { "Content-Type": "application/javascript; charset=utf-8", "Cache-Control": "no-store" });
      res.end(readFileSync(clientPath));
      return;
    }
    for (const l of engineListeners) l.call(http, req, res);
  });
  const upgradeListeners = http.listeners("upgrade");
  http.removeAllListeners("upgrade");
  http.on("upgrade", (req, socket, head) => {
    if (!upgradeListeners.length) return socket.destroy(); // as Node does with no listener: polling only
    socket.on("error", () => {}); // a held socket the browser gives up on is no failure
    const query = new URL(req.url, "http://localhost").searchParams;
    const sid = query.get("sid");
    const upgrade = () => {
      const probe = sid ? query.get("probe") : null;
      if (probe === "refuse") return socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      if (probe === "hang") return;
      if (probe === "cut") {
        const write = socket.write;
        socket.write = function (chunk, ...rest) {
          const queued = write.call(this, chunk, ...rest);
          if (String(chunk).includes("3probe")) setImmediate(() => socket.end());
          return queued;
        };
      }
      for (const l of upgradeListeners) l.call(http, req, socket, head);
    };
    if (sid && query.has("gate") && !gate(sid).open) gate(sid).waiting.push(upgrade);
    else upgrade();
  });
  io.on("connection", handlers);
  io.of("/admin").on("connection", handlers);
  const priv = io.of("/private");
  priv.use((socket, next) => {
    if (socket.handshake.auth && socket.handshake.auth.token === "secret") return next();
    const err = new Error("not authorized");
    err.data = { reason: "bad token" };
    next(err);
  });
  priv.on("connection", handlers);
  return new Promise((resolve) => http.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${http.address().port}`)));
}

const [main, pollingOnly] = await Promise.all([start({}), start({ transports: ["polling"] })]);
console.log(JSON.stringify({ main, pollingOnly }));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
