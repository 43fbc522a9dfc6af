// node order.mjs <url> <minimum count>
// Streams numbered messages from the moment the session opens (over polling) until the
// upgrade to websocket is done and at least <minimum count> were sent; the server echoes
// them. Checks the echoes come back complete and in order across the upgrade.
import { connect, done, fail } from "./harness.mjs";

const [url, minimum] = process.argv.slice(2);
const socket = connect(url, ["polling", "websocket"]);

let sent = 0;
let sentBeforeUpgrade = -1;
let received = 0;
let receivedBeforeUpgrade = -1;
let finished = false;

function sendNext() {
  if (socket.readyState !== "open") return;
  socket.send(String(sent++));
  if (sentBeforeUpgrade >= 0 && sent >= Number(minimum)) {
    finished = true;
    console.log(`sent ${sent}`);
    return;
  }
  setTimeout(sendNext, 1);
}

socket.on("open", () => {
  // The first message leaves synchronously, before the upgrade can have started.
  sendNext();
});
socket.on("upgrade", (transport) => {
  sentBeforeUpgrade = sent;
  receivedBeforeUpgrade = received;
  console.log(`upgraded to ${transport.name} after sending ${sentBeforeUpgrade} and receiving ${receivedBeforeUpgrade}`);
});
socket.on("message", (data) => {
  if (data !== String(received)) fail(`echo ${JSON.stringify(data)}, want ${received}`);
  received++;
  if (finished && received === sent) {
    console.log(`order ok: ${received} echoes in order`);
    socket.close();
  }
});
socket.on("close", (reason) => {
  console.log(`close: ${reason}`);
  done();
});
