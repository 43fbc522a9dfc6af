//go:build linux

package engineio

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// waitParked waits until the server's parker holds n connections.
func waitParked(t *testing.T, ts *testServer, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for {
		ts.parker.mu.Lock()
		got := len(ts.parker.waiting)
		ts.parker.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections parked, want %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestIdleConnectionIsParkedAndWakes follows one connection through parking: it parks after
// parkIdleAfter without a message, wakes for the client's next message, still receives
// while parked, parks again, and is closed cleanly while parked; the watcher ends with the
// server.
func TestIdleConnectionIsParkedAndWakes(t *testing.T) {
	ts := startServer(t, Options{}, true)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	waitParked(t, ts, 1)

	writeFrameT(t, c, websocket.TextMessage, "4wake up")
	if _, got := readFrame(t, c); got != "4wake up" {
		t.Fatalf("echo %q", got)
	}
	waitParked(t, ts, 1)
	if err := sess.Send(Message{Data: []byte("to a parked connection")}); err != nil {
		t.Fatal(err)
	}
	if _, got := readFrame(t, c); got != "4to a parked connection" {
		t.Fatalf("frame %q", got)
	}

	sess.Close(ReasonForcedClose)
	if reason := sess.waitClosed(t); reason != ReasonForcedClose {
		t.Errorf("close reason %q", reason)
	}
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("client read %v, want a normal close frame", err)
	}
	waitParked(t, ts, 0)

	ts.parker.mu.Lock()
	done := ts.parker.done
	ts.parker.mu.Unlock()
	if done == nil {
		t.Fatal("no watcher while the server runs")
	}
	ts.Server.Close() // waits for the watcher
	select {
	case <-done:
	default:
		t.Fatal("the watcher outlived Server.Close")
	}
}

// TestParkedConnectionNoticesItsClientLeaving closes the client's socket while the server
// side is parked: the session ends as a transport close.
func TestParkedConnectionNoticesItsClientLeaving(t *testing.T) {
	ts := startServer(t, Options{}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	waitParked(t, ts, 1)
	c.UnderlyingConn().Close()
	if reason := sess.waitClosed(t); reason != ReasonTransportClose {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportClose)
	}
	waitParked(t, ts, 0)
}

// TestClosingConnectionIsNotParkedAgain parks a connection in the window close leaves open:
// close takes it off the watch list, then sends the close frame, which can wait up to
// closeFrameTimeout for a writer stuck on a stalled peer, and a reader whose idle deadline
// runs out meanwhile parks. Such an entry would outlive the connection: closing the socket
// drops it from the epoll set without an event, so the watcher never removes it, and it
// keeps its session.
func TestClosingConnectionIsNotParkedAgain(t *testing.T) {
	ts := startServer(t, Options{}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	waitParked(t, ts, 1)
	sess.mu.Lock()
	ws := sess.ws
	sess.mu.Unlock()

	ws.writeMu.Lock() // a writer stuck on a stalled peer: the close frame waits for it
	sess.closeNow(ReasonPingTimeout)
	waitParked(t, ts, 0) // close has taken the connection off the watch list
	if ts.parker.park(sess.Session, ws) {
		t.Error("a closing connection was parked")
	}
	ws.writeMu.Unlock()
	sess.waitClosed(t)
	waitParked(t, ts, 0)
}
