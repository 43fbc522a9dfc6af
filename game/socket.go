package game

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"tankarena/realtime"
)

// Serve lets every connection of the namespace play: it handles the protocol's events (see the
// package documentation) and broadcasts to the namespace's rooms. Call it once, before serving.
func (l *Lobby[In]) Serve(ns *realtime.Namespace) {
	l.opts.Out = roomBroadcaster{ns}
	ns.OnConnection(l.handle)
}

// maxLatencyValue bounds the value a "latency" request may carry: the browser sends a
// timestamp, and the answer, held by the lag simulator for up to seconds, must not let a client
// pin memory of its choosing.
const maxLatencyValue = 64

// handle wires one connection: at most one seat at a time, taken by "join" and freed by "leave"
// or, after the reconnect window, by a disconnect.
func (l *Lobby[In]) handle(s *realtime.Socket) {
	profile, limited := ParseLagQuery(s.Handshake().Query, l.opts.Lag, l.opts.MaxClientLag)
	if limited {
		l.opts.Metrics.clientLagLimited.Add(1)
	}
	c := &connection{
		peer: socketPeer{s},
		id:   s.ConnID(),
		addr: s.ClientIP(), // the engine's per-address key: an IPv6 client counts by its /64
		lag:  newLagLine(profile, l.opts.Metrics, realClock{}, rand.Uint64()),
	}
	var joining sync.Mutex // orders "join", "spectate" and "leave"
	var seat atomic.Pointer[Seat[In]]
	var watch atomic.Pointer[Spectator[In]] // a connection plays or watches, never both
	closed := false                         // the connection dropped: no watch may start; guarded by joining

	s.On("join", func(e *realtime.Event) {
		var req JoinRequest
		if err := e.Decode(0, &req); err != nil {
			l.opts.Metrics.refusedBadReq.Add(1)
			_ = e.Ack(JoinError{Error: "join needs {name, token}"})
			return
		}
		joining.Lock()
		defer joining.Unlock()
		if w := watch.Swap(nil); w != nil {
			l.unwatch(w) // from watching to playing
		}
		joined, ack, err := l.joinPlaced(c, req)
		if err != nil {
			if !errors.Is(err, ErrJoinRate) {
				seat.Store(nil) // the lobby gave up the connection's seat before refusing
			}
			_ = e.Ack(JoinError{Error: err.Error()})
			return
		}
		seat.Store(joined)
		_ = e.Ack(ack)
	})
	s.On("spectate", func(e *realtime.Event) {
		var req SpectateRequest
		if e.Len() > 0 && e.Decode(0, &req) != nil {
			_ = e.Ack(JoinError{Error: "spectate takes {kind?, room?}"})
			return
		}
		joining.Lock()
		defer joining.Unlock()
		if st := seat.Swap(nil); st != nil {
			l.leave(st, c.peer) // from playing to watching: the seat is given up at once
		}
		if w := watch.Swap(nil); w != nil {
			l.unwatch(w)
		}
		if closed {
			return
		}
		w, ack, err := l.spectate(c, req)
		if err != nil {
			_ = e.Ack(JoinError{Error: err.Error()})
			return
		}
		watch.Store(w)
		_ = e.Ack(ack)
	})
	// Inputs come at the tick rate, and in bursts after a network stall: they go into the
	// player's input buffer right on the connection's reader, never in the socket's event
	// queue, whose bound would disconnect a player for a burst of its own inputs.
	s.OnInline("input", func(e *realtime.Event) {
		if st := seat.Load(); st != nil {
			l.input(st, c, e.Raw(0), e.Raw(1))
		}
	})
	// The ping answer crosses the simulated network both ways, so the net graph shows the
	// latency the lag simulator adds. It carries the client's small value back, copied: the
	// timers hold 64 bytes at most, not the message they came in.
	s.On("latency", func(e *realtime.Event) {
		value := e.Raw(0)
		if e.Len() > 1 || len(value) > maxLatencyValue {
			l.opts.Metrics.latencyRefused.Add(1)
			_ = e.Ack(JoinError{Error: fmt.Sprintf("latency takes one value of at most %d bytes", maxLatencyValue)})
			return
		}
		value = bytes.Clone(value)
		c.lag.up.deliver(func() {
			// The answer carries the player's input buffer depth as it arrives (the net
			// graph's), -1 without a seat.
			depth := -1
			if st := seat.Load(); st != nil {
				depth = st.room.inputDepth(st.p)
			}
			c.lag.down.deliver(func() { _ = e.Ack(value, depth) })
		})
	})
	s.On("resync", func(*realtime.Event) {
		if st := seat.Load(); st != nil {
			l.resync(st, c)
		}
		if w := watch.Load(); w != nil {
			l.resyncWatch(w, c)
		}
	})
	s.On("leave", func(*realtime.Event) {
		joining.Lock()
		defer joining.Unlock()
		if st := seat.Swap(nil); st != nil {
			l.leave(st, c.peer)
		}
		if w := watch.Swap(nil); w != nil {
			l.unwatch(w)
		}
	})
	s.OnDisconnect(func(string) {
		c.lag.close() // what it still holds was for this connection alone
		joining.Lock()
		closed = true
		w := watch.Swap(nil)
		joining.Unlock()
		if w != nil {
			l.unwatch(w) // a spectator keeps nothing for a reconnect
		}
		if st := seat.Load(); st != nil {
			l.disconnected(st, c.peer)
		}
	})
}

// socketPeer is a Socket.IO connection as a room sees it.
type socketPeer struct{ s *realtime.Socket }

func (p socketPeer) Emit(event string, args ...any) error { return p.s.Emit(event, args...) }
func (p socketPeer) Join(room string)                     { p.s.Join(room) }
func (p socketPeer) Leave(room string)                    { p.s.Leave(room) }

// SendSnapshot prepares the frame's event on first use (realtime.PreparedEvent: encoded and
// framed once for every connection that gets the frame) and sends it volatile.
func (p socketPeer) SendSnapshot(f *Frame) bool {
	ev, _ := f.Encoded.(*realtime.PreparedEvent)
	if ev == nil {
		var err error
		if ev, err = p.s.Namespace().PrepareEvent("snapshot", f.Data); err != nil {
			return false // "snapshot" and a byte slice always encode
		}
		f.Encoded = ev
	}
	sent, _ := p.s.Volatile().TrySendPrepared(ev) // an error is a gone socket: not sent either
	return sent
}

// roomBroadcaster sends to a namespace's rooms; the realtime server encodes each event once.
// Rooms live on one node, and other nodes on the same Redis may run rooms of the same name:
// their broadcasts stay local.
type roomBroadcaster struct{ ns *realtime.Namespace }

func (b roomBroadcaster) Broadcast(room, event string, args ...any) {
	_ = b.ns.Local().To(room).Emit(event, args...)
}
