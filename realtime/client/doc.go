// Package client is a Go Socket.IO v4 client: Socket.IO protocol v5 over
// Engine.IO v4, websocket transport only. It talks to the official Node
// server and to tankarena/realtime alike, for bots, tools and load tests.
//
// A Manager owns one websocket connection and multiplexes namespaces over
// it; each namespace is a Socket with its own handlers, emits and acks:
//
//	m, _ := client.NewManager("http://127.0.0.1:3000", client.Options{Reconnect: true})
//	s, _ := m.Socket("/", map[string]any{"token": "…"})
//	s.On("chat", func(ev *client.Event) { … ev.Decode(0, &msg); ev.Ack("ok") })
//	err := s.Connect(ctx)
//	reply, err := s.EmitWithAck(ctx, "ping", 1, []byte{2})
//
// Handlers have the shape of the server's (tankarena/realtime): an *Event with
// Name, the arguments (Len, Raw, Decode, Scan; binary decodes into []byte) and
// Ack when the server asked for an acknowledgement.
//
// Cost per connection is kept low for load generators: two goroutines (the
// reader, which also runs handlers, and a writer draining a bounded queue),
// no timers for the heartbeat (a read deadline of pingInterval+pingTimeout
// detects a silent server), write buffers shared between idle connections,
// and arguments left as raw JSON until a handler decodes them. A receiver of
// many small events can go further with Socket.OnRaw: its handler gets the
// event's payload bytes straight from a read buffer reused for every message,
// with no decoding, validation or allocation per message. Sending never
// blocks: a full queue is reported as ErrSendQueueFull.
//
// Packets are encoded and decoded by tankarena/realtime/parser, the server's
// own codec; server input that breaks the protocol closes the connection with
// reason "parse error" and never panics.
package client
