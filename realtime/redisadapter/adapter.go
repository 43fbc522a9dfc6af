package redisadapter

import (
	"sync/atomic"

	"tankarena/realtime"
	"tankarena/realtime/parser"
)

// Adapter is one namespace's adapter on a Node: rooms are kept in memory (only this node's
// sockets are in them), and every broadcast is delivered here and published for the other
// nodes, which deliver it to theirs.
type Adapter struct {
	realtime.Adapter // the local rooms: AddAll, Del, DelAll, SocketRooms, Sockets

	node  *Node
	local realtime.Local
	ch    channels

	sse          serverSideHandlers
	remoteAckIDs atomic.Uint64 // see remoteAckBase
}

// Of returns the Redis adapter of a namespace, or nil when it runs on another adapter.
func Of(ns *realtime.Namespace) *Adapter {
	a, _ := ns.Adapter().(*Adapter)
	return a
}

// Broadcast implements realtime.Adapter: local delivery, plus the same broadcast for the
// other nodes (unless opts.Local). Publishing is queued, so Broadcast never waits for Redis.
func (a *Adapter) Broadcast(pkt *parser.Packet, opts realtime.BroadcastOptions) int {
	if opts.Local {
		return a.Adapter.Broadcast(pkt, opts)
	}
	if opts.OnAck != nil {
		return a.broadcastWithAck(pkt, opts)
	}
	o := remoteOpts{Rooms: opts.Rooms, Except: opts.Except, Volatile: opts.Volatile}
	channel := a.ch.broadcast
	if len(opts.Rooms) == 1 {
		channel = a.ch.roomChannel(opts.Rooms[0]) // the reference's hint for the receivers
	}
	a.node.enqueue(outgoing{channel: channel, pkt: pkt, nsp: a.local.Name(), opts: o})
	return a.Adapter.Broadcast(pkt, opts)
}

// onBroadcast delivers a broadcast of another node to this node's sockets.
func (a *Adapter) onBroadcast(channel string, payload []byte) {
	n := a.node
	if room := channel[len(a.ch.broadcast):]; len(room) > 1 {
		// "<room>#": the reference skips, before decoding, a room it has no socket in.
		if len(a.Adapter.Sockets([]string{room[:len(room)-1]}, nil)) == 0 {
			n.stats.foreign.Add(1)
			return
		}
	}
	msg, err := decodeBroadcast(payload, n.uid)
	switch {
	case err == errOwn:
		n.stats.own.Add(1)
		return
	case err == errNotEvent:
		n.stats.foreign.Add(1)
		return
	case err != nil:
		n.stats.malformed.Add(1)
		return
	case msg.nsp != a.local.Name():
		n.stats.foreign.Add(1)
		return
	}
	n.stats.received.Add(1)
	a.Adapter.Broadcast(msg.pkt, realtime.BroadcastOptions{
		Rooms: msg.opts.Rooms, Except: msg.opts.Except, Volatile: msg.opts.Volatile,
	})
}
