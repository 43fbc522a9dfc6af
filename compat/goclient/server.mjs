// The reference Socket.IO v4 server for the Go client's compatibility tests
// (realtime/client). It listens on 127.0.0.1, port 0, and prints
// "PORT <n>" once ready. Every behaviour a test needs is one event away.
import { createServer } from "node:http";
import { Server } from "socket.io";

const httpServer = createServer();
const io = new Server(httpServer, {
  // frequent pings exercise the client's pong path; the generous timeout
  // keeps a loaded test machine from dropping anyone
  pingInterval: Number(process.env.PING_INTERVAL || 300),
  pingTimeout: Number(process.env.PING_TIMEOUT || 10000),
});

function wire(socket) {
  // greet with what the server knows of this client
  socket.emit("hello", socket.nsp.name, socket.handshake.auth, socket.handshake.query.tag ?? null);

  // echo: with an ack, answer with the same arguments; without, emit them back
  const echo = (event) => (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
    else socket.emit(event, ...args);
  };
  socket.on("echo", echo("echo"));
  // the same for binary; a separate name because a typed server (Go) must
  // know which arguments to send back as binary
  socket.on("echo-binary", echo("echo-binary"));

  // ask: the server emits <event>(...args) to the client with an ack and a
  // timeout, then reports the outcome as "asked"(error message|null, ...answer)
  socket.on("ask", (event, timeoutMs, ...args) => {
    socket.timeout(timeoutMs).emit(event, ...args, (err, ...answer) => {
      socket.emit("asked", err ? err.message : null, ...answer);
    });
  });

  // describe: report the types the server saw, so binary arrival is proven server-side
  socket.on("describe", (...args) => {
    const ack = args.pop();
    ack(args.map((a) => (Buffer.isBuffer(a) ? `buffer:${a.toString("hex")}` : typeof a)));
  });

  socket.on("never-ack", () => {});
  socket.on("disconnect-me", () => socket.disconnect());
  socket.on("drop-transport", () => socket.conn.close());
}

io.of("/").on("connection", wire);

const custom = io.of("/custom");
custom.use((socket, next) => {
  if (socket.handshake.auth.token === "secret") return next();
  const err = new Error("unauthorized");
  err.data = { reason: "bad token", token: socket.handshake.auth.token ?? null };
  next(err);
});
custom.on("connection", wire);

httpServer.listen(0, "127.0.0.1", () => {
  console.log(`PORT ${httpServer.address().port}`);
});

// end with the test process: stdin closes when the Go test exits
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
