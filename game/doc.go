// Package game is the room runtime every game on this server runs on: a game supplies a
// Simulation (add and remove players, apply an input, step one tick, encode a snapshot) and an
// input parser, and the runtime does the rest. One goroutine per room steps the simulation at a
// fixed rate (an accumulator with a catch-up cap), applies the players' buffered inputs and sends
// each connected player a snapshot at the snapshot rate: one delta and, when some player needs
// one, one keyframe are encoded per send, whatever the number of players. A panic in a tick is
// recovered and the room restarted with its seats. A Lobby places players into rooms with
// space, opens a new room when all are full and stops rooms that empty; it keeps each seat for
// its reconnect token through a reconnect window, and enforces the limits on names, joins,
// seats per address and input rates for every game alike. The per-player network simulator
// (LagProfile) and the metrics (Metrics) come with it.
//
// The tank game is one game on it (game/tanks); examples/pirates is a second, in one folder.
//
// # Protocol
//
// The wire protocol runs on the default Socket.IO namespace. This comment is the one reference
// for what every game shares; web/kit implements the browser side. A game defines two payloads
// of its own: its "input" (parsed by Options.ParseInput) and its "snapshot" encoding
// (Simulation.AppendSnapshot); the tank game documents both in game/tanks.
//
// Handshake query (optional): lag and jitter in milliseconds, loss 0..1, the lag simulator for
// this connection (LagProfile); lag and jitter are cut to Options.MaxClientLag (1 s), and the
// query is ignored when players may not choose (see ParseLagQuery). The simulator behaves as
// TCP does under a websocket: each direction (down: snapshots, roster, ping answers; up:
// inputs, resyncs, pings) keeps its order; a message takes lag ± jitter but never arrives
// before the one sent before it; a lost message is retransmitted after 2×lag + max(200 ms,
// 8×jitter/3) (LagProfile.RetransmissionTimeout) and holds every later one of its direction
// until it arrives, so loss delays messages and never drops them. The simulator holds at most
// 512 messages for a connection; more are dropped (counted).
//
// Client → server
//
//	"join"    {"name": string, "token": string}            with ack → JoinAck (or {"error": string})
//	          JoinAck: {id, room, token, name, tickRate, snapshotRate, seq, game}; id is the
//	          player's id in the simulation, room the room's UUID, name the player's name in the
//	          room, seq where the client continues numbering
//	          its inputs, game the game's own welcome (Simulation.Welcome; the tanks' map and
//	          rules).
//	          name: trimmed, invisible characters stripped, cut to Options.MaxNameLength (16)
//	          characters (CleanName), and numbered when another player of the room has it
//	          (ignoring case): "Bob (2)", "Bob (3)", cut to fit the limit. Refusals: "empty name" when nothing visible is left
//	          (combining marks, fillers and zero-width characters alone are no name); "server
//	          full: all N rooms are full, try again later" (the game's RoomName for "room") when
//	          every seat of Options.MaxRooms rooms is taken by a connected player; "too many
//	          players from your address: N at most" when Options.MaxSeatsPerAddress connected
//	          players share the client's address (an IPv6 /64); "too many joins, slow down"
//	          beyond Options.ConnJoinRate joins a second from the connection or Options.JoinRate
//	          from the address; "server busy, try again in a moment (why)" for a new player
//	          while the node's measured load is near what it can serve (capacity.go; a
//	          token's own seat is given back all the same).
//	          token: the reconnect token (a UUID) from an earlier JoinAck ("" for a new player);
//	          within ReconnectWindow of a disconnect it gives back the same place, name, score
//	          and room (meanwhile the player acts Input.Idle, and a simulation that implements
//	          Presence is told it is gone). A seat held for a disconnected player may be given to a new player earlier,
//	          when the server or the address is full; its token then joins as a new player. A
//	          token whose seat another connection holds takes it over, and that connection gets
//	          "replaced". A connection holds one seat: a join (not refused for its rate) gives up
//	          the seat the connection held, unless it asks for that one with its token.
//	          kind (optional): the kind of room (Options.Kinds). seat (optional): a seat
//	          reservation from another node's JoinRedirect. room (optional): a room id (from
//	          the directory, GET /rooms): the player is seated in that room, or in a cluster
//	          sent to the node running it; "that room is full: all its N seats are taken, watch
//	          it or pick another" when it has no free seat; a room no longer running is no
//	          refusal (the player is placed as without it).
//	          In a cluster (Lobby.UseDirectory, directory.go) the ack may instead be a
//	          JoinRedirect {"redirect": {"url", "seat", "room"}}: the player was placed in a
//	          room of the node at url; the client connects there and joins with {name, token,
//	          seat}, which that node honours once within ReservationTTL (10 s) in the room
//	          the reservation names, without placing the player again (placement.go); when
//	          that room filled up meanwhile (other nodes place players from views a second
//	          old) or the node turned busy, the player is placed afresh. A JoinAck then names the node holding the seat
//	          ("node": its public URL), where its token works.
//	"spectate" {"kind"?: string, "room"?: string}          with ack → {room, kind, tickRate, snapshotRate, game}
//	          (or {"error": string}): watch a room instead of playing (spectators.go). The
//	          connection gets the room's "snapshot" frames and "roster" as its players do, and
//	          holds no seat: it does not count against Options.MaxPlayers, sends no inputs (an
//	          "input" from it is ignored) and does not acknowledge snapshots (its deltas are
//	          against the last snapshot its connection took, from a keyframe on, encoded once
//	          for every player and spectator sharing that base; "resync" asks for a keyframe).
//	          It watches the busiest room (the
//	          most seats) of the kind ("": any) with space, or the room named; it never opens one.
//	          A seat the connection held is given up first; a later "join" ends the watch, as do
//	          "leave" and a disconnect (nothing is kept for a reconnect). Refusals: "nothing to
//	          watch yet: no room is running, press Play to start one" (for a kind or a room
//	          asked for: "…: no such room is running"); "no room for more
//	          spectators: every room has its N spectators, try again later"
//	          (Options.MaxSpectators per room, default 32) or "…: spectating is off on this
//	          server"; "too many joins, slow down" (the join rates count spectates too). A
//	          spectator is admitted while the node measures itself busy: the spectators of a
//	          room cost it one broadcast a snapshot, and no encoding of their own.
//	"input"   payload[, acked]                             no ack, sent once per simulation tick
//	          payload is the game's; acked (optional) the newest snapshot number the client
//	          decoded, the base the server encodes its next delta against: a number sent to
//	          this client among the last 64, else it is ignored and counted (the client keeps
//	          the base it had). A client that never sends one is taken to hold every snapshot
//	          its connection took.
//	          Each input carries a seq, a uint32 counting up per input (Input.Sequence). Inputs
//	          are held state. Each player's inputs wait in an input buffer, taken as they arrive
//	          however many come at once, and each tick applies exactly one, in the order they
//	          arrived: every input is applied for one tick, none is skipped to catch up, so a
//	          client predicting its own moves is not corrected. When the buffer is empty (a
//	          starved tick, counted) a game that paces its players (Pacer; the tanks) holds the
//	          player still for that tick, so its next input is applied a tick later on the state
//	          the client predicted it from; any other game keeps the player's last input in
//	          force. Either way every later input is delayed by a tick: the buffer's depth, the
//	          ticks an input waits, grows with the arrival jitter by itself. The buffer estimates that jitter per player (how far its
//	          depth moves within a second, the second largest of the last four seconds) and sets
//	          a target depth that covers it: 1 on a steady link, 2 when the client's and server's
//	          clocks slip a tick, up to 8 on a jittery link. Only when the depth stays more than
//	          one above the target for half a second (a burst after a stall, or a link that
//	          calmed down) does it give the latency back: one input a tick beyond the one applied,
//	          until the depth is one above the target. A paced game applies that input as an
//	          extra step of the player's movement in the tick (caught up, nothing lost); for any
//	          other it is merged into the next so what must survive of it (a shot) is kept
//	          (Input.Absorb), and counted dropped (burst). The buffer holds 48 inputs;
//	          one arriving at a full buffer merges the oldest away the same way. Malformed inputs
//	          are ignored; more than Options.InputRate per second on average (default 2 per
//	          tick, bursts of 32) are dropped. All of it is counted in /metrics: inputs dropped
//	          by reason (rate, burst for the shed ones of a game that is not paced, queue_full,
//	          malformed), inputs caught up, starved ticks, and the depth of each player's buffer
//	          at each tick.
//	"resync"                                                no payload: the client got a delta whose base
//	          it does not hold; its next snapshot is a keyframe. Send once per gap.
//	"latency" value                                         with ack → the same value and the player's input
//	          buffer depth (inputs waiting for a tick; -1 without a seat): ping measurement;
//	          one JSON value of at most 64 bytes (the browser sends a timestamp), else the ack is
//	          {"error": string}.
//	"leave"                                                 no payload: removes the player at once
//
// Server → client
//
//	"snapshot" <binary>     a frame (snapframe.go, ParseSnapshotFrame): the snapshot's number
//	                        (uvarint, counting up from 1), how many snapshots back its base is
//	                        (uvarint, 0 for a keyframe), then the game's encoding
//	                        (Simulation.AppendSnapshot). Volatile, at the snapshot rate to each
//	                        player: a delta against the newest snapshot the player acknowledged
//	                        (or, without acknowledgements, the last its connection took), so a
//	                        snapshot dropped for a slow connection or lost on the way costs
//	                        only itself; a keyframe to a new or reconnected player, after
//	                        "resync", when its base is older than the simulation keeps, and to
//	                        everyone every 2 s. Each distinct base is encoded once per send. A
//	                        client keeps the snapshots it decoded by number and decodes a delta
//	                        against its base; one whose base it lacks is skipped (and "resync"
//	                        sent) until the next keyframe. Through the lag simulator, which
//	                        stalls but never loses, a snapshot is sent reliably when it arrives.
//	"roster"   the game's list of who is in the room (Simulation.Roster), sent to each
//	                        (re)joining client, and to the room after the first snapshot
//	                        following a change (never before a snapshot: a queued message would
//	                        make the connection drop that volatile snapshot)
//	"replaced" {"message": string}                  another connection joined with this one's token
//	                        (a second tab) and plays the seat now; this connection's inputs are
//	                        ignored. The client shows the message and must not join again by
//	                        itself (the two would take the seat from each other in turn).
//	"unwatched" {"message": string}                 the room a spectator watched closed (its last
//	                        player left, or it could not restart after a panic) or restarted
//	                        with a fresh simulation; the watch has ended, and the client may send
//	                        "spectate" again
//	"shutdown" {"message": string}                  the server is stopping
//	"restart"  {"message": string}                  the room's loop panicked and was restarted with
//	                        a fresh simulation: the client sends "join" with its token again and
//	                        gets its new id in the ack (if the room could not restart, the token
//	                        is unknown and the join places the player in another room)
//
// # Replays
//
// With Settings.Replays set, every room records what it sends into replay files, one per
// round of a simulation that implements Rounds (in bounded parts otherwise): the header, the
// welcome, each roster and each snapshot frame above, with its tick (replayformat.go; the
// layout in game/tanks/REPLAY.md). The tick hands them to one writer goroutine over a bounded
// queue and never waits for it (replayrecorder.go); ReplayStore is the folder, kept within
// its size and file count, that game/host serves at /replays.
package game
