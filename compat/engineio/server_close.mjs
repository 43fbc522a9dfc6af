// node server_close.mjs <url> <transports>
// Asks the server to close the session ("close-me"); the server sends "bye" first.
import { connect, done, fail } from "./harness.mjs";

const [url, transportList] = process.argv.slice(2);
const socket = connect(url, transportList.split(","), { upgrade: false });
const got = [];

socket.on("open", () => {
  console.log(`open over ${socket.transport.name}`);
  socket.send("close-me");
});
socket.on("message", (data) => got.push(data));
socket.on("close", (reason) => {
  console.log(`messages: ${got.join(",")}`);
  console.log(`close: ${reason}`);
  if (got.join(",") !== "bye") fail("missing the last message");
  done();
});
