// Prints "connected", then the reason the client gets when the Go test closes the server.
import { client, connected, once, main } from "./lib.mjs";

main(async () => {
  const s = client("", { reconnection: false });
  await connected(s);
  const gone = once(s, "disconnect");
  console.log("connected");
  const [reason] = await gone;
  console.log(reason);
});
