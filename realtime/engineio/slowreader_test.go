package engineio

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/testenv"
	"tankarena/internal/wstest"
)

// streamKey orders the test stream: round r sends a volatile message (key 2r), then a
// normal one (key 2r+1).
func streamKey(data []byte) (int, error) {
	kind, rest, ok := strings.Cut(string(data[:min(len(data), 16)]), ":")
	round, _, _ := strings.Cut(rest, ".")
	r, err := strconv.Atoi(round)
	if !ok || err != nil {
		return 0, fmt.Errorf("malformed stream message %q", data[:min(len(data), 16)])
	}
	if kind == "s" {
		return 2*r + 1, nil
	}
	return 2 * r, nil
}

func TestSlowReadersDoNotHoldUpOthers(t *testing.T) {
	const (
		healthy = 5
		stalled = 50
		rounds  = 300
		msgSize = 1 << 10
	)
	baseline := runtime.NumGoroutine()

	sessions := make(chan *testSession, healthy+stalled)
	eio := NewServer(Options{
		// The stalled are closed by WriteTimeout; a healthy client's write blocks only while
		// its reader is starved of CPU, which on a loaded machine can last seconds, hence
		// the stretch (testenv.Patience).
		WriteTimeout:  testenv.Patience(2 * time.Second),
		SendQueueSize: 1024, // more than rounds: only WriteTimeout closes the stalled
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	eio.OnConnection(func(s *Session) {
		rec := &testSession{Session: s, closed: make(chan string, 1)}
		s.OnClose(func(reason string) { rec.closed <- reason })
		sessions <- rec
	})
	srv := httptest.NewUnstartedServer(eio)
	srv.Listener = wstest.SmallSendBuffers{Listener: srv.Listener}
	srv.Start()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/socket.io/?EIO=4&transport=websocket"

	// Dial one at a time, so the i-th session belongs to the i-th client: the open packet
	// is written only after OnConnection has returned.
	dial := func(d *websocket.Dialer) (*websocket.Conn, *testSession) {
		c, _, err := d.Dial(u, nil)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatalf("open packet: %v", err)
		}
		return c, <-sessions
	}
	var all []*testSession
	var conns []*websocket.Conn
	healthyGot := make([]chan []int, healthy)
	for i := range healthy {
		c, sess := dial(websocket.DefaultDialer)
		all, conns = append(all, sess), append(conns, c)
		healthyGot[i] = make(chan []int, 1)
		go func() { // read until the server closes; send the stream keys seen
			var keys []int
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					healthyGot[i] <- keys
					return
				}
				if data[0] != byte(packetMessage) {
					continue // a ping
				}
				k, err := streamKey(data[1:])
				if err != nil {
					t.Error(err)
				}
				keys = append(keys, k)
			}
		}()
	}
	for range stalled {
		c, sess := dial(wstest.StallingDialer)
		all, conns = append(all, sess), append(conns, c)
	}

	// One sender feeds everyone; a watchdog reports if a single call never returns.
	var longest time.Duration
	var inCall sync.Mutex // held by the sender during each call, probed by the watchdog
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		for r := range rounds {
			vol := Message{Data: []byte(fmt.Sprintf("v:%d.", r) + strings.Repeat("v", msgSize))}
			msg := Message{Data: []byte(fmt.Sprintf("s:%d.", r) + strings.Repeat("s", msgSize))}
			for i, sess := range all {
				inCall.Lock()
				start := time.Now()
				sess.SendVolatile(vol)
				err := sess.Send(msg)
				longest = max(longest, time.Since(start))
				inCall.Unlock()
				if err != nil && i < healthy {
					t.Errorf("Send to healthy client %d in round %d: %v", i, r, err)
				}
			}
			time.Sleep(time.Millisecond) // a steady stream, not a flood
		}
	}()
	select {
	case <-senderDone:
	case <-time.After(2 * waitLong):
		t.Fatal("the sender is blocked: a Send or SendVolatile call has not returned")
	}
	t.Logf("longest Send+SendVolatile call: %v", longest)

	for i, sess := range all[healthy:] {
		if reason := sess.waitClosed(t); reason != ReasonTransportError {
			t.Errorf("stalled client %d closed with %q, want %q", i, reason, ReasonTransportError)
		}
	}
	for i, sess := range all[:healthy] {
		select {
		case reason := <-sess.closed:
			t.Fatalf("healthy client %d was closed: %s", i, reason)
		default:
		}
		sess.Close(ReasonForcedClose) // flushes the rest of the stream, then closes
		keys := <-healthyGot[i]
		normal := 0
		for j, k := range keys {
			if j > 0 && k <= keys[j-1] {
				t.Fatalf("healthy client %d: message %d out of order (key %d after %d)", i, j, k, keys[j-1])
			}
			if k%2 == 1 {
				if k/2 != normal {
					t.Fatalf("healthy client %d: normal message of round %d missing", i, normal)
				}
				normal++
			}
		}
		if normal != rounds {
			t.Errorf("healthy client %d got %d normal messages, want %d", i, normal, rounds)
		}
	}

	st := eio.Stats()
	t.Logf("stats: volatile dropped %d, write timeouts %d, queue-full closes %d, messages sent %d",
		st.VolatileDropped, st.WriteTimeouts, st.QueueFullCloses, st.MessagesSent)
	if st.WriteTimeouts != stalled || st.VolatileDropped < stalled {
		t.Errorf("stats: %d write timeouts (want %d), %d volatile drops (want at least %d)",
			st.WriteTimeouts, stalled, st.VolatileDropped, stalled)
	}

	for _, c := range conns {
		c.Close()
	}
	eio.Close()
	srv.Close()
	waitFor(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= baseline })
}

func TestSilentTCPReapedByHeartbeat(t *testing.T) {
	// A peer that vanished without a FIN: the TCP connection stays open but nothing is read
	// from it or written to it, not even the ping.
	ts := startServer(t, Options{PingInterval: 20 * time.Millisecond, PingTimeout: 50 * time.Millisecond}, false)
	c, err := dialIdleClient(strings.TrimPrefix(ts.http.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess := ts.nextSession(t)
	if reason := sess.waitClosed(t); reason != ReasonPingTimeout {
		t.Errorf("close reason %q, want %q", reason, ReasonPingTimeout)
	}
	if st := ts.Stats(); st.OpenWebSocket != 0 || st.Closes.PingTimeout != 1 {
		t.Errorf("stats after the reap: %+v", st)
	}
	// The server hung up: the client's socket sees the close frame, then EOF.
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Errorf("the server did not close the connection: %v", err)
	}
}

func TestStalledReaderQueueOverflowCloses(t *testing.T) {
	// WriteTimeout is long, so only the bounded queue can end this session.
	ts := startServer(t, Options{SendQueueSize: 16, WriteTimeout: time.Minute}, false)
	u := "ws" + strings.TrimPrefix(ts.url("EIO=4&transport=websocket"), "http")
	c, _, err := wstest.StallingDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	readFrame(t, c) // then never read again
	sess := ts.nextSession(t)
	big := Message{Binary: true, Data: make([]byte, 64<<10)}
	var sendErr error
	for range 1000 { // far more than the socket buffers and the queue hold together
		if sendErr = sess.Send(big); sendErr != nil {
			break
		}
	}
	if !errors.Is(sendErr, ErrQueueFull) {
		t.Fatalf("Send to a stalled reader: %v, want ErrQueueFull", sendErr)
	}
	if reason := sess.waitClosed(t); reason != ReasonTransportError {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportError)
	}
	if st := ts.Stats(); st.QueueFullCloses != 1 || st.WriteTimeouts != 0 {
		t.Errorf("stats: %d queue-full closes, %d write timeouts; want 1 and 0", st.QueueFullCloses, st.WriteTimeouts)
	}
}
