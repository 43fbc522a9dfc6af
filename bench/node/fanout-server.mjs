// The reference side of `make bench`: the official Node socket.io v4 server doing exactly what our
// Go fan-out bench server (bench/fanoutserver) does, so the two can be measured in one run.
//
//   node --expose-gc bench/node/fanout-server.mjs <port> <broadcasts-per-second> <payload-bytes>
//
// Behaviour (keep in step with the Go server):
//   - websocket transport only, no per-message deflate, the client script is not served;
//   - every 1/rate seconds it broadcasts event "tick" with one argument
//     {"t": <send time, Unix microseconds>, "seq": <n>, "pad": "xxx…"} to every connected client,
//     the pad sized so the whole Socket.IO packet is about <payload-bytes> bytes;
//   - GET /bench/gc runs a full garbage collection and answers "ok" (idle-memory scenario);
//   - GET /bench/rate?hz=N changes the broadcast rate (0 stops broadcasting);
//   - it prints "listening <port>" once ready.
import { createServer } from "node:http";
import { createRequire } from "node:module";

// The official packages are installed once, in compat/ (`make compat-deps`, from its lockfile).
// Node looks for an import's package only in node_modules folders above the importing file, and
// compat/ is not above this one, so socket.io is loaded from compat/ by name.
const { Server } = createRequire(new URL("../../compat/package.json", import.meta.url))("socket.io");

const port = Number(process.argv[2] ?? 0);
let rate = Number(process.argv[3] ?? 0);
const payloadBytes = Number(process.argv[4] ?? 260);

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
// Packet overhead: 42["tick",{"t":1764000000000000,"seq":123456,"pad":""}]
const pad = "x".repeat(Math.max(0, payloadBytes - 51));

const http = createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/bench/gc") {
    if (globalThis.gc) globalThis.gc();
    res.end("ok");
  } else if (url.pathname === "/bench/rate") {
    setRate(Number(url.searchParams.get("hz") ?? 0));
    res.end("ok");
  } else {
    res.statusCode = 404;
    res.end();
  }
});

const io = new Server(http, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });

let seq = 0;
let timer = null;
function setRate(hz) {
  rate = hz;
  if (timer) clearInterval(timer);
  timer = null;
  if (hz > 0) {
    timer = setInterval(() => io.emit("tick", { t: nowMicros(), seq: seq++, pad }), 1000 / hz);
  }
}
setRate(rate);

http.listen(port, "127.0.0.1", () => {
  console.log(`listening ${http.address().port}`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    io.close();
    process.exit(0);
  });
}
