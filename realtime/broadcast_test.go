package realtime

import (
	"context"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// waitDone fails the test if ch does not deliver in a very generous time: a hang guard, not a
// speed assertion.
func waitDone[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testenv.Patience(30 * time.Second)):
		t.Fatalf("%s never returned", what)
		panic("unreachable")
	}
}

type ackResult struct {
	answers []*Args
	err     error
}

// A recipient that disconnects without answering counts as done: without any timeout the
// broadcast returns with the answers of the others.
func TestBroadcastWithAckCountsARecipientThatDisconnects(t *testing.T) {
	srv := NewServer(Options{})
	conns := make([]*fakeConn, 2)
	for i := range conns {
		conns[i] = connectFake(srv, "")
		conns[i].text(`0`)
		connected(t, conns[i], "/")
	}
	done := make(chan ackResult, 1)
	go func() {
		answers, err := srv.Of("/").Except().EmitWithAck(context.Background(), "vote") // no timeout
		done <- ackResult{answers, err}
	}()
	for i := 0; i < len(conns); {
		ps := conns[i].packets(t)
		if len(ps) == 0 {
			time.Sleep(time.Millisecond)
			continue
		}
		if i == 0 {
			conns[i].text(`3` + itoa(ps[0].ID) + `["yes"]`)
		} else {
			conns[i].Close(ReasonTransportClose)
		}
		i++
	}
	r := waitDone(t, done, "EmitWithAck")
	var vote string
	if r.err != nil || len(r.answers) != 1 || r.answers[0].Decode(0, &vote) != nil || vote != "yes" {
		t.Fatalf("answers = %v, %v; want the one answer", r.answers, r.err)
	}
}

// A socket that disconnected but is still listed in its namespace (its rooms are left later,
// on its own goroutine) cannot take an ack: it is not a recipient, rather than one the
// broadcast waits for.
func TestBroadcastWithAckSkipsASocketThatLeft(t *testing.T) {
	srv := NewServer(Options{})
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	s := srv.Of("/").Sockets()[0]
	s.roomsMu.Lock() // holds leave() before it takes the socket out of the namespace
	s.onClose(ReasonServerDisconnect)
	done := make(chan ackResult, 1)
	go func() {
		answers, err := srv.Of("/").Except().EmitWithAck(context.Background(), "vote") // no timeout
		done <- ackResult{answers, err}
	}()
	r := waitDone(t, done, "EmitWithAck")
	s.roomsMu.Unlock()
	if r.err != nil || len(r.answers) != 0 {
		t.Fatalf("answers = %v, %v; want none and no error", r.answers, r.err)
	}
	if _, err := s.EmitWithAck(context.Background(), "q"); err == nil {
		t.Fatal("EmitWithAck on a gone socket succeeded")
	}
}
