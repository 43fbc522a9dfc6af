// Package realtime is a Socket.IO v5 server (over Engine.IO v4) that the official
// socket.io-client v4 talks to unchanged. It knows nothing of the game.
//
// A Server is an http.Handler serving the transports and, at <path>socket.io.js, the browser
// client. Clients join namespaces ("/" and any made with Server.Of, Server.OfFunc or
// Server.OfRegexp); each join is a *Socket:
//
//	srv := realtime.NewServer(realtime.Options{})
//	srv.OnConnection(func(s *realtime.Socket) {
//		s.Emit("news", map[string]string{"hello": "world"})
//		s.On("join", func(ev *realtime.Event) {
//			var room string
//			if err := ev.Decode(0, &room); err != nil {
//				return
//			}
//			s.Join(room)
//			ev.Ack("ok")
//		})
//	})
//	http.Handle("/socket.io/", srv)
//
// # Arguments
//
// A handler receives an *Event: Name, the arguments as JSON (Len, Raw) decoded on demand with
// Decode(i, &v), and Ack(args...) when the client passed an acknowledgement callback. Sent
// values are marshalled with encoding/json, except that every []byte — an argument, a slice or
// map element, a struct field — travels as a binary attachment and arrives in JavaScript as an
// ArrayBuffer (Buffer in Node). Binary from the client decodes into []byte, also inside an
// any, which tells it from a string. Values gives the arguments in the form Emit sends on
// unchanged, binary included, for a relay: s.Emit(ev.Name, ev.Values()...). The Go client,
// tankarena/realtime/client, gives its handlers an *Event of the same shape.
//
// # Order and failures
//
// Each socket (one client in one namespace) runs its handlers on a goroutine of its own, one
// at a time, in arrival order; different sockets, even of the same connection, run in
// parallel. That goroutine ends when the socket disconnects, after the calls already queued
// and the disconnect hooks. The connection's reader only queues the calls, so a handler may
// wait in EmitWithAck for its own client; at most Options.EventQueueSize calls wait per
// socket, and a client that sends more while its handlers are busy is disconnected with
// ReasonEventQueueFull. Middlewares are the exception: they run on the reader, one CONNECT at
// a time; so do handlers added with OnInline, for frequent events whose handler never blocks,
// which therefore take no place in that queue. A handler that panics is recovered and logged with its stack. Sending never blocks on the network: packets are queued per
// connection (bounded; a client that cannot keep up is disconnected with "transport error"),
// and Volatile sends are dropped instead when the client cannot take them right away.
// A client that breaks the protocol is disconnected with "parse error"; other clients are not
// affected.
//
// # Rooms and broadcasts
//
// Each namespace has rooms, kept by an Adapter (in memory by default, pluggable through
// Options.NewAdapter; tankarena/realtime/redisadapter spreads them over several nodes). A socket is always in the room named by its id. Broadcasts select
// sockets with To/In/Except, Socket.Broadcast (all but the sender), Volatile and Timeout; the
// packet is encoded once and the same bytes go to every recipient.
package realtime
