package engineio

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestCloseDuringUpgrade closes a polling session at each step of the upgrade and checks
// that the client learns of the close whichever way it goes on, as engine.io-client does:
// it keeps polling until it sees "3probe", then pauses polling (waiting for its poll and its
// POST to finish) and sends "5" over the probe. A client that has paused polling only ever
// hears of the session again over the probe, so the probe must not be dropped before the
// upgrade completes; what was queued before Close must arrive before the close.
func TestCloseDuringUpgrade(t *testing.T) {
	steps := []struct {
		name string
		// probeAnswered: the client sent "2probe" and got "3probe" before the Close.
		probeAnswered bool
		// pollParked: a poll is parked when Close is called (else the client is between polls).
		pollParked bool
	}{
		{name: "probe opened, between polls", probeAnswered: false, pollParked: false},
		{name: "probe opened, poll parked", probeAnswered: false, pollParked: true},
		{name: "probe answered, polling paused", probeAnswered: true, pollParked: false},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			ts := startServer(t, Options{}, false)
			sid := pollingHandshake(t, ts).SID
			sess := ts.nextSession(t)
			probe := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, nil)

			if step.probeAnswered {
				released := make(chan string, 1)
				go func() {
					_, body := do(t, http.MethodGet, ts.sessionURL(sid), "")
					released <- body
				}()
				writeFrameT(t, probe, websocket.TextMessage, "2probe")
				if _, got := readFrame(t, probe); got != "3probe" {
					t.Fatalf("probe answer %q", got)
				}
				if body := <-released; body != "6" {
					t.Fatalf("poll released with %q, want a noop", body)
				}
			}
			var parked chan string
			if step.pollParked {
				parked = make(chan string, 1)
				go func() {
					_, body := do(t, http.MethodGet, ts.sessionURL(sid), "")
					parked <- body
				}()
				waitFor(t, "the poll to park", func() bool { return pollParked(sess.Session) })
			}

			if err := sess.Send(Message{Data: []byte("bye")}); err != nil {
				t.Fatal(err)
			}
			sess.Close(ReasonServerShutdown)

			switch {
			case step.pollParked:
				// The parked poll carries the rest of the queue and the close packet; it may
				// have left with the message alone, woken by Send before Close.
				body := <-parked
				if body == "4bye" {
					_, next := do(t, http.MethodGet, ts.sessionURL(sid), "")
					body += "\x1e" + next
				}
				if body != "4bye\x1e1" {
					t.Errorf("polls answered %q, want the message then a close packet", body)
				}
			case step.probeAnswered:
				// Polling is paused: the client completes the upgrade and hears the close there.
				if err := probe.WriteMessage(websocket.TextMessage, []byte("5")); err != nil {
					t.Fatalf("the probe was dropped before the client could complete the upgrade: %v", err)
				}
				expectMessageThenClose(t, probe)
			default:
				// Not yet paused: the client's next poll carries the close.
				if status, body := do(t, http.MethodGet, ts.sessionURL(sid), ""); status != http.StatusOK || body != "4bye\x1e1" {
					t.Errorf("next poll answered %d %q, want the message then a close packet", status, body)
				}
			}
			if got := sess.waitClosed(t); got != ReasonServerShutdown {
				t.Errorf("OnClose reason %q, want %q", got, ReasonServerShutdown)
			}
			// Once the session is closed, the probe goes too.
			_ = probe.SetReadDeadline(time.Now().Add(waitLong))
			if _, _, err := probe.ReadMessage(); err == nil {
				t.Error("the probe websocket stayed open after the session closed")
			}
		})
	}
}

// expectMessageThenClose reads "4bye" and then a close frame from c.
func expectMessageThenClose(t *testing.T, c *websocket.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	kind, data, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("the websocket closed without delivering the queued message: %v", err)
	}
	if kind != websocket.TextMessage || string(data) != "4bye" {
		t.Fatalf("first frame %d %q, want the queued message", kind, data)
	}
	_, _, err = c.ReadMessage()
	var closeErr *websocket.CloseError
	if !errors.As(err, &closeErr) || closeErr.Code != websocket.CloseNormalClosure {
		t.Fatalf("after the message: %v, want a normal close frame", err)
	}
}
