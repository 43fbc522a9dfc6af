package engineio

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/memtest"
	"tankarena/internal/wstest"
)

// backlogMsgSize is the size of the messages the backlog tests send: 64 of them make the
// default SendQueueBytes exactly.
const backlogMsgSize = 64 << 10

// backlogRounds bounds the backlog tests: 12.5 MiB of messages, three times the default limit.
const backlogRounds = 200

// sendUntilOverflow sends a fresh backlogMsgSize message (so that what a session holds is
// really held) to stalled and another to healthy each round, and waits for healthy's client
// to have all of them (received counts them), until a Send to stalled fails. It returns
// how many Sends to stalled succeeded, that Send's error, and the highest growth of the
// live heap seen meanwhile.
func sendUntilOverflow(t *testing.T, stalled, healthy *testSession, received func() int) (sent int, growth int64, err error) {
	t.Helper()
	before := int64(memtest.LiveHeap())
	for sent = 0; sent < backlogRounds; sent++ {
		if err = stalled.Send(Message{Data: []byte(strings.Repeat("s", backlogMsgSize))}); err != nil {
			break
		}
		if err := healthy.Send(Message{Data: []byte(strings.Repeat("h", backlogMsgSize))}); err != nil {
			t.Fatalf("Send to the healthy client in round %d: %v", sent, err)
		}
		waitFor(t, "the healthy client to get its message", func() bool { return received() > sent })
		if sent%16 == 15 {
			growth = max(growth, int64(memtest.LiveHeap())-before)
		}
	}
	return sent, growth, err
}

// checkBacklogClose checks how stalled was closed: for its backlog, at the byte limit.
func checkBacklogClose(t *testing.T, ts *testServer, stalled *testSession, sent int, err error, growth int64) {
	t.Helper()
	t.Logf("%d messages of %d KiB accepted before the Send that failed; live heap grew by %d KiB at most",
		sent, backlogMsgSize>>10, growth>>10)
	if !errors.Is(err, ErrQueueFull) {
		t.Fatalf("after %d messages (%d KiB) Send returned %v, want ErrQueueFull", sent, sent*backlogMsgSize>>10, err)
	}
	if reason := stalled.waitClosed(t); reason != ReasonTransportError {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportError)
	}
	if st := ts.Stats(); st.QueueBytesCloses != 1 || st.QueueFullCloses != 0 || st.WriteTimeouts != 0 {
		t.Errorf("stats: %d backlog closes, %d queue-full closes, %d write timeouts; want 1, 0, 0",
			st.QueueBytesCloses, st.QueueFullCloses, st.WriteTimeouts)
	}
	// What the stalled session held is bounded by the limit (plus what is in flight to the
	// healthy client and the test's own garbage), not by the 1,024 messages of the queue.
	if limit := int64(DefaultSendQueueBytes); growth > limit+2<<20 {
		t.Errorf("the live heap grew by %d KiB, over the %d KiB limit", growth>>10, limit>>10)
	}
}

// TestPollingBacklogOverTheByteLimitCloses: a polling client that never polls again is
// closed once what waits for it passes SendQueueBytes, while a polling client that polls gets
// every message.
func TestPollingBacklogOverTheByteLimitCloses(t *testing.T) {
	ts := startServer(t, Options{PingInterval: 10 * time.Minute}, false) // no pings to answer
	stalledSID := pollingHandshake(t, ts).SID
	stalled := ts.nextSession(t)
	healthySID := pollingHandshake(t, ts).SID
	healthy := ts.nextSession(t)

	var received atomic.Int64
	go func() { // the healthy client polls until its session is gone
		for {
			resp, err := http.Get(ts.sessionURL(healthySID))
			if err != nil {
				return
			}
			body, err := readAllString(resp)
			if err != nil || resp.StatusCode != http.StatusOK {
				return
			}
			for _, p := range strings.Split(body, "\x1e") {
				if strings.HasPrefix(p, "4") {
					received.Add(1)
				}
			}
		}
	}()

	sent, growth, err := sendUntilOverflow(t, stalled, healthy, func() int { return int(received.Load()) })
	checkBacklogClose(t, ts, stalled, sent, err, growth)
	// Nothing went out to the stalled client, so it is closed at exactly the limit.
	if want := DefaultSendQueueBytes / backlogMsgSize; sent != want {
		t.Errorf("%d messages accepted before the overflow, want %d", sent, want)
	}
	// The client learns of it on its next poll: its session is gone.
	if status, body := do(t, http.MethodGet, ts.sessionURL(stalledSID), ""); status != http.StatusBadRequest || !strings.Contains(body, `"code":1`) {
		t.Errorf("poll after the close: %d %q, want 400 with code 1", status, body)
	}
	healthy.Close(ReasonForcedClose)
}

// TestWebSocketBacklogOverTheByteLimitCloses: a websocket client that stops reading is
// closed once its backlog (queued, and taken by its blocked writer) passes SendQueueBytes,
// long before WriteTimeout, while a websocket client that reads gets every message.
func TestWebSocketBacklogOverTheByteLimitCloses(t *testing.T) {
	ts := startServerOn(t, Options{PingInterval: 10 * time.Minute, WriteTimeout: 10 * time.Minute}, false,
		func(l net.Listener) net.Listener { return wstest.SmallSendBuffers{Listener: l} })
	u := "ws" + strings.TrimPrefix(ts.url("EIO=4&transport=websocket"), "http")
	stalledConn, _, err := wstest.StallingDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stalledConn.Close()
	readFrame(t, stalledConn) // the open packet; then never read again
	stalled := ts.nextSession(t)

	healthyConn, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer healthyConn.Close()
	readFrame(t, healthyConn)
	healthy := ts.nextSession(t)
	var received atomic.Int64
	go func() {
		for {
			_, data, err := healthyConn.ReadMessage()
			if err != nil {
				return
			}
			if len(data) > 0 && data[0] == byte(packetMessage) {
				received.Add(1)
			}
		}
	}()

	sent, growth, err := sendUntilOverflow(t, stalled, healthy, func() int { return int(received.Load()) })
	checkBacklogClose(t, ts, stalled, sent, err, growth)
	// The socket buffers took a little before the writer blocked; that much is not backlog.
	if limit := DefaultSendQueueBytes / backlogMsgSize; sent < limit || sent > limit+4 {
		t.Errorf("%d messages accepted before the overflow, want %d to %d", sent, limit, limit+4)
	}
}

// readAllString reads and closes a response body.
func readAllString(resp *http.Response) (string, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
