// Disconnect reasons on both sides, and reconnection after the server drops the transport.
import assert from "node:assert/strict";
import { client, connected, once, main, patience } from "./lib.mjs";

main(async () => {
  const observer = client("", { forceNew: true });
  await connected(observer);
  const reasonOf = (id) => observer.timeout(patience(10000)).emitWithAck("reason-of", id);

  // The server disconnects a socket: the client is told and does not reconnect.
  const kicked = client("", { forceNew: true });
  await connected(kicked);
  const kickedID = kicked.id;
  const kickReason = once(kicked, "disconnect");
  kicked.emit("kick-me");
  assert.deepEqual((await kickReason)[0], "io server disconnect");
  assert.equal(kicked.active, false, "a client kicked by the server must not reconnect");
  assert.equal(await reasonOf(kickedID), "server namespace disconnect");

  // The client leaves.
  const leaver = client("", { forceNew: true });
  await connected(leaver);
  const leaverID = leaver.id;
  leaver.disconnect();
  assert.equal(await reasonOf(leaverID), "client namespace disconnect");

  // The server drops the transport: the client reconnects by itself.
  const dropped = client("", { forceNew: true });
  await connected(dropped);
  const firstID = dropped.id;
  const gone = once(dropped, "disconnect");
  const back = once(dropped, "connect");
  dropped.emit("drop-me");
  const [clientReason] = await gone;
  assert.equal(clientReason, "transport close");
  await back;
  assert.notEqual(dropped.id, firstID, "a reconnected client gets a new socket");
  assert.equal(await reasonOf(firstID), "forced close");
  assert.equal(await dropped.emitWithAck("sum", 1, 2), 3);

  dropped.close();
  kicked.close();
  observer.close();
});
