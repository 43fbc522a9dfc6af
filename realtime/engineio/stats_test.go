package engineio

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// waitStats waits until cond holds for the server's stats; counters of writes are updated
// just after the write, so a client can see the data a moment before the count.
func waitStats(t *testing.T, ts *testServer, what string, cond func(Stats) bool) {
	t.Helper()
	waitFor(t, what, func() bool { return cond(ts.Stats()) })
}

func TestStatsWebSocketTraffic(t *testing.T) {
	ts := startServer(t, Options{}, true)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	_, open := readFrame(t, c)
	sess := ts.nextSession(t)
	if st := ts.Stats(); st.Handshakes != 1 || st.OpenWebSocket != 1 || st.OpenPolling != 0 {
		t.Errorf("after the handshake: %+v", st)
	}
	writeFrameT(t, c, websocket.TextMessage, "4hi")
	readFrame(t, c)
	writeFrameT(t, c, websocket.BinaryMessage, "\x01\x02\x03")
	readFrame(t, c)
	waitStats(t, ts, "two messages sent", func(st Stats) bool { return st.MessagesSent == 2 })
	writeFrameT(t, c, websocket.TextMessage, "x") // not a packet type
	if reason := sess.waitClosed(t); reason != ReasonParseError {
		t.Fatalf("close reason %q", reason)
	}
	want := Stats{
		Handshakes:       1,
		Closes:           CloseStats{ParseError: 1},
		MessagesReceived: 2,
		MessagesSent:     2,
		BytesReceived:    3 + 3 + 1,
		BytesSent:        int64(len(open)) + 3 + 3,
		ParseErrors:      1,
	}
	if got := ts.Stats(); got != want {
		t.Errorf("Stats() =\n%+v, want\n%+v", got, want)
	}
}

func TestStatsUpgradeAndClose(t *testing.T) {
	ts := startServer(t, Options{}, false)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	if st := ts.Stats(); st.OpenPolling != 1 || st.OpenWebSocket != 0 {
		t.Errorf("polling session counted as %d polling, %d websocket", st.OpenPolling, st.OpenWebSocket)
	}
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, nil)
	writeFrameT(t, c, websocket.TextMessage, "2probe")
	readFrame(t, c)
	writeFrameT(t, c, websocket.TextMessage, "5")
	waitFor(t, "upgrade", func() bool { return sess.Transport() == TransportWebSocket })
	if st := ts.Stats(); st.Upgrades != 1 || st.OpenPolling != 0 || st.OpenWebSocket != 1 {
		t.Errorf("after the upgrade: %+v", st)
	}
	sess.Close(ReasonForcedClose)
	sess.waitClosed(t)
	sess.Close("kicked") // already closed: not counted again
	if st := ts.Stats(); st.Closes != (CloseStats{ForcedClose: 1}) || st.OpenWebSocket != 0 {
		t.Errorf("after Close: %+v", st)
	}
}

func TestStatsOversizeAndDrops(t *testing.T) {
	ts := startServer(t, Options{MaxPayload: 16, SendQueueSize: 1}, false)

	// Over MaxPayload on websocket: the session ends.
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	wsSess := ts.nextSession(t)
	writeFrameT(t, c, websocket.TextMessage, "4"+strings.Repeat("x", 64))
	if reason := wsSess.waitClosed(t); reason != ReasonTransportError {
		t.Errorf("oversize frame: close reason %q", reason)
	}

	// Over MaxPayload on polling: 413, the session stays.
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	if status, _ := do(t, http.MethodPost, ts.sessionURL(sid), "4"+strings.Repeat("x", 64)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize POST: %d", status)
	}
	// No poll is parked, so a volatile message has nowhere to go.
	if sess.SendVolatile(Message{Data: []byte("a")}, Message{Data: []byte("b")}) {
		t.Error("SendVolatile without a parked poll succeeded")
	}
	if err := sess.Send(Message{Data: []byte("1")}, Message{Data: []byte("2")}); err == nil {
		t.Error("Send over SendQueueSize succeeded")
	}
	sess.waitClosed(t)

	st := ts.Stats()
	if st.OversizePayloads != 2 || st.VolatileDropped != 2 || st.QueueFullCloses != 1 ||
		st.Closes.TransportError != 2 || st.OpenPolling != 0 || st.OpenWebSocket != 0 {
		t.Errorf("Stats() = %+v", st)
	}
}
