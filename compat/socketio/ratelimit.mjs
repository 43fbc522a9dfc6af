// Run against a server that lets one address open one session every two seconds: the second
// client's handshake is refused with HTTP 429, which the official client reports as a
// connect_error and then retries on its own, getting through once the address may connect
// again.
import { client, connected, once, main, mode } from "./lib.mjs";
import assert from "node:assert/strict";

main(async () => {
  const first = client("", { forceNew: true });
  await connected(first);

  const second = client("", { forceNew: true });
  const err = await Promise.race([
    once(second, "connect_error").then(([e]) => e),
    once(second, "connect").then(() => {
      throw new Error("the second client connected without a refusal");
    }),
  ]);
  if (mode === "websocket") {
    assert.equal(err.message, "websocket error");
    assert.match(String(err.description?.message), /429/);
  } else {
    assert.equal(err.message, "xhr poll error");
    assert.equal(err.description, 429);
  }
  await once(second, "connect");
  assert.ok(second.connected && first.connected);
  first.close();
  second.close();
});
