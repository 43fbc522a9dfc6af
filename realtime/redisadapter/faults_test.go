package redisadapter

import (
	"context"
	"strings"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// untilReceived sends event from one node to the client's own room until the client gets it:
// after an outage the subscriptions come back on go-redis's own schedule.
func untilReceived(t *testing.T, from *testNode, to *testClient, event string) {
	t.Helper()
	deadline := time.Now().Add(testenv.Patience(30 * time.Second))
	for {
		from.ns.To(to.id).Emit(event)
		select {
		case ev := <-to.events:
			if ev.Name == event {
				return
			}
		case <-time.After(100 * time.Millisecond): // one try; the loop has the deadline
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never crossed after the outage; stats %+v", event, from.node.Stats())
		}
	}
}

// TestRedisRestart: Redis dies and comes back mid-test. Local broadcasts go on, the ones that
// could not cross are counted, and both nodes reconnect, subscribe again and exchange
// broadcasts as before.
func TestRedisRestart(t *testing.T) {
	redis := testenv.Redis(t)
	n1, n2 := startNode(t, redis.URL()), startNode(t, redis.URL())
	waitServers(t, 2, n1, n2)
	a1 := connect(t, n1.url, "r")
	a2 := connect(t, n2.url, "r")
	untilReceived(t, n1, a2, "before")

	redis.Stop()
	n1.ns.To("r").Emit("during")
	a1.expect(t, "during") // the local socket still gets it
	deadline := time.Now().Add(testenv.Patience(30 * time.Second))
	for n1.node.Stats().Lost() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the broadcast that could not cross was not counted: %+v", n1.node.Stats())
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, with a deadline
	}
	if err := n1.node.Ping(context.Background()); err == nil {
		t.Error("Ping answered while Redis was down")
	}

	redis.Start()
	untilReceived(t, n1, a2, "after")
	untilReceived(t, n2, a1, "back")
	waitServers(t, 2, n1, n2)
	for _, n := range []*testNode{n1, n2} {
		if s := n.node.Stats(); s.Malformed != 0 {
			t.Errorf("stats after the restart: %+v", s)
		}
	}
}

// TestForeignMessages: garbage and other applications' messages on our channels are ignored
// and counted; the cluster works on.
func TestForeignMessages(t *testing.T) {
	redis := testenv.Redis(t)
	n1, n2 := startNode(t, redis.URL()), startNode(t, redis.URL())
	waitServers(t, 2, n1, n2)
	a2 := connect(t, n2.url, "r")
	ch := n1.ad.ch
	junk := []struct{ channel, payload string }{
		{ch.broadcast, "\xc1not msgpack"},
		{ch.broadcast, "\x93\xa1x\xa5hello\xc0"},                         // packet is not an object
		{ch.broadcast, "\x93\xa1x\x82\xa4type\x02\xa3nsp\xa6/other"},     // another namespace, no data
		{ch.broadcast, "\xdd\xff\xff\xff\xff"},                           // an array of 4 G elements, empty
		{ch.broadcast, "\x93\xa1x\xc6\x7f\xff\xff\xff"},                  // 2 GB of binary announced, none sent
		{ch.broadcast, strings.Repeat("\x91", 100000)},                   // nested too deeply
		{ch.roomChannel("r"), "\x92"},                                    // truncated
		{ch.request, "{not json"},                                        // JSON that is not
		{ch.request, `{"uid":"x","type":7,"requestId":"q"}`},             // a broadcast with acks without packet
		{ch.request, `{"uid":"x","type":99}`},                            // an unknown request
		{ch.response, `{"requestId":"nobody asked"}`},                    // an answer to no one
		{ch.request, "\x81\xa4type\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00"}, // NaN as type
	}
	ctx := context.Background()
	for _, j := range junk {
		if err := n1.node.Client().Publish(ctx, j.channel, j.payload).Err(); err != nil {
			t.Fatal(err)
		}
	}
	n1.ns.To("r").Emit("still here")
	a2.expect(t, "still here") // published after the junk, so n2 handled all of it first
	s := n2.node.Stats()
	if s.Malformed+s.Foreign < uint64(len(junk)) {
		t.Errorf("junk counted as %d malformed and %d foreign of %d: %+v", s.Malformed, s.Foreign, len(junk), s)
	}
}

// TestAckSilentNode: a node that hears requests but never answers (it hangs, or lost Redis
// half-way) holds a broadcast with acks for the request timeout only, even when the sender
// set no timeout.
func TestAckSilentNode(t *testing.T) {
	redis := testenv.Redis(t)
	n1 := startNode(t, redis.URL())
	n1.node.opts.RequestTimeout = 300 * time.Millisecond // before any request reads it
	ctx := context.Background()
	silent := n1.node.Client().Subscribe(ctx, n1.ad.ch.request)
	defer silent.Close()
	waitServers(t, 2, n1)
	connect(t, n1.url, "r")
	answers, err := n1.ns.To("r").EmitWithAck(ctx, "ask")
	if err != nil || len(answers) != 1 {
		t.Fatalf("answers %d (%v), want the local one", len(answers), err)
	}
}
