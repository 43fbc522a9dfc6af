package arena

import (
	"sync"

	"tankarena/realtime"
)

// Serve lets every connection of the namespace play: it handles the protocol's events (see the
// package documentation) and broadcasts to the namespace's rooms. Call it once, before serving.
func (l *Lobby) Serve(ns *realtime.Namespace) {
	l.opts.Out = roomBroadcaster{ns}
	ns.OnConnection(l.handle)
}

// handle wires one connection: at most one seat at a time, taken by "join" and freed by "leave"
// or, after the reconnect window, by a disconnect.
func (l *Lobby) handle(s *realtime.Socket) {
	peer := socketPeer{s}
	lag := ParseLagQuery(s.Handshake().Query, l.opts.Lag)
	var mu sync.Mutex
	var seat *Seat
	current := func() *Seat {
		mu.Lock()
		defer mu.Unlock()
		return seat
	}

	s.On("join", func(e *realtime.Event) {
		var req JoinRequest
		if err := e.Decode(0, &req); err != nil {
			l.opts.Metrics.refusedBadReq.Add(1)
			_ = e.Ack(JoinError{Error: "join needs {name, token}"})
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seat != nil && req.Token != seat.p.token {
			l.Leave(seat, peer) // joining afresh on the same connection: give up the old tank
			seat = nil
		}
		joined, ack, err := l.Join(peer, req, lag)
		if err != nil {
			_ = e.Ack(JoinError{Error: err.Error()})
			return
		}
		seat = joined
		_ = e.Ack(ack)
	})
	s.On("input", func(e *realtime.Event) {
		if st := current(); st != nil {
			l.Input(st, peer, e.Raw(0))
		}
	})
	// The ping answer crosses the simulated network both ways, so the net graph shows the
	// latency the lag simulator adds.
	s.On("latency", func(e *realtime.Event) {
		value := e.Raw(0)
		lag.Deliver(func() { lag.Deliver(func() { _ = e.Ack(value) }) })
	})
	s.On("resync", func(*realtime.Event) {
		if st := current(); st != nil {
			l.Resync(st, peer)
		}
	})
	s.On("leave", func(*realtime.Event) {
		mu.Lock()
		defer mu.Unlock()
		if seat != nil {
			l.Leave(seat, peer)
			seat = nil
		}
	})
	s.OnDisconnect(func(string) {
		if st := current(); st != nil {
			l.Disconnected(st, peer)
		}
	})
}

// socketPeer is a Socket.IO connection as the arena sees it.
type socketPeer struct{ s *realtime.Socket }

func (p socketPeer) Emit(event string, args ...any) error { return p.s.Emit(event, args...) }
func (p socketPeer) Join(room string)                     { p.s.Join(room) }
func (p socketPeer) Leave(room string)                    { p.s.Leave(room) }

func (p socketPeer) EmitVolatile(event string, args ...any) bool {
	sent, _ := p.s.Volatile().TryEmit(event, args...) // an error is a gone socket: not sent either
	return sent
}

// roomBroadcaster sends to a namespace's rooms; the realtime server encodes each event once.
type roomBroadcaster struct{ ns *realtime.Namespace }

func (b roomBroadcaster) Broadcast(room, event string, args ...any) {
	_ = b.ns.To(room).Emit(event, args...)
}
