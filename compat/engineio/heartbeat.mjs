// node heartbeat.mjs <url> <transports> <pings>
// Stays connected while the server pings, answering as engine.io-client does, then leaves.
import { connect, done } from "./harness.mjs";

const [url, transportList, want] = process.argv.slice(2);
const socket = connect(url, transportList.split(","), { upgrade: false });
let pings = 0;

socket.on("ping", () => {
  pings++;
  if (pings === Number(want)) {
    console.log(`pings: ${pings} over ${socket.transport.name}`);
    socket.close();
  }
});
socket.on("close", (reason) => {
  console.log(`close: ${reason}`);
  done();
});
