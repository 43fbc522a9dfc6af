package game

// The runtime's view of its neighbours, kept to what it uses so the runner stays independent of
// how sockets and the simulation are built; socket.go adapts the Socket.IO server.

// Peer is one player's connection.
type Peer interface {
	// Emit queues an event reliably; it never blocks on the network.
	Emit(event string, args ...any) error
	// EmitVolatile sends an event only if the connection can take it now; otherwise it drops it
	// and reports false (a snapshot after a dropped one must be a keyframe). It does not keep
	// args: the room hands every peer the same slice and reuses it.
	EmitVolatile(event string, args ...any) bool
	// Join and Leave add the connection to, or remove it from, a broadcast room.
	Join(room string)
	Leave(room string)
}

// Broadcaster sends one event to every connection in a room, encoding it once.
type Broadcaster interface {
	Broadcast(room, event string, args ...any)
}

// VolatileBroadcaster is a Broadcaster that can also send an event only to the connections of a
// room that can take it now, dropping it for the others (spectators.go): one encoding and no
// allocation per recipient.
type VolatileBroadcaster interface {
	BroadcastVolatile(room, event string, args ...any)
}
