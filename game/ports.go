package game

// The runtime's view of its neighbours, kept to what it uses so the runner stays independent of
// how sockets and the simulation are built; socket.go adapts the Socket.IO server.

// Peer is one player's connection.
type Peer interface {
	// Emit queues an event reliably; it never blocks on the network.
	Emit(event string, args ...any) error
	// SendSnapshot sends a snapshot frame (the "snapshot" event) only if the connection can
	// take it now; otherwise it drops it and reports false (the room then encodes the
	// connection's next snapshot against one it took). The room hands the same Frame to every
	// peer whose base it has, on the tick's goroutine.
	SendSnapshot(f *Frame) bool
	// Join and Leave add the connection to, or remove it from, a broadcast room.
	Join(room string)
	Leave(room string)
}

// Broadcaster sends one event to every connection in a room, encoding it once.
type Broadcaster interface {
	Broadcast(room, event string, args ...any)
}

// Frame is one send's snapshot frame against one base (snapframe.go), sent to every connection
// holding that base. Data is never written again.
type Frame struct {
	Data []byte
	// Encoded is the transport's encoding of the "snapshot" event carrying Data, made by the
	// first peer that sends the frame and reused by the others, so a frame is encoded and
	// framed once however many connections get it. Only the tick's goroutine touches it.
	Encoded any
}
