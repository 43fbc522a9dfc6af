// The lag simulator's settings, read from the page address (?lag=100&jitter=20&loss=0.05) and
// sent in the Socket.IO handshake query. The server delays this connection's messages
// accordingly (when it lets players choose), as TCP would: in order, jitter bunching them, a
// loss stalling them for a retransmission (game.LagProfile); a way to try a game on a bad
// network.

/** Returns {lag, jitter, loss} as strings, only those the address names; {} for none. */
export function lagQuery(search) {
  const params = new URLSearchParams(search);
  const query = {};
  for (const key of ['lag', 'jitter', 'loss']) if (params.has(key)) query[key] = params.get(key);
  return query;
}
