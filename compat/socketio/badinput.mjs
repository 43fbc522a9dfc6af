// Protocol violations sent over a raw Engine.IO connection: the culprit is disconnected or the
// packet ignored, and a well-behaved client on another connection never notices.
import assert from "node:assert/strict";
import { Socket } from "engine.io-client";
import { url, client, connected, transportOptions, once, main } from "./lib.mjs";

// raw opens an Engine.IO connection and joins the main namespace by hand.
async function raw() {
  const e = new Socket(url, { path: "/socket.io/", ...transportOptions() });
  const messages = [];
  e.on("message", (m) => messages.push(m));
  await once(e, "open");
  e.send("0");
  await until(() => messages.length > 0);
  assert.match(messages.shift(), /^0\{"sid":"[\w-]{20}"\}$/);
  return { e, messages };
}

function until(cond) {
  return new Promise((resolve) => {
    const check = () => (cond() ? resolve() : setTimeout(check, 5));
    check();
  });
}

main(async () => {
  const bystander = client("", { forceNew: true });
  await connected(bystander);
  const bystanderDisconnects = [];
  bystander.on("disconnect", (r) => bystanderDisconnects.push(r));

  // Each of these closes the offending connection.
  const fatal = [
    ["9"],
    ['2["x"'],
    ['2{"not":"an array"}'],
    ["2[1]"],
    ['2[{"an":"object"}]'],
    ['2["connect"]'],
    ['2admin,["x"]'],
    ['51-["x",{"_placeholder":true,"num":4}]', new Uint8Array([1])],
    ['5x-["x"]'],
    [new Uint8Array([1, 2])],
    ['52-["x",{"_placeholder":true,"num":0}]', new Uint8Array([1]), '2["text too early"]'],
  ];
  for (const messages of fatal) {
    const { e } = await raw();
    const closed = once(e, "close");
    for (const m of messages) e.send(m);
    await closed;
    assert.equal(await bystander.emitWithAck("sum", 1, 2), 3, `bystander after ${messages[0]}`);
  }

  // These are ignored: the connection stays usable.
  const { e, messages } = await raw();
  let closed = false;
  e.on("close", () => (closed = true));
  e.send("3999[]"); // ack with an unknown id
  e.send('2/custom,["whoami"]'); // event for a namespace not joined
  e.send('2/nope,["x"]'); // event for a namespace that does not exist
  e.send("1/custom,"); // leaving a namespace not joined
  e.send('2["no handler for this"]');
  e.send('21["sum",1,2]');
  await until(() => messages.some((m) => m.startsWith("3")) || closed);
  assert.equal(closed, false);
  assert.equal(messages.find((m) => m.startsWith("3")), "31[3]");
  e.close();

  assert.equal(await bystander.emitWithAck("sum", 2, 2), 4);
  assert.deepEqual(bystanderDisconnects, []);
  bystander.close();
});
