// Rooms, broadcasts except the sender, broadcasts to everyone, volatile events.
import assert from "node:assert/strict";
import { client, connected, once, main } from "./lib.mjs";

main(async () => {
  const [a, b, c] = [client("", { forceNew: true }), client("", { forceNew: true }), client("", { forceNew: true })];
  await Promise.all([a, b, c].map(connected));
  const got = { a: [], b: [], c: [] };
  for (const [name, s] of Object.entries({ a, b, c })) s.on("shout", (m) => got[name].push(m));

  assert.equal(await a.emitWithAck("join", "red"), true);
  assert.equal(await b.emitWithAck("join", "red"), true);

  // a shouts to room red: b hears it, a (the sender) and c (not in red) do not.
  const heard = once(b, "shout");
  await a.emitWithAck("shout", "red", { msg: "hi" });
  assert.deepEqual(await heard, [{ msg: "hi" }]);
  // A round trip on a and c: anything sent to them before would have arrived first.
  await a.emitWithAck("sum", 0, 0);
  await c.emitWithAck("sum", 0, 0);
  assert.deepEqual(got, { a: [], b: [{ msg: "hi" }], c: [] });

  // A broadcast to everyone reaches all three.
  const news = [a, b, c].map((s) => once(s, "news"));
  await c.emitWithAck("announce", "all hands");
  for (const n of await Promise.all(news)) assert.deepEqual(n, ["all hands"]);

  // Volatile events may be dropped but never reordered, and never hurt the connection.
  const ticks = [];
  a.on("tick", (i) => ticks.push(i));
  const done = once(a, "ticks-done");
  a.emit("volatile", 5);
  await done;
  assert.ok(ticks.length <= 5, `got ${ticks.length} ticks`);
  for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i] > ticks[i - 1], `ticks out of order: ${ticks}`);
  assert.equal(await a.emitWithAck("sum", 1, 1), 2);

  // Leaving the room stops the shouts.
  assert.equal(await b.emitWithAck("leave", "red"), true);
  await a.emitWithAck("shout", "red", { msg: "again" });
  await b.emitWithAck("sum", 0, 0);
  assert.deepEqual(got.b, [{ msg: "hi" }]);

  [a, b, c].forEach((s) => s.close());
});
