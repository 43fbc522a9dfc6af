// Package arena runs Tank Arena matches on top of the game simulation and the Socket.IO server:
// one goroutine per arena steps the world at a fixed rate, applies the players' queued inputs and
// sends each connected player a snapshot at the snapshot rate: one delta and, when some player
// needs one, one keyframe are encoded per send, whatever the number of players. A Lobby places players into
// arenas with space, opens a new arena when all are full and stops arenas that empty.
//
// # Protocol
//
// The arena wire protocol runs on the default Socket.IO namespace. This comment is the one
// reference; web/js/protocol.js and web/js/net.js implement the browser side.
//
// Handshake query (optional): lag and jitter in milliseconds, loss 0..1, the lag simulator for
// this connection (LagProfile); lag and jitter are cut to Options.MaxClientLag (1 s), and the
// query is ignored when players may not choose (see ParseLagQuery). The simulator holds at most
// 512 messages for a connection; more are lost.
//
// Client → server
//
//	"join"    {"name": string, "token": string}            with ack → JoinAck (or {"error": string})
//	          JoinAck: {id, arena, token, map, config, tickRate, snapshotRate, seq}; seq is where the
//	          client continues numbering its inputs.
//	          name: trimmed, invisible characters stripped, cut to Options.MaxNameLength (16)
//	          characters (CleanName). Refusals: "arena: empty name" when nothing visible is left
//	          (combining marks, fillers and zero-width characters alone are no name); "server
//	          full: all N arenas are full, try again later" when every seat of Options.MaxArenas
//	          arenas is taken by a connected player; "too many players from your address: N at
//	          most" when Options.MaxSeatsPerAddress connected players share the client's address
//	          (an IPv6 /64); "too many joins, slow down" beyond Options.ConnJoinRate joins a second
//	          from the connection or Options.JoinRate from the address.
//	          token: the reconnect token from an earlier JoinAck ("" for a new player); within
//	          ReconnectWindow of a disconnect it gives back the same tank, score and arena. A seat
//	          held for a disconnected player may be given to a new player earlier, when the
//	          server or the address is full; its token then joins as a new player. A token whose
//	          seat another connection holds takes it over, and that connection gets "replaced".
//	          A connection holds one seat: a join (not refused for its rate) gives up the seat
//	          the connection held, unless it asks for that one with its token.
//	"input"   [seq, throttle, turn, aim, fire]             no ack, sent once per simulation tick
//	          seq: uint32 counting up per input; throttle, turn: -1..1; aim: turret angle in
//	          radians (world frame); fire: 0 or 1. Inputs are held state: the server applies one
//	          per tick and keeps the last one while none arrive. When more than 2 wait (a burst),
//	          the oldest are skipped so they do not add latency for good; a fire in a skipped
//	          input is carried into the applied one. Inputs are taken as they arrive, however many
//	          come at once (a connection flushing after a stall). Malformed inputs are ignored;
//	          more than Options.InputRate per second on average (default 2 per tick, bursts of
//	          16) are dropped (both counted in /metrics).
//	"resync"                                                no payload: the client got a delta whose base
//	          it does not hold; its next snapshot is a keyframe. Send once per gap.
//	"latency" value                                         with ack → the same value (ping measurement);
//	          one JSON value of at most 64 bytes (the browser sends a timestamp), else the ack is
//	          {"error": string}.
//	"leave"                                                 no payload: removes the tank at once
//
// Server → client
//
//	"snapshot" <binary>     the game's snapshot encoding (game/tanks/SNAPSHOT.md; web/js/snapshot.js
//	                        decodes it), volatile, at the snapshot rate to each player. It is a
//	                        delta against the previous snapshot sent to the arena when the
//	                        player's previous one was delivered, else a keyframe: to a new or
//	                        reconnected player, after a snapshot to it was dropped (the connection
//	                        could not take it, or the lag simulator lost it), after "resync", and
//	                        to everyone every 2 s. A client decodes each snapshot against the last
//	                        one it decoded; a delta that does not fit is skipped (and "resync"
//	                        sent) until the next keyframe. Each tank's seq is the last input seq
//	                        the server applied for it (for reconciliation).
//	"roster"   [{"id": int, "name": string, "bot": bool}, ...]   everyone in the arena (game.PlayerInfo),
//	                        sent to each (re)joining client, and to the room after the first
//	                        snapshot following a change (never before a snapshot: a queued
//	                        message would make the connection drop that volatile snapshot)
//	"replaced" {"message": string}                  another connection joined with this one's token
//	                        (a second tab) and plays the tank now; this connection's inputs are
//	                        ignored. The client shows the message and must not join again by
//	                        itself (the two would take the tank from each other in turn).
//	"shutdown" {"message": string}                  the server is stopping
//	"restart"  {"message": string}                  the arena's loop panicked and was restarted with
//	                        a fresh world: the client sends "join" with its token again and gets its
//	                        new tank id in the ack (if the arena could not restart, the token is
//	                        unknown and the join places the player in another arena)
package arena
