package realtime

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// BroadcastOperator selects sockets of a namespace and sends to all of them, encoding the
// packet once. It is a value: every method returns a changed copy, so operators can be kept
// and reused, e.g. lobby := ns.To("lobby").
type BroadcastOperator struct {
	ns       *Namespace
	rooms    []string
	except   []string
	volatile bool
	local    bool
	timeout  time.Duration
}

// To adds rooms: the broadcast reaches sockets in any of the selected rooms.
func (b BroadcastOperator) To(rooms ...string) BroadcastOperator {
	b.rooms = append(slices.Clip(b.rooms), rooms...)
	return b
}

// In is the same as To.
func (b BroadcastOperator) In(rooms ...string) BroadcastOperator { return b.To(rooms...) }

// Except leaves out the sockets in any of rooms (a socket id is a room).
func (b BroadcastOperator) Except(rooms ...string) BroadcastOperator {
	b.except = append(slices.Clip(b.except), rooms...)
	return b
}

// Volatile drops the packet for sockets that cannot take it right now instead of queueing it:
// for state that the next update replaces anyway.
func (b BroadcastOperator) Volatile() BroadcastOperator { b.volatile = true; return b }

// Local keeps the broadcast on this node: an adapter that relays broadcasts to other nodes
// (realtime/redisadapter) delivers it to the local sockets only, as the reference's local
// flag does. For state that is this node's own, such as a game room that exists only here.
func (b BroadcastOperator) Local() BroadcastOperator { b.local = true; return b }

// Timeout bounds how long EmitWithAck waits for the answers.
func (b BroadcastOperator) Timeout(d time.Duration) BroadcastOperator { b.timeout = d; return b }

func (b BroadcastOperator) options() BroadcastOptions {
	return BroadcastOptions{Rooms: b.rooms, Except: b.except, Volatile: b.volatile, Local: b.local}
}

// Emit sends an event to the selected sockets. []byte values in args travel as binary.
func (b BroadcastOperator) Emit(event string, args ...any) error {
	pkt, err := eventPacket(b.ns.name, event, args)
	if err != nil {
		return err
	}
	for _, target := range b.ns.targets() {
		p := *pkt
		p.Namespace = target.name
		target.adapter.Broadcast(&p, b.options())
	}
	return nil
}

// EmitWithAck sends an event asking every selected socket for an acknowledgement and returns
// the answers once every recipient is done: it answered, or it disconnected without answering
// (then it has no entry in the answers, and causes no error). So it returns even without a
// timeout when recipients leave, where the reference waits for its timeout. A socket that had
// already disconnected when the event went out is not a recipient. When the timeout or ctx
// ends first it returns the answers so far with an error wrapping context.DeadlineExceeded
// (or ctx's error).
func (b BroadcastOperator) EmitWithAck(ctx context.Context, event string, args ...any) ([]*Args, error) {
	pkt, err := eventPacket(b.ns.name, event, args)
	if err != nil {
		return nil, err
	}
	if b.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.timeout)
		defer cancel()
	}
	waiting, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting() // closes opts.Done for adapters that wait for other nodes
	var (
		mu       sync.Mutex
		answers  []*Args
		done     int // recipients that answered or disconnected
		expected int // recipients reached, and answers an adapter still waits for elsewhere
		arrived  = make(chan struct{}, 1)
	)
	wake := func() {
		select {
		case arrived <- struct{}{}:
		default:
		}
	}
	opts := b.options()
	opts.OnAck = func(a *Args) {
		mu.Lock()
		done++
		if a != nil {
			answers = append(answers, a)
		}
		mu.Unlock()
		wake()
	}
	opts.Expect = func(delta int) {
		mu.Lock()
		expected += delta
		mu.Unlock()
		wake()
	}
	opts.Done = waiting.Done()
	type sent struct {
		ns *Namespace
		id uint64
	}
	var pending []sent
	for _, target := range b.ns.targets() {
		p := *pkt
		p.Namespace, p.ID, p.HasID = target.name, target.nextAckID(), true
		opts.Expect(target.adapter.Broadcast(&p, opts))
		pending = append(pending, sent{target, p.ID})
	}
	for {
		mu.Lock()
		got, settled, want := slices.Clone(answers), done, expected
		mu.Unlock()
		if settled >= want {
			return got, nil
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			for _, p := range pending {
				p.ns.forgetAck(p.id)
			}
			return got, fmt.Errorf("realtime: %d of %d acks for %q: %w", len(got), want, event, ctx.Err())
		}
	}
}

// Sockets lists the selected sockets connected to this node.
func (b BroadcastOperator) Sockets() []*Socket {
	var list []*Socket
	for _, target := range b.ns.targets() {
		for _, id := range target.adapter.Sockets(b.rooms, b.except) {
			if s := target.Socket(id); s != nil {
				list = append(list, s)
			}
		}
	}
	return list
}

// SocketsJoin puts the selected sockets into rooms.
func (b BroadcastOperator) SocketsJoin(rooms ...string) {
	for _, s := range b.Sockets() {
		s.Join(rooms...)
	}
}

// SocketsLeave takes the selected sockets out of room.
func (b BroadcastOperator) SocketsLeave(room string) {
	for _, s := range b.Sockets() {
		s.Leave(room)
	}
}

// DisconnectSockets disconnects the selected sockets; see Socket.Disconnect.
func (b BroadcastOperator) DisconnectSockets(close bool) {
	for _, s := range b.Sockets() {
		s.Disconnect(close)
	}
}
