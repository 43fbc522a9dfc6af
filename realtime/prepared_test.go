package realtime

import (
	"errors"
	"testing"

	"tankarena/realtime/parser"
)

// TestAPreparedEventReachesEachSocketWithItsOwnResult: one encoding sent to two sockets arrives
// at both as the event emitted, a busy connection reports its drop while the other takes it,
// and a socket of another namespace or a gone one gets nothing.
func TestAPreparedEventReachesEachSocketWithItsOwnResult(t *testing.T) {
	srv := NewServer(Options{})
	sockets := make(chan *Socket, 2)
	srv.OnConnection(func(s *Socket) { sockets <- s })
	var fakes []*fakeConn
	var socks []*Socket
	for range 2 {
		f := connectFake(srv, "")
		f.text(`0`)
		connected(t, f, "/")
		fakes, socks = append(fakes, f), append(socks, <-sockets)
	}

	ev, err := srv.Of("/").PrepareEvent("snapshot", []byte{7, 8, 9}, "x")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range socks {
		if sent, err := s.Volatile().TrySendPrepared(ev); !sent || err != nil {
			t.Fatalf("socket %d: sent=%v err=%v", i, sent, err)
		}
		ps := fakes[i].packets(t)
		// The decoder puts the attachment back in its place, as base64 ("BwgJ" is 7, 8, 9).
		if len(ps) != 1 || ps[0].Type != parser.BinaryEvent || string(ps[0].Data) != `["snapshot","BwgJ","x"]` {
			t.Fatalf("socket %d got %+v, want the binary event with its attachment", i, ps)
		}
	}

	fakes[0].mu.Lock()
	fakes[0].refuseLater = true
	fakes[0].mu.Unlock()
	if sent, err := socks[0].Volatile().TrySendPrepared(ev); sent || err != nil {
		t.Fatalf("busy connection: sent=%v err=%v, want a reported drop", sent, err)
	}
	if sent, err := socks[1].Volatile().TrySendPrepared(ev); !sent || err != nil {
		t.Fatalf("the other connection, not busy: sent=%v err=%v", sent, err)
	}

	other, err := srv.Of("/other").PrepareEvent("snapshot", 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent, err := socks[1].Volatile().TrySendPrepared(other); sent || !errors.Is(err, ErrOtherNamespace) {
		t.Fatalf("an event of /other sent on /: sent=%v err=%v", sent, err)
	}
	if _, err := srv.Of("/").PrepareEvent("connect"); !errors.Is(err, ErrReservedEvent) {
		t.Fatalf("preparing a reserved event: %v", err)
	}
	fakes[1].Close(ReasonTransportClose)
	waitExited(t, socks[1])
	if sent, err := socks[1].Volatile().TrySendPrepared(ev); sent || !errors.Is(err, ErrDisconnected) {
		t.Fatalf("after disconnect: sent=%v err=%v", sent, err)
	}
}
