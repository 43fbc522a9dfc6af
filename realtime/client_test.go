package realtime

import "testing"

// A second CONNECT to a joined namespace gets a new socket, as in the reference; the old one
// is disconnected rather than left behind in its rooms.
func TestSecondConnectReplacesTheSocket(t *testing.T) {
	srv := NewServer(Options{})
	sockets := make(chan *Socket, 2)
	srv.Of("/").OnConnection(func(s *Socket) {
		s.Join("lobby")
		sockets <- s
	})
	f := connectFake(srv, "")
	f.text(`0`)
	first := connected(t, f, "/")
	old := waitDone(t, sockets, "first connection")
	gone := make(chan string, 1)
	old.OnDisconnect(func(reason string) { gone <- reason })

	f.text(`0`)
	second := connected(t, f, "/")
	fresh := waitDone(t, sockets, "second connection")
	if second == first || fresh.ID() != second {
		t.Fatalf("sids %s then %s (socket %s)", first, second, fresh.ID())
	}
	if reason := waitDone(t, gone, "old socket's disconnect"); reason != ReasonClientDisconnect {
		t.Fatalf("old socket left with %q", reason)
	}
	waitExited(t, old)
	if got := srv.To("lobby").Sockets(); len(got) != 1 || got[0] != fresh {
		t.Fatalf("lobby = %v, want only the new socket", got)
	}
}
