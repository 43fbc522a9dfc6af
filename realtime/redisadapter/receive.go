package redisadapter

import (
	"runtime/debug"

	"github.com/redis/go-redis/v9"
)

// receiveLoop hands every message of the subscription to its namespace's adapter, in order.
// go-redis reconnects the subscription with back-off and subscribes again by itself.
func (n *Node) receiveLoop(messages <-chan *redis.Message) {
	defer n.wg.Done()
	for m := range messages {
		n.dispatch(m)
	}
}

func (n *Node) dispatch(m *redis.Message) {
	defer func() {
		// Nothing that arrives may stop the node: a message that trips a bug is counted
		// and logged, and the next one is read.
		if v := recover(); v != nil {
			n.stats.malformed.Add(1)
			n.log.Error("message handling panicked", "channel", m.Channel, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	key := m.Channel
	if m.Pattern != "" {
		key = m.Pattern
	}
	n.mu.RLock()
	a := n.channels[key]
	n.mu.RUnlock()
	if a == nil {
		n.stats.foreign.Add(1)
		return
	}
	payload := []byte(m.Payload)
	switch {
	case m.Pattern != "":
		a.onBroadcast(m.Channel, payload)
	case m.Channel == a.ch.request:
		a.onRequest(payload)
	default:
		a.onResponse(payload)
	}
}

// guard runs an application handler, logging instead of crashing when it panics.
func (n *Node) guard(fn func()) {
	defer func() {
		if v := recover(); v != nil {
			n.log.Error("server-side event handler panicked", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	fn()
}
