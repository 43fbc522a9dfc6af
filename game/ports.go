package game

// The runtime's view of its neighbours, kept to what it uses so the runner stays independent of
// how sockets and the simulation are built; socket.go adapts the Socket.IO server.

// Peer is one player's connection.
type Peer interface {
	// Emit queues an event reliably; it never blocks on the network.
	Emit(event string, args ...any) error
	// EmitVolatile sends an event only if the connection can take it now; otherwise it drops it
	// and reports false (the room then encodes the connection's next snapshot against one it took). It does not keep
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
