// Shared by the engine.io compatibility scripts: every script prints what it observed, one
// fact per line, for the Go test to assert on, and exits 0 only if its own checks passed.
import { Socket } from "engine.io-client";

// Give up well before the Go test does, so a hang shows up as a readable failure; TEST_SLACK,
// set by the Go test from testenv.Slack, stretches the wait as much as the test's own.
const deadline = setTimeout(() => fail("timed out"), 30000 * Number(process.env.TEST_SLACK || 1));

export function fail(why) {
  console.log(`FAIL ${why}`);
  process.exit(1);
}

// done lets the process end on its own once pending requests (such as the POST carrying
// the client's close packet) are finished; exiting at once would cut them off.
export function done() {
  clearTimeout(deadline);
}

// connect opens an engine.io-client Socket to the Go server under test.
export function connect(url, transports, extra = {}) {
  const socket = new Socket(url, { path: "/socket.io/", transports, ...extra });
  socket.on("error", (err) => fail(`socket error: ${err}`));
  return socket;
}

// bytes returns the bytes of a received binary message (Buffer or ArrayBuffer) as an array.
export function bytes(data) {
  if (data instanceof ArrayBuffer) return Array.from(new Uint8Array(data));
  if (Buffer.isBuffer(data)) return Array.from(data);
  fail(`not binary: ${typeof data} ${data}`);
}
