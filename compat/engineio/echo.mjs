// node echo.mjs <url> <transports> [upgrade]
// Exchanges text (beyond ASCII) and binary messages with an echoing server, over the given
// transports; with "upgrade" it first waits for the polling -> websocket upgrade.
import { connect, done, fail, bytes } from "./harness.mjs";

const [url, transportList, mode] = process.argv.slice(2);
const socket = connect(url, transportList.split(","), { upgrade: mode === "upgrade" });
socket.binaryType = "arraybuffer";

const text = "héllo wörld ✓ 🚀";
const expected = [
  (d) => d === text || fail(`text echo ${JSON.stringify(d)}`),
  (d) => (d instanceof ArrayBuffer && bytes(d).join() === "0,1,2,255") || fail(`buffer echo ${bytes(d)}`),
  (d) => (d instanceof ArrayBuffer && bytes(d).join() === "9,8,7") || fail(`arraybuffer echo ${bytes(d)}`),
];

function exchange() {
  console.log(`exchange over ${socket.transport.name}`);
  socket.send(text);
  socket.send(Buffer.from([0, 1, 2, 255]));
  socket.send(new Uint8Array([9, 8, 7]).buffer);
}

socket.on("open", () => {
  console.log(`open over ${socket.transport.name}`);
  if (mode !== "upgrade") exchange();
});
socket.on("upgrade", (transport) => {
  console.log(`upgraded to ${transport.name}`);
  exchange();
});
socket.on("message", (data) => {
  expected.shift()(data);
  if (expected.length === 0) {
    console.log(`echo ok over ${socket.transport.name}`);
    socket.close();
  }
});
socket.on("close", (reason) => {
  console.log(`close: ${reason}`);
  done();
});
