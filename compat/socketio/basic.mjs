// Namespaces, auth, events with several arguments, acks both ways (with timeouts), binary.
import assert from "node:assert/strict";
import { client, connected, once, upgraded, bytes, main, mode, ackAll } from "./lib.mjs";

main(async () => {
  const s = client("", { query: { name: "tester" } });
  const welcome = once(s, "welcome");
  await connected(s);
  assert.deepEqual(await welcome, [s.id, "tester"], "welcome carries the socket id and the query");

  // Without an auth option the server's handlers see {}, as the reference gives them.
  assert.deepEqual(await s.emitWithAck("auth"), {});

  // Several arguments of every JSON kind, both ways.
  const args = [1, "two", { three: [3, true, null] }, null, 4.5];
  const echoed = once(s, "echo");
  s.emit("echo", ...args);
  assert.deepEqual(await echoed, args);

  // A relay sends the arguments back unchanged, binary included: Buffers come back as
  // Buffers, wherever they were.
  const relay = [{ a: 1 }, Buffer.from([1, 2, 3]), "s", [Buffer.from([4, 5])]];
  const relayed = once(s, "relay");
  s.emit("relay", ...relay);
  assert.deepStrictEqual(await relayed, relay);

  // The client asks, the server acks.
  assert.equal(await s.emitWithAck("sum", 2, 3), 5);

  // The server asks, the client acks; the server reports what it got.
  s.on("question", (q, cb) => {
    assert.equal(q, "what?");
    cb("forty-two");
  });
  assert.equal(await s.emitWithAck("ask"), "forty-two");

  // The server's ack times out when the client never answers.
  s.on("question-ignored", () => {});
  assert.equal(await s.emitWithAck("ask-timeout"), true, "server saw its ack time out");

  // The client's ack times out when the server never answers.
  await assert.rejects(s.timeout(300).emitWithAck("no-ack"), /operation has timed out/);

  // Binary in an event and in its ack.
  const [reversed, nested] = await ackAll(s, "bin", Buffer.from([1, 2, 3]), { label: "x", data: Buffer.from("hey") });
  assert.deepEqual(bytes(reversed), [3, 2, 1]);
  assert.equal(nested.label, "x");
  assert.deepEqual(bytes(nested.data), [...Buffer.from("hey")]);

  // Binary in an event from the server, top level and inside an object.
  const binary = once(s, "binary");
  s.emit("binary-please");
  const [data, obj] = await binary;
  assert.deepEqual(bytes(data), [1, 2, 3]);
  assert.equal(obj.name, "frame");
  assert.deepEqual(bytes(obj.data), [9, 8]);

  // A custom namespace, multiplexed on the same connection, with an auth payload.
  const c = client("/custom", { auth: { token: "secret", name: "bob" } });
  await connected(c);
  assert.equal(c.io, s.io, "namespaces share the connection");
  assert.deepEqual(await ackAll(c, "whoami"), ["/custom", "bob"]);

  // Auth refused by a middleware: message and data reach the client.
  const r = client("/custom", { forceNew: true, auth: { token: "wrong" } });
  const [err] = await once(r, "connect_error");
  assert.equal(err.message, "not authorized");
  assert.deepEqual(err.data, { reason: "bad token" });
  r.close();

  // An unknown namespace is refused like the reference server does.
  const n = client("/nope", { forceNew: true });
  const [nerr] = await once(n, "connect_error");
  assert.equal(nerr.message, "Invalid namespace");
  n.close();

  await upgraded(s);
  if (mode !== "polling") assert.equal(s.io.engine.transport.name, "websocket");
  // Still fine after the upgrade.
  assert.equal(await s.emitWithAck("sum", 20, 22), 42);
  c.close();
  s.close();
});
