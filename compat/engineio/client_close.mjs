// node client_close.mjs <url>
// Opens a polling-only session and closes it from the client side, which sends the close
// packet in a POST while its GET is parked. What that GET is answered with is checked by the
// Go test, which sees the HTTP responses; the client only reports its own view.
import { connect, done } from "./harness.mjs";

const [url] = process.argv.slice(2);
const socket = connect(url, ["polling"], { upgrade: false });

socket.on("open", () => {
  console.log(`open over ${socket.transport.name}`);
  // Not synchronously: the client sends its first poll right after the "open" handlers
  // return, and a close from inside them would come before that poll was ever sent.
  setImmediate(() => socket.close());
});
socket.on("close", (reason) => {
  console.log(`close: ${reason}`);
  done();
});
