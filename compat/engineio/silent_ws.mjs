// node silent_ws.mjs <url>
// A raw websocket client (the "ws" package engine.io-client itself uses) that handshakes
// and then never answers a ping, to prove the server's ping timeout.
import WebSocket from "ws";
import { fail, done } from "./harness.mjs";

const [url] = process.argv.slice(2);
const ws = new WebSocket(url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
const frames = [];

ws.on("message", (data, isBinary) => frames.push(isBinary ? "<binary>" : data.toString()));
ws.on("error", (err) => fail(`ws error: ${err}`));
ws.on("close", (code) => {
  if (!frames[0]?.startsWith('0{"sid":')) fail(`no open packet: ${frames[0]}`);
  console.log(`frames after open: ${frames.slice(1).join(",")}`);
  console.log(`close code: ${code}`);
  done();
});
