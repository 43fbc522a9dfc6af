package redisadapter

import "sync/atomic"

// Stats count what crossed Redis and what did not. Every message that arrives is exactly one of
// Received, Own, Malformed or Foreign.
type Stats struct {
	Published   uint64 // messages handed to Redis
	Dropped     uint64 // broadcasts and answers not sent because the publish queue was full
	Failed      uint64 // messages Redis did not take (it was away)
	Unencodable uint64 // broadcasts whose arguments MessagePack cannot carry
	Received    uint64 // messages from other nodes acted on
	Own         uint64 // this node's own messages, heard back and skipped
	Malformed   uint64 // messages that did not decode, ignored
	Foreign     uint64 // well-formed messages that are not for this node (another namespace, an unknown request), ignored
}

// Lost is the number of messages that should have crossed and did not.
func (s Stats) Lost() uint64 { return s.Dropped + s.Failed + s.Unencodable }

type counters struct {
	published, dropped, failed, unencodable atomic.Uint64
	received, own, malformed, foreign       atomic.Uint64
	failing                                 atomic.Bool // the last publish failed: log once per outage
}

// Stats returns the node's counters.
func (n *Node) Stats() Stats {
	c := &n.stats
	return Stats{
		Published: c.published.Load(), Dropped: c.dropped.Load(), Failed: c.failed.Load(),
		Unencodable: c.unencodable.Load(), Received: c.received.Load(), Own: c.own.Load(),
		Malformed: c.malformed.Load(), Foreign: c.foreign.Load(),
	}
}
