package engineio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// These tests run the official engine.io-client (compat/node_modules) against the Go server:
// each script in compat/engineio prints what it saw and exits non-zero if its own checks
// failed; the Go side checks what the server saw.

// runNode runs compat/engineio/<script> with args and returns its output lines.
func runNode(t *testing.T, script string, args ...string) []string {
	t.Helper()
	node := testenv.Node(t)
	dir := testenv.CompatDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(60*time.Second))
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append([]string{filepath.Join(dir, "engineio", script)}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), testenv.SlackEnv())
	out, err := cmd.CombinedOutput()
	t.Logf("node %s %v:\n%s", script, args, out)
	if err != nil {
		t.Fatalf("node %s: %v", script, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// hasLine fails the test unless want is one of lines.
func hasLine(t *testing.T, lines []string, want string) {
	t.Helper()
	for _, l := range lines {
		if l == want {
			return
		}
	}
	t.Errorf("output lacks %q", want)
}

// compatServer echoes every message; "close-me" instead gets "bye" and a server-side close.
func compatServer(t *testing.T, opts Options) *testServer {
	ts := startServer(t, opts, false)
	ts.OnConnection(func(s *Session) {
		rec := &testSession{Session: s, messages: make(chan Message, 4096), closed: make(chan string, 1)}
		s.OnMessage(func(m Message) {
			rec.messages <- m
			if !m.Binary && string(m.Data) == "close-me" {
				_ = s.Send(Message{Data: []byte("bye")})
				s.Close(ReasonForcedClose)
				return
			}
			if err := s.Send(m); err != nil {
				t.Errorf("echo: %v", err)
			}
		})
		s.OnClose(func(reason string) { rec.closed <- reason })
		ts.sessions <- rec
	})
	return ts
}

// checkEchoMessages checks the server received the three messages of echo.mjs.
func checkEchoMessages(t *testing.T, sess *testSession) {
	t.Helper()
	want := []Message{
		{Data: []byte("héllo wörld ✓ 🚀")},
		{Binary: true, Data: []byte{0, 1, 2, 255}},
		{Binary: true, Data: []byte{9, 8, 7}},
	}
	for i, w := range want {
		if m := sess.nextMessage(t); m.Binary != w.Binary || !bytes.Equal(m.Data, w.Data) {
			t.Errorf("message %d = %+v, want %+v", i, m, w)
		}
	}
	if reason := sess.waitClosed(t); reason != ReasonTransportClose {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportClose)
	}
}

func TestCompatPollingOnly(t *testing.T) {
	ts := compatServer(t, Options{})
	lines := runNode(t, "echo.mjs", ts.http.URL, "polling")
	hasLine(t, lines, "open over polling")
	hasLine(t, lines, "echo ok over polling")
	hasLine(t, lines, "close: forced close")
	checkEchoMessages(t, ts.nextSession(t))
}

func TestCompatWebSocketOnly(t *testing.T) {
	ts := compatServer(t, Options{})
	lines := runNode(t, "echo.mjs", ts.http.URL, "websocket")
	hasLine(t, lines, "open over websocket")
	hasLine(t, lines, "echo ok over websocket")
	checkEchoMessages(t, ts.nextSession(t))
}

func TestCompatUpgrade(t *testing.T) {
	ts := compatServer(t, Options{})
	lines := runNode(t, "echo.mjs", ts.http.URL, "polling,websocket", "upgrade")
	hasLine(t, lines, "open over polling")
	hasLine(t, lines, "upgraded to websocket")
	hasLine(t, lines, "echo ok over websocket")
	sess := ts.nextSession(t)
	if sess.Transport() != TransportWebSocket {
		t.Errorf("server transport %q after the client upgraded", sess.Transport())
	}
	checkEchoMessages(t, sess)
}

func TestCompatOrderAcrossUpgrade(t *testing.T) {
	ts := compatServer(t, Options{})
	const minimum = 200
	lines := runNode(t, "order.mjs", ts.http.URL, strconv.Itoa(minimum))
	var sentBefore, receivedBefore, sent int
	for _, l := range lines {
		fmt.Sscanf(l, "upgraded to websocket after sending %d and receiving %d", &sentBefore, &receivedBefore)
		fmt.Sscanf(l, "sent %d", &sent)
	}
	if sentBefore < 1 || sent < minimum || sentBefore >= sent {
		t.Errorf("stream did not span the upgrade: %d of %d sent before it", sentBefore, sent)
	}
	hasLine(t, lines, fmt.Sprintf("order ok: %d echoes in order", sent))
	sess := ts.nextSession(t)
	for i := range sent {
		if m := sess.nextMessage(t); string(m.Data) != strconv.Itoa(i) {
			t.Fatalf("server got message %q at position %d", m.Data, i)
		}
	}
}

func TestCompatServerClose(t *testing.T) {
	for _, transport := range []string{TransportPolling, TransportWebSocket} {
		t.Run(transport, func(t *testing.T) {
			ts := compatServer(t, Options{})
			lines := runNode(t, "server_close.mjs", ts.http.URL, transport)
			hasLine(t, lines, "open over "+transport)
			hasLine(t, lines, "messages: bye")
			hasLine(t, lines, "close: transport close")
			if reason := ts.nextSession(t).waitClosed(t); reason != ReasonForcedClose {
				t.Errorf("server close reason %q", reason)
			}
		})
	}
}

func TestCompatHeartbeat(t *testing.T) {
	for _, transport := range []string{TransportPolling, TransportWebSocket} {
		t.Run(transport, func(t *testing.T) {
			ts := compatServer(t, Options{PingInterval: 50 * time.Millisecond, PingTimeout: waitLong})
			lines := runNode(t, "heartbeat.mjs", ts.http.URL, transport, "4")
			hasLine(t, lines, "pings: 4 over "+transport)
			hasLine(t, lines, "close: forced close")
			if reason := ts.nextSession(t).waitClosed(t); reason != ReasonTransportClose {
				t.Errorf("server close reason %q, want %q (the client left, no ping timeout)", reason, ReasonTransportClose)
			}
		})
	}
}

func TestCompatPingTimeout(t *testing.T) {
	ts := compatServer(t, Options{PingInterval: 50 * time.Millisecond, PingTimeout: 100 * time.Millisecond})
	lines := runNode(t, "silent_ws.mjs", ts.http.URL)
	hasLine(t, lines, "frames after open: 2")
	hasLine(t, lines, "close code: 1000")
	if reason := ts.nextSession(t).waitClosed(t); reason != ReasonPingTimeout {
		t.Errorf("server close reason %q, want %q", reason, ReasonPingTimeout)
	}
}

// TestCompatClientCloseReleasesPoll closes a polling session from the official client: its
// close packet arrives while its GET is parked, and that GET must be answered with a noop, as
// the reference does, before the session ends with "transport close".
func TestCompatClientCloseReleasesPoll(t *testing.T) {
	engine := NewServer(Options{Logger: slog.New(slog.DiscardHandler)})
	closed := make(chan string, 1)
	engine.OnConnection(func(s *Session) { s.OnClose(func(reason string) { closed <- reason }) })
	polls := &pollRecorder{engine: engine, t: t}
	hs := httptest.NewServer(polls)
	t.Cleanup(func() {
		engine.Close()
		hs.Close()
	})

	lines := runNode(t, "client_close.mjs", hs.URL)
	hasLine(t, lines, "open over polling")
	hasLine(t, lines, "close: forced close")
	select {
	case reason := <-closed:
		if reason != ReasonTransportClose {
			t.Errorf("server close reason %q, want %q", reason, ReasonTransportClose)
		}
	case <-time.After(waitLong):
		t.Fatal("the session did not close")
	}
	// The answer is recorded once the engine is done with the request, which may be after
	// the session closed and the client went away.
	var answers []string
	waitFor(t, "the parked poll to be answered", func() bool {
		answers = polls.answers()
		return len(answers) > 0
	})
	if answers[len(answers)-1] != "6" {
		t.Errorf("poll answers %q, want the last one to be a noop (6)", answers)
	}
}

// pollRecorder sits in front of an engine: it records the body of every poll answer, and
// holds a POST carrying the close packet until the session has a poll parked, so that the
// close meets a waiting poll (the case under test) instead of racing the client's next GET.
type pollRecorder struct {
	engine *Server
	t      *testing.T

	mu    sync.Mutex
	polls []string
}

func (p *pollRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sid := r.URL.Query().Get("sid")
	switch {
	case sid != "" && r.Method == http.MethodGet:
		rec := &bodyRecorder{ResponseWriter: w}
		p.engine.ServeHTTP(rec, r)
		p.mu.Lock()
		p.polls = append(p.polls, rec.body.String())
		p.mu.Unlock()
		return
	case sid != "" && r.Method == http.MethodPost:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			p.t.Errorf("reading a POST: %v", err)
			return
		}
		if string(body) == "1" {
			deadline := time.Now().Add(waitLong)
			for sess := p.engine.session(sid); sess != nil && !pollParked(sess); {
				if time.Now().After(deadline) {
					p.t.Error("no poll parked before the close packet")
					break
				}
				time.Sleep(time.Millisecond)
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	p.engine.ServeHTTP(w, r)
}

func (p *pollRecorder) answers() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.polls)
}

// bodyRecorder copies what is written through it; Unwrap lets the engine reach the real
// writer's deadlines and flushing through http.ResponseController.
type bodyRecorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	b.body.Write(p)
	return b.ResponseWriter.Write(p)
}

func (b *bodyRecorder) Unwrap() http.ResponseWriter { return b.ResponseWriter }
