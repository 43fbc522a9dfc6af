// Shared helpers of the Socket.IO compatibility scripts. Each script is run by a Go test as
//   node <script>.mjs <server url> <polling|websocket|upgrade>
// and exits 0 when every assertion held, 1 (with the reason on stderr) otherwise.
import { io } from "socket.io-client";

export const [url, mode] = process.argv.slice(2);

// patience stretches a deadline of ms milliseconds as much as the Go test stretches its own
// (TEST_SLACK, set by the test from testenv.Slack: the machine's load and CI's setting), so
// that a busy machine is not mistaken for a failure.
export function patience(ms) {
  return ms * Number(process.env.TEST_SLACK || 1);
}
if (!url || !["polling", "websocket", "upgrade"].includes(mode)) {
  console.error("usage: node script.mjs <url> <polling|websocket|upgrade>");
  process.exit(2);
}

// transportOptions selects what the mode tests: one transport only, or polling then upgrade.
export function transportOptions() {
  switch (mode) {
    case "polling":
      return { transports: ["polling"] };
    case "websocket":
      return { transports: ["websocket"] };
    default:
      return { transports: ["polling", "websocket"], upgrade: true };
  }
}

// client opens a Socket.IO client for namespace nsp ("" is the main one).
export function client(nsp = "", opts = {}) {
  return io(url + nsp, {
    ...transportOptions(),
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
    timeout: patience(20000), // the connect timeout, 20 s by default
    ...opts,
  });
}

// once resolves with the arguments of the next `event` (an array).
export function once(emitter, event) {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}

// ackAll emits event and resolves with every argument of the ack (emitWithAck keeps only the first).
export function ackAll(socket, event, ...args) {
  return new Promise((resolve) => socket.emit(event, ...args, (...answer) => resolve(answer)));
}

// connected resolves when the socket is connected and rejects on connect_error.
export function connected(socket) {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

// upgraded resolves once the connection runs over websocket (immediately in other modes).
export function upgraded(socket) {
  const engine = socket.io.engine;
  if (mode !== "upgrade" || engine.transport.name === "websocket") return Promise.resolve();
  return once(engine, "upgrade");
}

// bytes turns whatever binary type the client produced (Buffer, ArrayBuffer) into an array.
export function bytes(b) {
  return [...new Uint8Array(b instanceof ArrayBuffer ? b : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))];
}

// main runs the test body with an overall deadline and sets the exit code.
export function main(body) {
  const deadline = setTimeout(() => {
    console.error(`${process.argv[1]} (${mode}): no result within ${patience(30000)} ms`);
    process.exit(1);
  }, patience(30000));
  body().then(
    () => {
      clearTimeout(deadline);
      process.exit(0);
    },
    (err) => {
      console.error(`${process.argv[1]} (${mode}):`, err);
      process.exit(1);
    },
  );
}
