package redisadapter

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"tankarena/realtime/parser"
)

// outgoing is one message waiting for the publisher: either ready bytes, or a broadcast that
// the publisher encodes itself, off the broadcasting goroutine (a game loop must not pay for
// the MessagePack encoding).
type outgoing struct {
	channel string
	payload []byte

	pkt  *parser.Packet // set for a broadcast: encoded as [uid, packet, opts]
	nsp  string
	opts remoteOpts
}

// maxBatch bounds the messages sent in one pipeline.
const maxBatch = 256

// enqueue hands a message to the publisher; a full queue drops it (counted), it never blocks.
func (n *Node) enqueue(m outgoing) {
	select {
	case n.out <- m:
	default:
		n.stats.dropped.Add(1)
	}
}

// publishLoop sends the queued messages in order, in pipelines of everything waiting. While
// Redis is away each attempt fails after go-redis's retries and back-off, so the queue fills
// and enqueue drops the excess.
func (n *Node) publishLoop() {
	defer n.wg.Done()
	batch := make([]outgoing, 0, maxBatch)
	for {
		select {
		case <-n.stop:
			return
		case m := <-n.out:
			batch = append(batch[:0], m)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case m := <-n.out:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		n.publish(batch)
		clear(batch) // let the packets go
	}
}

func (n *Node) publish(batch []outgoing) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sent := 0
	_, err := n.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range batch {
			payload := m.payload
			if m.pkt != nil {
				tree, err := packetTree(m.pkt, m.nsp)
				if err == nil {
					payload, err = encodeBroadcast(n.uid, tree, m.opts)
				}
				if err != nil {
					n.stats.unencodable.Add(1)
					n.log.Warn("broadcast not relayed: cannot encode it", "err", err)
					continue
				}
			}
			p.Publish(ctx, m.channel, payload)
			sent++
		}
		return nil
	})
	if err != nil {
		n.stats.failed.Add(uint64(sent))
		n.noteFailure(err)
		return
	}
	n.stats.published.Add(uint64(sent))
	if n.stats.failing.Swap(false) {
		n.log.Info("redis reachable again: broadcasts cross again")
	}
}

// noteFailure logs a publishing failure once per outage, not once per message.
func (n *Node) noteFailure(err error) {
	if n.stats.failing.Swap(true) {
		return
	}
	n.log.Warn("redis unreachable: broadcasts to other nodes are lost until it is back", "err", err)
}
