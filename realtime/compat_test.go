package realtime

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime/engineio"
)

// TestCompatOfficialClient runs the official socket.io-client v4 (compat/node_modules) against
// this server over polling only, websocket only, and polling upgraded to websocket. The
// assertions about what the client sees are in compat/socketio/*.mjs; this side checks that
// nothing went wrong on the server.
func TestCompatOfficialClient(t *testing.T) {
	node := testenv.Node(t)
	dir := filepath.Join(testenv.CompatDir(t), "socketio")

	var logs testenv.SyncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := newCompatServer(engineio.Options{Logger: logger})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()

	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		for _, script := range []string{"basic.mjs", "rooms.mjs", "disconnect.mjs", "badinput.mjs"} {
			t.Run(mode+"/"+script, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(90*time.Second))
				defer cancel()
				cmd := exec.CommandContext(ctx, node, filepath.Join(dir, script), hs.URL, mode)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), testenv.SlackEnv())
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("node %s %s: %v\n%s", script, mode, err, out)
				}
			})
		}
	}
	if logs.Len() > 0 {
		t.Errorf("the server logged warnings or errors:\n%s", logs.String())
	}
}

// TestCompatHandshakeRateRefusal runs the official client against a server with a handshake
// rate limit: a refused handshake must reach it as a connect_error it recovers from.
func TestCompatHandshakeRateRefusal(t *testing.T) {
	node := testenv.Node(t)
	dir := filepath.Join(testenv.CompatDir(t), "socketio")
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			srv := newCompatServer(engineio.Options{
				// One handshake per 2 s (stretched with the load): the second client, which
				// starts once the first is connected, must come sooner to be refused.
				HandshakeRatePerIP:  1 / testenv.Patience(2*time.Second).Seconds(),
				HandshakeBurstPerIP: 1,
				Logger:              slog.New(slog.DiscardHandler),
			})
			hs := httptest.NewServer(srv)
			defer hs.Close()
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(90*time.Second))
			defer cancel()
			cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "ratelimit.mjs"), hs.URL, mode)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), testenv.SlackEnv())
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("node ratelimit.mjs %s: %v\n%s", mode, err, out)
			}
			if got := srv.EngineStats().Rejected.HandshakeRate; got == 0 {
				t.Error("no handshake was refused for the rate")
			}
		})
	}
}

// reasons records why each socket disconnected, for the scripts to ask about.
type reasons struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every record
	byID    map[string]string
}

func (r *reasons) record(id, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[id] = reason
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *reasons) wait(ctx context.Context, id string) string {
	for {
		r.mu.Lock()
		reason, ok := r.byID[id]
		changed := r.changed
		r.mu.Unlock()
		if ok {
			return reason
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return "unknown socket " + id
		}
	}
}

// newCompatServer is the server the scripts talk to: one handler per thing they check.
func newCompatServer(engine engineio.Options) *Server {
	srv := NewServer(Options{Engine: engine})
	gone := &reasons{changed: make(chan struct{}), byID: map[string]string{}}

	srv.OnConnection(func(s *Socket) {
		s.OnDisconnect(func(reason string) { gone.record(s.ID(), reason) })
		s.Emit("welcome", s.ID(), s.Handshake().Query.Get("name"))

		s.On("echo", func(ev *Event) {
			args := make([]any, ev.Len())
			for i := range args {
				args[i] = ev.Raw(i)
			}
			s.Emit("echo", args...)
		})
		s.On("auth", func(ev *Event) { ev.Ack(s.Handshake().Auth) })
		s.On("relay", func(ev *Event) { s.Emit(ev.Name, ev.Values()...) })
		s.On("sum", func(ev *Event) {
			var a, b float64
			if ev.Decode(0, &a) == nil && ev.Decode(1, &b) == nil {
				ev.Ack(a + b)
			}
		})
		s.On("ask", func(ev *Event) {
			answer, err := s.Timeout(testenv.Patience(10*time.Second)).EmitWithAck(context.Background(), "question", "what?")
			var text string
			if err == nil {
				err = answer.Decode(0, &text)
			}
			if err != nil {
				text = err.Error()
			}
			ev.Ack(text)
		})
		s.On("ask-timeout", func(ev *Event) {
			_, err := s.Timeout(300*time.Millisecond).EmitWithAck(context.Background(), "question-ignored")
			ev.Ack(errors.Is(err, context.DeadlineExceeded))
		})
		s.On("bin", func(ev *Event) {
			var data []byte
			var nested struct {
				Label string `json:"label"`
				Data  []byte `json:"data"`
			}
			if ev.Decode(0, &data) != nil || ev.Decode(1, &nested) != nil {
				ev.Ack("decode failed")
				return
			}
			reversed := slices.Clone(data)
			slices.Reverse(reversed)
			ev.Ack(reversed, map[string]any{"label": nested.Label, "data": nested.Data})
		})
		s.On("binary-please", func(*Event) {
			s.Emit("binary", []byte{1, 2, 3}, struct {
				Name string `json:"name"`
				Data []byte `json:"data"`
			}{"frame", []byte{9, 8}})
		})
		s.On("join", func(ev *Event) {
			var room string
			ev.Decode(0, &room)
			s.Join(room)
			ev.Ack(slices.Contains(s.Rooms(), room))
		})
		s.On("leave", func(ev *Event) {
			var room string
			ev.Decode(0, &room)
			s.Leave(room)
			ev.Ack(!slices.Contains(s.Rooms(), room))
		})
		s.On("shout", func(ev *Event) {
			var room string
			ev.Decode(0, &room)
			s.To(room).Emit("shout", ev.Raw(1))
			ev.Ack()
		})
		s.On("announce", func(ev *Event) {
			srv.Emit("news", ev.Raw(0))
			ev.Ack()
		})
		s.On("volatile", func(ev *Event) {
			var n int
			ev.Decode(0, &n)
			for i := range n {
				s.Volatile().Emit("tick", i)
			}
			s.Emit("ticks-done")
		})
		s.On("kick-me", func(*Event) { s.Disconnect(false) })
		s.On("drop-me", func(*Event) { s.CloseTransport() })
		s.On("reason-of", func(ev *Event) {
			var id string
			ev.Decode(0, &id)
			ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(20*time.Second))
			defer cancel()
			ev.Ack(gone.wait(ctx, id))
		})
	})

	custom := srv.Of("/custom")
	custom.Use(func(s *Socket) error {
		var auth struct{ Token string }
		if err := s.Handshake().DecodeAuth(&auth); err != nil || auth.Token != "secret" {
			return &ConnectError{Message: "not authorized", Data: map[string]string{"reason": "bad token"}}
		}
		return nil
	})
	custom.OnConnection(func(s *Socket) {
		s.On("whoami", func(ev *Event) {
			var auth struct{ Name string }
			s.Handshake().DecodeAuth(&auth)
			ev.Ack(s.Namespace().Name(), auth.Name)
		})
	})
	return srv
}

// TestCompatServerShutdown closes the server under a connected official client: both sides
// see the connection end, the server's socket with ReasonServerShutdown.
func TestCompatServerShutdown(t *testing.T) {
	node := testenv.Node(t)
	dir := filepath.Join(testenv.CompatDir(t), "socketio")
	for _, mode := range []string{"polling", "websocket"} {
		t.Run(mode, func(t *testing.T) {
			srv := NewServer(Options{})
			reasons := make(chan string, 1)
			srv.OnConnection(func(s *Socket) { s.OnDisconnect(func(r string) { reasons <- r }) })
			hs := httptest.NewServer(srv)
			defer hs.Close()

			ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(90*time.Second))
			defer cancel()
			cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "shutdown.mjs"), hs.URL, mode)
			cmd.Env = append(os.Environ(), testenv.SlackEnv())
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr testenv.SyncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stdout)
			if !lines.Scan() || lines.Text() != "connected" {
				cmd.Wait()
				t.Fatalf("client did not connect: %q\n%s", lines.Text(), stderr.String())
			}
			srv.Close()
			if !lines.Scan() {
				cmd.Wait()
				t.Fatalf("client saw no disconnect\n%s", stderr.String())
			}
			// With polling, whether the close packet or an HTTP 400 ends the session depends
			// on whether a poll was parked at that instant: the engine's business.
			if got := lines.Text(); got != "transport close" && got != "transport error" {
				t.Errorf("client's reason = %q, want transport close or error", got)
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("node: %v\n%s", err, stderr.String())
			}
			if got := <-reasons; got != ReasonServerShutdown {
				t.Errorf("server's reason = %q, want %q", got, ReasonServerShutdown)
			}
		})
	}
}
