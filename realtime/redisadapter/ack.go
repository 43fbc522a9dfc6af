package redisadapter

import (
	"context"
	"sync"
	"time"

	"tankarena/realtime"
	"tankarena/realtime/parser"
)

// A broadcast with acknowledgements goes out as a request (type 7) that every other node answers
// with its number of recipients (type 8) and then with each recipient's answer (type 9).

// ackCall is this node's broadcast with acks waiting for the other nodes. The sender learns
// the recipients elsewhere through BroadcastOptions.Expect; it holds one expected answer until
// it knows how many nodes there are and each of them told its number of recipients, so that it
// never thinks itself done early. Answers that come before then wait here.
type ackCall struct {
	mu           sync.Mutex
	onAck        func(*realtime.Args)
	expect       func(int)
	serversKnown bool
	servers      int // the other nodes, once known
	counted      int // nodes that told their number of recipients
	early        int // recipients told of before the number of nodes was known
	held         []*realtime.Args
	gaveUp       bool // some nodes never told their count; late counts are ignored
}

// broadcastWithAck delivers locally, then asks the other nodes to deliver too.
func (a *Adapter) broadcastWithAck(pkt *parser.Packet, opts realtime.BroadcastOptions) int {
	local := a.Adapter.Broadcast(pkt, opts)
	if opts.Expect == nil || opts.Done == nil {
		return local // a sender that cannot wait for other nodes gets this node's answers
	}
	n := a.node
	id := newID(9)
	call := &ackCall{onAck: opts.OnAck, expect: opts.Expect}
	opts.Expect(1) // held until the other nodes are counted
	n.calls.mu.Lock()
	if n.calls.acks == nil {
		n.calls.acks = make(map[string]*ackCall)
	}
	n.calls.acks[id] = call
	n.calls.mu.Unlock()
	tree, err := packetTree(pkt, a.local.Name())
	var payload []byte
	if err == nil {
		o := remoteOpts{Rooms: opts.Rooms, Except: opts.Except, Volatile: opts.Volatile}
		payload, err = encodeObject(map[string]any{
			"uid": n.uid, "requestId": id, "type": reqBroadcast, "packet": tree, "opts": o.tree(),
		})
	}
	if err != nil {
		n.stats.unencodable.Add(1)
		call.setServers(0)
		return local
	}
	n.enqueue(outgoing{channel: a.ch.request, payload: payload})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), n.opts.RequestTimeout)
		servers, err := n.ServerCount(ctx, a.local.Name())
		cancel()
		if err != nil {
			servers = 1 // Redis is away: the request did not cross either
		}
		call.setServers(servers - 1)
		// Every node tells its count as soon as it delivered; one that has not within the
		// request timeout (it died, or lost Redis) is taken to have no recipients, so a
		// sender without a timeout of its own is not kept waiting for ever.
		select {
		case <-opts.Done:
		case <-time.After(n.opts.RequestTimeout):
			call.giveUp()
			<-opts.Done
		}
		n.calls.mu.Lock()
		delete(n.calls.acks, id)
		n.calls.mu.Unlock()
	}()
	return local
}

// setServers records how many other nodes there are and releases the held expectation.
func (c *ackCall) setServers(others int) {
	c.mu.Lock()
	c.serversKnown, c.servers = true, others
	// One expected answer per node still to count, plus those counted early, less the hold.
	delta := others - c.counted + c.early - 1
	held := c.release()
	c.mu.Unlock()
	c.expect(delta)
	for _, args := range held {
		c.onAck(args)
	}
}

// giveUp stops waiting for the nodes that have not told their count.
func (c *ackCall) giveUp() {
	c.mu.Lock()
	missing := c.servers - c.counted
	if missing <= 0 {
		c.mu.Unlock()
		return
	}
	c.gaveUp, c.counted = true, c.servers
	held := c.release()
	c.mu.Unlock()
	c.expect(-missing)
	for _, args := range held {
		c.onAck(args)
	}
}

// release returns the held answers once every node has told its count; c.mu is held.
func (c *ackCall) release() []*realtime.Args {
	if !c.serversKnown || c.counted < c.servers {
		return nil
	}
	held := c.held
	c.held = nil
	return held
}

// onResponse takes a count (type 8) or an answer (type 9) from another node.
func (c *ackCall) onResponse(m map[string]any) bool {
	typ, _ := intOf(m["type"])
	switch typ {
	case resClientCount:
		count, ok := intOf(m["clientCount"])
		if !ok || count < 0 {
			return false
		}
		c.mu.Lock()
		if c.gaveUp {
			c.mu.Unlock()
			return true
		}
		c.counted++
		delta, tell := 0, false
		if c.serversKnown {
			delta, tell = int(count)-1, true // the node's recipients replace its expected count
		} else {
			c.early += int(count)
		}
		held := c.release()
		c.mu.Unlock()
		if tell {
			c.expect(delta)
		}
		for _, args := range held {
			c.onAck(args)
		}
		return true
	case resBroadcastAck:
		args, err := realtime.ArgsOf(m["packet"])
		if err != nil {
			return false
		}
		c.mu.Lock()
		if !c.serversKnown || c.counted < c.servers {
			c.held = append(c.held, args)
			c.mu.Unlock()
			return true
		}
		c.mu.Unlock()
		c.onAck(args)
		return true
	}
	return false
}

// remoteAckBase starts the ack ids of other nodes' broadcasts, far above those the namespace
// numbers its own from 0, and below 2^53, so JavaScript clients keep them exact.
const remoteAckBase = 1 << 40

// onBroadcastWithAck delivers another node's broadcast with acks to this node's sockets and
// answers with their number, then with each answer as it comes.
func (a *Adapter) onBroadcastWithAck(id string, m map[string]any) bool {
	pkt, nsp, err := packetFrom(m["packet"])
	if err != nil || id == "" {
		return false
	}
	// The reference sends the packet before giving it an ack id, and each node numbers it
	// itself: ours come from a range of their own, apart from the namespace's local ones.
	pkt.ID, pkt.HasID = a.remoteAckIDs.Add(1)+remoteAckBase, true
	if nsp != a.local.Name() {
		return true // another namespace's, nothing to answer
	}
	opts, err := optsFrom(m["opts"])
	if err != nil {
		return false
	}
	n := a.node
	count := a.Adapter.Broadcast(pkt, realtime.BroadcastOptions{
		Rooms: opts.Rooms, Except: opts.Except, Volatile: opts.Volatile,
		OnAck: func(args *realtime.Args) {
			if args == nil {
				return // disconnected: the reference sends nothing either
			}
			var first any
			if args.Len() > 0 {
				if err := args.Decode(0, &first); err != nil {
					return
				}
			}
			payload, err := encodeObject(map[string]any{"type": resBroadcastAck, "requestId": id, "packet": first})
			if err != nil {
				n.stats.unencodable.Add(1)
				return
			}
			n.enqueue(outgoing{channel: a.ch.response, payload: payload})
		},
	})
	a.respond(map[string]any{"type": resClientCount, "requestId": id, "clientCount": count})
	return true
}
