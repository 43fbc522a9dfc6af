package redisadapter

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/client"
)

// testNode is one Go server of a test cluster: a realtime server on a Redis node.
//
// Its clients say which rooms they join in their auth ({"rooms": [...]}), and a client that
// got the answer to "ready" is in them. "relay" [room] makes the server broadcast "fromGo"
// ("hello", bytes 1 2 3) to the room; "askAll" [room] makes it broadcast "ask" with acks to
// the room and answer with the number of answers; "sse" [event, arg] sends a server-side event
// to the other nodes; "fetch" [room] answers the ids of the room's sockets on every node. Its
// server-side handlers answer "ping" with "pong" and broadcast "noted" to room r with the
// arguments of "note"; "joinRemote" [socket id, room] puts that socket, on any node, into
// the room.
type testNode struct {
	node *Node
	srv  *realtime.Server
	ns   *realtime.Namespace
	ad   *Adapter
	url  string
}

func startNode(t testing.TB, redisURL string) *testNode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(10*time.Second))
	defer cancel()
	node, err := New(ctx, Options{URL: redisURL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := realtime.NewServer(realtime.Options{NewAdapter: node.NewAdapter})
	ns := srv.Of("/")
	srv.OnConnection(func(s *realtime.Socket) {
		var auth struct {
			Rooms []string `json:"rooms"`
		}
		if err := s.Handshake().DecodeAuth(&auth); err == nil && len(auth.Rooms) > 0 {
			s.Join(auth.Rooms...)
		}
		s.On("ready", func(ev *realtime.Event) { ev.Ack(s.ID()) })
		s.On("relay", func(ev *realtime.Event) {
			var room string
			ev.Decode(0, &room)
			ns.To(room).Emit("fromGo", "hello", []byte{1, 2, 3})
			ev.Ack("sent")
		})
		s.On("sse", func(ev *realtime.Event) {
			var name, arg string
			ev.Decode(0, &name)
			ev.Decode(1, &arg)
			ev.Ack(Of(ns).ServerSideEmit(name, arg) == nil)
		})
		s.On("fetch", func(ev *realtime.Event) {
			var room string
			ev.Decode(0, &room)
			list, err := Of(ns).FetchSockets(context.Background(), []string{room}, nil)
			ids := []string{}
			for _, s := range list {
				ids = append(ids, s.ID)
			}
			if err != nil {
				ids = append(ids, err.Error())
			}
			ev.Ack(ids)
		})
		s.On("joinRemote", func(ev *realtime.Event) {
			var target, room string
			ev.Decode(0, &target)
			ev.Decode(1, &room)
			Of(ns).SocketsJoin([]string{target}, nil, room)
			ev.Ack(true)
		})
		s.On("askAll", func(ev *realtime.Event) {
			var room string
			ev.Decode(0, &room)
			answers, err := ns.To(room).Timeout(testenv.Patience(10*time.Second)).EmitWithAck(context.Background(), "ask")
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			ev.Ack(len(answers), msg)
		})
	})
	ad := Of(ns)
	ad.OnServerSideEmit(func(ev *ServerEvent) {
		switch ev.Name {
		case "ping":
			ev.Ack("pong")
		case "note":
			args := make([]any, len(ev.Args))
			for i, a := range ev.Args {
				args[i] = a
			}
			ns.To("r").Emit("noted", args...)
		}
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
		node.Close()
	})
	return &testNode{node: node, srv: srv, ns: ns, ad: ad, url: hs.URL}
}

// waitServers waits until every node sees n servers on namespace "/".
func waitServers(t testing.TB, n int, nodes ...*testNode) {
	t.Helper()
	deadline := time.Now().Add(testenv.Patience(10 * time.Second))
	for _, tn := range nodes {
		for {
			got, err := tn.node.ServerCount(context.Background(), "/")
			if err == nil && got == n {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("servers on the channels: %d (%v), want %d", got, err, n)
			}
			time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
		}
	}
}

// testClient is a Go Socket.IO client that records the events it gets.
type testClient struct {
	id     string
	sock   *client.Socket
	events chan *client.Event
}

func connect(t *testing.T, url string, rooms ...string) *testClient {
	t.Helper()
	m, err := client.NewManager(url, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s, err := m.Socket("/", map[string]any{"rooms": rooms})
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{sock: s, events: make(chan *client.Event, 64)}
	s.OnAny(func(ev *client.Event) {
		if ev.Name == "ask" {
			ev.Ack("answer from " + s.ID())
			return
		}
		c.events <- ev
	})
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(10*time.Second))
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	ack, err := s.EmitWithAck(ctx, "ready")
	if err != nil {
		t.Fatal(err)
	}
	if err := ack.Decode(0, &c.id); err != nil {
		t.Fatal(err)
	}
	return c
}

// next returns the client's next event, failing the test when none comes in time.
func (c *testClient) next(t *testing.T) *client.Event {
	t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-time.After(testenv.Patience(10 * time.Second)):
		t.Fatalf("client %s: no event came", c.id)
		return nil
	}
}

// expect checks that the client's next event is name and returns it.
func (c *testClient) expect(t *testing.T, name string) *client.Event {
	t.Helper()
	ev := c.next(t)
	if ev.Name != name {
		t.Fatalf("client %s got %q, want %q", c.id, ev.Name, name)
	}
	return ev
}
