package redisadapter

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// TestTwoNodesRooms: broadcasts of either node reach the sockets of both, by room, minus the
// excepted ones, binary intact; the sockets left out see the next broadcast first.
func TestTwoNodesRooms(t *testing.T) {
	redis := testenv.Redis(t)
	n1, n2 := startNode(t, redis.URL()), startNode(t, redis.URL())
	waitServers(t, 2, n1, n2)

	a1 := connect(t, n1.url, "r")
	a2 := connect(t, n2.url, "r")
	b2 := connect(t, n2.url)
	c2 := connect(t, n2.url, "r", "muted")

	if err := n1.ns.To("r").Except("muted").Emit("news", "hi", []byte{7, 8}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*testClient{a1, a2} {
		ev := c.expect(t, "news")
		var text string
		var bin []byte
		if err := ev.Scan(&text, &bin); err != nil || text != "hi" || !bytes.Equal(bin, []byte{7, 8}) {
			t.Errorf("client %s: news = %q %v (%v)", c.id, text, bin, err)
		}
	}
	// From the other node, to a socket id (a room) and to everyone but a2.
	n2.ns.To(a1.id).Emit("direct", 1)
	a1.expect(t, "direct")
	n2.ns.Except(a2.id).Volatile().Emit("all")
	for _, c := range []*testClient{a1, b2, c2} {
		c.expect(t, "all") // b2 and c2 got no "news" before this
	}
	n1.ns.Emit("end")
	for _, c := range []*testClient{a1, a2, b2, c2} {
		c.expect(t, "end") // a2 got no "all" before it
	}

	// A client's request makes its server broadcast: the same path a game takes.
	a2.sock.Emit("relay", "r")
	for _, c := range []*testClient{a1, a2, c2} {
		ev := c.expect(t, "fromGo")
		var bin []byte
		if err := ev.Decode(1, &bin); err != nil || !bytes.Equal(bin, []byte{1, 2, 3}) {
			t.Errorf("fromGo binary = %v (%v)", bin, err)
		}
	}
	if s := n2.node.Stats(); s.Received == 0 || s.Malformed != 0 || s.Lost() != 0 {
		t.Errorf("node 2 stats: %+v", s)
	}
}

// TestTwoNodesAcks: a broadcast with acks collects the answers of both nodes' sockets.
func TestTwoNodesAcks(t *testing.T) {
	redis := testenv.Redis(t)
	n1, n2 := startNode(t, redis.URL()), startNode(t, redis.URL())
	waitServers(t, 2, n1, n2)
	connect(t, n1.url, "r")
	connect(t, n2.url, "r")
	connect(t, n2.url, "r")
	connect(t, n2.url, "elsewhere")

	ctx := context.Background()
	answers, err := n1.ns.To("r").Timeout(testenv.Patience(10*time.Second)).EmitWithAck(ctx, "ask")
	if err != nil || len(answers) != 3 {
		t.Fatalf("answers: %d (%v), want 3", len(answers), err)
	}
	for _, a := range answers {
		var text string
		if err := a.Decode(0, &text); err != nil || len(text) < len("answer from ") {
			t.Errorf("answer %q (%v)", text, err)
		}
	}
	// No recipient anywhere: it returns at once with none.
	answers, err = n2.ns.To("nobody").Timeout(testenv.Patience(10*time.Second)).EmitWithAck(ctx, "ask")
	if err != nil || len(answers) != 0 {
		t.Fatalf("answers for an empty room: %d (%v)", len(answers), err)
	}
}

// TestServerSideEmitAndFetch: events between servers, with and without answers, and the
// sockets of all nodes.
func TestServerSideEmitAndFetch(t *testing.T) {
	redis := testenv.Redis(t)
	n1, n2 := startNode(t, redis.URL()), startNode(t, redis.URL())
	waitServers(t, 2, n1, n2)
	got := make(chan *ServerEvent, 4)
	n2.ad.OnServerSideEmit(func(ev *ServerEvent) {
		if ev.WantsAck() {
			var x int
			ev.Decode(0, &x)
			ev.Ack(x * 2)
			return
		}
		got <- ev
	})
	if err := n1.ad.ServerSideEmit("hello", "world", 42); err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-got:
		var s string
		var n int
		if ev.Name != "hello" || ev.Decode(0, &s) != nil || ev.Decode(1, &n) != nil || s != "world" || n != 42 {
			t.Errorf("server-side event %q %s", ev.Name, ev.Args)
		}
	case <-time.After(testenv.Patience(10 * time.Second)):
		t.Fatal("no server-side event came")
	}
	ctx := context.Background()
	answers, err := n1.ad.ServerSideEmitWithAck(ctx, "double", 21)
	if err != nil || len(answers) != 1 || string(answers[0]) != "42" {
		t.Fatalf("answers %s (%v)", answers, err)
	}

	a1 := connect(t, n1.url, "r")
	a2 := connect(t, n2.url, "r")
	connect(t, n2.url, "other")
	list, err := n1.ad.FetchSockets(ctx, []string{"r"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	want := []string{a1.id, a2.id}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("fetched %v, want %v", ids, want)
	}
	// A remote join: n1 puts a2 (on n2) into "joined".
	n1.ad.SocketsJoin([]string{a2.id}, nil, "joined")
	n1.ns.To(a2.id).Emit("sync") // published after the join: n2 has joined when a2 gets it
	a2.expect(t, "sync")
	if list, err := n1.ad.FetchSockets(ctx, []string{"joined"}, nil); err != nil || len(list) != 1 || list[0].ID != a2.id {
		t.Errorf("after the remote join, room joined holds %v (%v)", list, err)
	}
	rooms, err := n2.ad.AllRooms(ctx)
	if err != nil || !slices.Contains(rooms, "r") || !slices.Contains(rooms, "other") {
		t.Errorf("all rooms %v (%v)", rooms, err)
	}
}
