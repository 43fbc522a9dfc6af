package realtime

import "tankarena/realtime/parser"

// Adapter keeps the rooms of one namespace and fans broadcasts out to their sockets. The
// default, NewMemoryAdapter, knows only this process; an adapter that also relays broadcasts to
// other nodes (and delivers theirs through Local.Deliver) plugs in with Options.NewAdapter,
// without any change to code that uses rooms and broadcasts.
//
// Every method may be called from many goroutines at once.
type Adapter interface {
	// AddAll puts a socket into rooms (a socket is always in the room named by its own id).
	AddAll(socketID string, rooms ...string)
	// Del takes a socket out of one room.
	Del(socketID, room string)
	// DelAll takes a socket out of every room; it is called when the socket disconnects.
	DelAll(socketID string)
	// SocketRooms lists the rooms a socket is in.
	SocketRooms(socketID string) []string
	// Sockets lists the ids of the local sockets in any of rooms minus those in any of except;
	// no rooms means every socket.
	Sockets(rooms, except []string) []string
	// Broadcast sends pkt to the sockets that opts select and returns how many local sockets it
	// was handed to. It must encode pkt once for all recipients.
	Broadcast(pkt *parser.Packet, opts BroadcastOptions) int
}

// BroadcastOptions selects the recipients of a broadcast and how it is sent.
type BroadcastOptions struct {
	Rooms    []string // recipients are in at least one of these; none means everyone
	Except   []string // recipients are in none of these (socket ids are rooms too)
	Volatile bool     // drop rather than queue for a socket that cannot take it right now
	Local    bool     // this node's sockets only: an adapter relaying to other nodes keeps it here
	// OnAck, when set, is called once for every recipient reached: with its answer, or with
	// nil when the recipient disconnected before answering. pkt then carries an ack id.
	OnAck func(*Args)
	// Expect and Done, set with OnAck, serve an adapter that also reaches sockets of other
	// nodes, whose number it learns only after Broadcast returned. Expect(d) adds d to the
	// recipients the sender waits for: such an adapter calls Expect(+1) before returning, for
	// the answers still to come from elsewhere, and later Expect(k-1) once it knows that k more
	// recipients were reached there. Done is closed when the sender stops waiting (all
	// answered, or its timeout), so the adapter can forget the broadcast.
	Expect func(delta int)
	Done   <-chan struct{}
}

// Local is this node's part of a namespace, as an Adapter sees it.
type Local interface {
	// Name is the namespace's name, e.g. "/" or "/admin".
	Name() string
	// Deliver writes an encoded packet to the local sockets with the given ids and returns how
	// many it reached. When opts.OnAck is set, ackID is the packet's id and each answer goes
	// to OnAck; a socket that can no longer take acks (it is leaving) is not reached.
	Deliver(socketIDs []string, enc parser.Encoded, ackID uint64, opts BroadcastOptions) int
	// Socket returns the local socket with this id, or nil: for an adapter that answers other
	// nodes' questions about sockets or acts on them for other nodes (join, leave, disconnect).
	Socket(id string) *Socket
}
