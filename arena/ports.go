package arena

// The arena's view of its neighbours, kept to what it uses so the runner stays independent of
// how sockets and the simulation are built; socket.go and world.go adapt the real packages.

// Peer is one player's connection.
type Peer interface {
	// Emit queues an event reliably; it never blocks on the network.
	Emit(event string, args ...any) error
	// EmitVolatile sends an event only if the connection can take it now; otherwise it is dropped.
	EmitVolatile(event string, args ...any)
	// Join and Leave add the connection to, or remove it from, a broadcast room.
	Join(room string)
	Leave(room string)
}

// Broadcaster sends one event to every connection in a room, encoding it once.
type Broadcaster interface {
	Broadcast(room, event string, args ...any)
	BroadcastVolatile(room, event string, args ...any)
}

// World is one arena's simulation. Only the arena's goroutine calls it.
type World interface {
	// AddTank puts a new tank with this id into the world (it spawns at a free spawn point).
	AddTank(id int) error
	RemoveTank(id int)
	// SetInput sets the tank's held input for the following steps.
	SetInput(id int, in Input)
	// Step advances the world one tick.
	Step()
	// AppendSnapshot appends the binary snapshot of the current state to dst.
	AppendSnapshot(dst []byte) []byte
}
