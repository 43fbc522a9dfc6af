// A Node socket.io server on the official @socket.io/redis-adapter and a Go server (our
// realtime/redisadapter) share one Redis: broadcasts, acks, server-side emits, fetchSockets
// and remote joins cross both ways. Run by realtime/redisadapter's TestInteropNode as
//   node interop.mjs <redis url> <go server url>
// It exits 0 when every assertion held, 1 (with the reason on stderr) otherwise.
//
// The Go server joins its clients to the rooms of their auth ({rooms: [...]}) and answers
// "ready" with the socket id once that is done; "relay" [room] broadcasts "fromGo"
// ("hello", bytes 1 2 3) to the room; "askAll" [room] broadcasts "ask" with acks and answers
// (count, error); "sse" [event, arg] is a server-side emit; "fetch" [room] answers the ids of
// fetchSockets. Its server-side handlers answer "ping" with "pong" and broadcast "noted" to
// room r with the arguments of "note"; "joinRemote" [socket id, room] puts that socket, on
// any node, into the room.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { io as connectTo } from "socket.io-client";
import { createClient } from "redis";
import { createAdapter } from "@socket.io/redis-adapter";

const [redisURL, goURL] = process.argv.slice(2);
if (!redisURL || !goURL) {
  console.error("usage: node interop.mjs <redis url> <go server url>");
  process.exit(2);
}
const patience = (ms) => ms * Number(process.env.TEST_SLACK || 1);
const once = (emitter, event) => new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
const ackAll = (socket, event, ...args) =>
  new Promise((resolve) => socket.emit(event, ...args, (...answer) => resolve(answer)));

async function main() {
  const pub = createClient({ url: redisURL });
  const sub = pub.duplicate();
  pub.on("error", () => {});
  sub.on("error", () => {});
  await Promise.all([pub.connect(), sub.connect()]);

  const http = createServer();
  const io = new Server(http, { adapter: createAdapter(pub, sub, { requestsTimeout: patience(5000) }) });
  io.on("connection", (socket) => {
    socket.join(socket.handshake.auth.rooms || []);
    socket.on("ready", (cb) => cb(socket.id));
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const nodeURL = `http://127.0.0.1:${http.address().port}`;

  // Both servers are on the channels when Redis counts two subscribers.
  const deadline = Date.now() + patience(10000);
  while ((await io.of("/").adapter.serverCount()) !== 2) {
    assert.ok(Date.now() < deadline, "the Go server never subscribed");
    await new Promise((r) => setTimeout(r, 20));
  }

  const clients = [];
  async function client(url, rooms) {
    const s = connectTo(url, { transports: ["websocket"], forceNew: true, auth: { rooms } });
    clients.push(s);
    s.got = [];
    s.onAny((event, ...args) => s.got.push([event, ...args]));
    s.on("ask", (cb) => cb(`answer from ${s.id}`));
    s.id2 = await s.emitWithAck("ready");
    return s;
  }
  const onNode = await client(nodeURL, ["r"]);
  const onGo = await client(goURL, ["r"]);
  const goOther = await client(goURL, ["x"]);

  // Node -> Go: a room broadcast with binary.
  let heard = once(onGo, "news");
  io.to("r").emit("news", "hi", Buffer.from([7, 8]));
  let [text, bin] = await heard;
  assert.equal(text, "hi");
  assert.deepEqual([...new Uint8Array(bin)], [7, 8]);
  // goOther is not in r: the next broadcast to everyone is the first thing it hears.
  heard = Promise.all([once(goOther, "end"), once(onGo, "end"), once(onNode, "end")]);
  io.emit("end");
  await heard;
  assert.deepEqual(goOther.got.map((e) => e[0]), ["end"]);

  // Except: a broadcast to r except the Go client reaches only the Node one.
  goOther.got.length = 0;
  onGo.got.length = 0;
  heard = Promise.all([once(onNode, "ex"), once(onGo, "end2")]);
  io.to("r").except(onGo.id2).emit("ex");
  io.emit("end2");
  await heard;
  assert.deepEqual(onGo.got.map((e) => e[0]), ["end2"]);

  // Go -> Node: the Go server broadcasts to r, binary intact.
  heard = once(onNode, "fromGo");
  assert.equal(await onGo.emitWithAck("relay", "r"), "sent");
  [text, bin] = await heard;
  assert.equal(text, "hello");
  assert.deepEqual([...new Uint8Array(bin)], [1, 2, 3]);

  // Acks Node -> Go: both clients of r answer.
  const answers = await io.to("r").timeout(patience(5000)).emitWithAck("ask");
  assert.deepEqual(answers.sort(), [`answer from ${onGo.id}`, `answer from ${onNode.id}`].sort());
  // Acks Go -> Node.
  assert.deepEqual(await ackAll(onGo, "askAll", "r"), [2, ""]);

  // Server-side emits, both ways, with and without an answer.
  heard = Promise.all([once(onNode, "noted"), once(onGo, "noted")]);
  io.serverSideEmit("note", 5);
  for (const args of await heard) assert.deepEqual(args, [5]);
  assert.deepEqual(await io.serverSideEmitWithAck("ping", 1), ["pong"]);
  heard = new Promise((resolve) => io.on("fromGoServer", (...args) => resolve(args)));
  await onGo.emitWithAck("sse", "fromGoServer", "x");
  assert.deepEqual(await heard, ["x"]);

  // fetchSockets both ways.
  const fetched = await io.in("r").fetchSockets();
  assert.deepEqual(fetched.map((s) => s.id).sort(), [onNode.id2, onGo.id2].sort());
  assert.deepEqual((await onGo.emitWithAck("fetch", "r")).sort(), [onNode.id2, onGo.id2].sort());

  // A remote join: Node puts the Go server's client into r.
  io.in(goOther.id2).socketsJoin("r");
  heard = once(goOther, "joined");
  const timer = setInterval(() => io.to("r").emit("joined"), 50); // the join crosses on its own time
  await heard;
  clearInterval(timer);

  // And one from Go: the Go server puts the Node server's client into y.
  assert.equal(await onGo.emitWithAck("joinRemote", onNode.id2, "y"), true);
  heard = once(onNode, "inY");
  const timer2 = setInterval(() => io.to("y").emit("inY"), 50);
  await heard;
  clearInterval(timer2);

  for (const s of clients) s.close();
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit()]);
}

const timer = setTimeout(() => {
  console.error("interop.mjs: timed out");
  process.exit(1);
}, patience(60000));
main().then(
  () => {
    clearTimeout(timer);
    process.exit(0);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
