package realtime

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// closedWithin reports whether ch is closed, waiting for it with waitDone's hang guard.
func closedWithin(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	closed := make(chan struct{})
	go func() {
		<-ch
		close(closed)
	}()
	waitDone(t, closed, what)
}

// TestDoneAskedBeforeDisconnect: goroutines asking for Done at once while the socket is
// connected share one channel, open until the disconnect closes it.
func TestDoneAskedBeforeDisconnect(t *testing.T) {
	srv := NewServer(Options{})
	f, s := joinMain(t, srv)
	const askers = 8
	got := make([]<-chan struct{}, askers)
	var wg sync.WaitGroup
	for i := range askers {
		wg.Go(func() { got[i] = s.Done() })
	}
	wg.Wait()
	for i, ch := range got {
		if ch != got[0] {
			t.Fatalf("asker %d got another channel than asker 0", i)
		}
	}
	select {
	case <-got[0]:
		t.Fatal("Done is closed while the socket is connected")
	default:
	}
	f.text(`1`) // the client leaves "/"
	closedWithin(t, got[0], "Done after the disconnect")
	if s.Connected() {
		t.Fatal("Done closed but the socket is still connected")
	}
}

// TestDoneAskedAfterDisconnect: a socket first asked for Done once it left answers with a
// closed channel.
func TestDoneAskedAfterDisconnect(t *testing.T) {
	srv := NewServer(Options{})
	f, s := joinMain(t, srv)
	f.Close(ReasonTransportClose)
	waitExited(t, s)
	select {
	case <-s.Done():
	default:
		t.Fatal("Done of a disconnected socket is open")
	}
}

// TestDoneRacingDisconnect: whether a Done call lands before or after the disconnect, the
// channel it returns gets closed (run with -race: Done and onClose share the channel).
func TestDoneRacingDisconnect(t *testing.T) {
	srv := NewServer(Options{})
	f, s := joinMain(t, srv)
	const askers = 8
	got := make(chan (<-chan struct{}), askers)
	var wg sync.WaitGroup
	for range askers {
		wg.Go(func() { got <- s.Done() })
	}
	f.Close(ReasonTransportClose)
	wg.Wait()
	close(got)
	for ch := range got {
		closedWithin(t, ch, "a Done asked while the socket disconnected")
	}
}

// TestLeaveHooksOrder: OnDisconnecting hooks run first, in the order added, while the socket
// is still in its rooms; then the rooms are left; then the OnDisconnect hooks, in order.
func TestLeaveHooksOrder(t *testing.T) {
	srv := NewServer(Options{})
	f, s := joinMain(t, srv)
	s.Join("red")
	var ran []string // only the socket's own goroutine runs the hooks, one after the other
	hook := func(name string) func(string) {
		return func(reason string) {
			rooms := s.Rooms()
			slices.Sort(rooms)
			ran = append(ran, name+" "+reason+" "+strings.Join(rooms, ","))
		}
	}
	s.OnDisconnect(hook("after1"))
	s.OnDisconnecting(hook("before1"))
	s.OnDisconnect(hook("after2"))
	s.OnDisconnecting(hook("before2"))
	f.text(`1`) // the client leaves "/"
	waitExited(t, s)
	inRooms := strings.Join(slices.Sorted(slices.Values([]string{s.ID(), "red"})), ",")
	want := []string{
		"before1 " + ReasonClientDisconnect + " " + inRooms,
		"before2 " + ReasonClientDisconnect + " " + inRooms,
		"after1 " + ReasonClientDisconnect + " ",
		"after2 " + ReasonClientDisconnect + " ",
	}
	if !slices.Equal(ran, want) {
		t.Fatalf("hooks ran as\n%q\nwant\n%q", ran, want)
	}
}
