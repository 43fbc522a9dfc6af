package realtime

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/memtest"
	"tankarena/internal/testenv"
	"tankarena/internal/wstest"
	sioclient "tankarena/realtime/client"
	"tankarena/realtime/engineio"
)

// limitsWait bounds every wait in these tests; the machine is shared, so it is generous,
// stretches with the load (testenv.Patience) and only decides when a test gives up.
var limitsWait = testenv.Patience(20 * time.Second)

// echoServer serves a realtime server whose sockets answer "echo" with its arguments and
// report their disconnect reasons on the returned channel.
func echoServer(t *testing.T, engine engineio.Options) (*Server, string, <-chan string) {
	t.Helper()
	engine.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := NewServer(Options{Engine: engine, DisableClientScript: true})
	reasons := make(chan string, 16)
	srv.OnConnection(func(s *Socket) {
		s.On("echo", func(ev *Event) {
			var n int
			if err := ev.Decode(0, &n); err != nil {
				t.Errorf("echo: %v", err)
			}
			_ = ev.Ack(n)
		})
		s.OnDisconnect(func(reason string) { reasons <- reason })
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); hs.Close() })
	return srv, hs.URL, reasons
}

// healthyClient connects a Go client to "/" and returns a check that it still gets its echo.
func healthyClient(t *testing.T, url string) func() {
	t.Helper()
	m, err := sioclient.NewManager(url, sioclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limitsWait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	round := 0
	return func() {
		t.Helper()
		round++
		ctx, cancel := context.WithTimeout(context.Background(), limitsWait)
		defer cancel()
		reply, err := s.EmitWithAck(ctx, "echo", round)
		var got int
		if err == nil {
			err = reply.Decode(0, &got)
		}
		if err != nil || got != round {
			t.Fatalf("the healthy client's echo %d: %d, %v", round, got, err)
		}
	}
}

// joinRaw opens a websocket by hand and joins "/", for clients that send what no library would.
func joinRaw(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(limitsWait))
	if _, open, err := c.ReadMessage(); err != nil || open[0] != '0' {
		t.Fatalf("open packet %q: %v", open, err)
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		t.Fatal(err)
	}
	if _, answer, err := c.ReadMessage(); err != nil || !bytes.HasPrefix(answer, []byte("40{")) {
		t.Fatalf("CONNECT answer %q: %v", answer, err)
	}
	return c
}

// TestPlaceholderAmplificationClosesTheSender is issue 12's attack end to end: a 64 KiB text
// message whose 2,184 placeholders all name one 64 KiB attachment, which used to decode to
// some 190 MB. The sender is dropped for a parse error before anything is expanded, the
// drop is counted, and another client carries on.
func TestPlaceholderAmplificationClosesTheSender(t *testing.T) {
	const maxPayload = 64 << 10 // the game's -max-payload default
	srv, url, reasons := echoServer(t, engineio.Options{MaxPayload: maxPayload})
	healthy := healthyClient(t, url)
	healthy()

	const placeholder = `{"_placeholder":true,"num":0}`
	text := []byte(`451-["attack"`)
	for len(text)+len(placeholder)+2 <= maxPayload {
		text = append(append(text, ','), placeholder...)
	}
	text = append(text, ']')
	attachment := bytes.Repeat([]byte{0xAB}, maxPayload)

	heapBefore := memtest.LiveHeap()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const attackers = 3
	for i := range attackers {
		c := joinRaw(t, url)
		if err := c.WriteMessage(websocket.TextMessage, text); err != nil {
			t.Fatal(err)
		}
		if err := c.WriteMessage(websocket.BinaryMessage, attachment); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.ReadMessage(); err == nil {
			t.Fatalf("attacker %d: the server sent a message instead of closing", i)
		}
		select {
		case reason := <-reasons:
			if reason != ReasonParseError {
				t.Fatalf("attacker %d disconnected for %q, want %q", i, reason, ReasonParseError)
			}
		case <-time.After(limitsWait):
			t.Fatalf("attacker %d was not disconnected", i)
		}
		healthy()
	}
	runtime.ReadMemStats(&after)
	heapAfter := memtest.LiveHeap()
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d attacks: %d KiB allocated in all, live heap %d KiB before, %d KiB after",
		attackers, allocated>>10, heapBefore>>10, heapAfter>>10)
	// The three packets came to 384 KiB; expanded they would have been over 500 MB.
	if allocated > 32<<20 {
		t.Errorf("the server allocated %d MiB for %d attacks", allocated>>20, attackers)
	}
	if st := srv.EngineStats(); st.Closes.ParseError != attackers {
		t.Errorf("stats count %d parse-error closes, want %d", st.Closes.ParseError, attackers)
	}
}

// TestConnectAnswerIsWrittenAlone: the CONNECT answer goes out in a websocket write of its
// own, even when the connection handler emits at once (issue 13.2; the flusher used to put
// both in one write for 8 connections in 10, the reference 1 in 10). The writes are counted
// on the server's side of each connection: a client's reads cannot tell them apart, as they
// return whatever has arrived.
func TestConnectAnswerIsWrittenAlone(t *testing.T) {
	const connections = 20
	srv := NewServer(Options{
		Engine:              engineio.Options{PingInterval: 10 * time.Minute, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		DisableClientScript: true,
	})
	srv.OnConnection(func(s *Socket) {
		if err := s.Emit("welcome", s.ID()); err != nil {
			t.Error(err)
		}
	})
	accepted := make(chan *wstest.CountedConn, connections)
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener = wstest.CountingWrites{Listener: hs.Listener, Accepted: accepted}
	hs.Start()
	t.Cleanup(func() { srv.Close(); hs.Close() })
	addr := strings.TrimPrefix(hs.URL, "http://")

	for i := range connections {
		c, br, err := wstest.Dial(addr, "/socket.io/?EIO=4&transport=websocket")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(limitsWait))
		if _, err := wstest.ReadShortFrame(br); err != nil { // the open packet
			t.Fatal(err)
		}
		server := <-accepted
		before := server.RawWrites()
		// "40" in a masked text frame; a zero mask key leaves the payload as it is.
		if _, err := c.Write([]byte{0x81, 0x80 | 2, 0, 0, 0, 0, '4', '0'}); err != nil {
			t.Fatal(err)
		}
		answer, err := wstest.ReadShortFrame(br)
		if err != nil || !bytes.HasPrefix(answer, []byte("40{")) {
			t.Fatalf("connection %d: CONNECT answer %q, %v", i, answer, err)
		}
		event, err := wstest.ReadShortFrame(br)
		if err != nil || !bytes.HasPrefix(event, []byte(`42["welcome",`)) {
			t.Fatalf("connection %d: first event %q, %v", i, event, err)
		}
		if writes := server.RawWrites() - before; writes != 2 {
			t.Fatalf("connection %d: the CONNECT answer and the first event took %d writes, want 2", i, writes)
		}
	}
}
