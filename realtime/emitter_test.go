package realtime

import (
	"errors"
	"testing"
)

func TestTryEmitReportsAVolatileDrop(t *testing.T) {
	srv := NewServer(Options{})
	sockets := make(chan *Socket, 1)
	srv.OnConnection(func(s *Socket) { sockets <- s })
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	s := <-sockets

	if sent, err := s.Volatile().TryEmit("tick", []byte{1}); !sent || err != nil {
		t.Fatalf("writable connection: sent=%v err=%v", sent, err)
	}
	if ps := f.packets(t); len(ps) != 1 {
		t.Fatalf("got %d packets, want the one sent", len(ps))
	}
	f.mu.Lock()
	f.refuseLater = true
	f.mu.Unlock()
	if sent, err := s.Volatile().TryEmit("tick", []byte{2}); sent || err != nil {
		t.Fatalf("busy connection: sent=%v err=%v, want a reported drop", sent, err)
	}
	if ps := f.packets(t); len(ps) != 0 {
		t.Fatalf("a dropped event was queued: %v", ps)
	}
	if sent, err := (Emitter{socket: s}).TryEmit("kept", 3); !sent || err != nil {
		t.Fatalf("a reliable emit is queued even when busy: sent=%v err=%v", sent, err)
	}
	f.Close(ReasonTransportClose)
	waitExited(t, s)
	if sent, err := s.Volatile().TryEmit("tick", 4); sent || !errors.Is(err, ErrDisconnected) {
		t.Fatalf("after disconnect: sent=%v err=%v", sent, err)
	}
}
