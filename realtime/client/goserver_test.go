package client_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

func TestAgainstGoServer(t *testing.T) {
	runSuite(t, startGoServer(t))
}

// startGoServer serves tankarena/realtime with the behaviour of
// compat/goclient/server.mjs, so the same suite runs against both servers.
func startGoServer(t testing.TB) string {
	srv := realtime.NewServer(realtime.Options{Engine: engineio.Options{
		PingInterval: 300 * time.Millisecond, // as the Node script: many pongs, generous timeout
		PingTimeout:  testenv.Patience(10 * time.Second),
		Logger:       slog.New(slog.DiscardHandler),
	}})
	// the raw TCP connections by remote address, so "drop-transport" can cut
	// one without a Socket.IO goodbye, like socket.conn.close() in Node
	var raw sync.Map
	wire := func(s *realtime.Socket) { wireGoSocket(s, &raw) }
	srv.OnConnection(wire)
	custom := srv.Of("/custom")
	custom.Use(func(s *realtime.Socket) error {
		var auth struct{ Token *string }
		if err := s.Handshake().DecodeAuth(&auth); err != nil {
			return err
		}
		if auth.Token != nil && *auth.Token == "secret" {
			return nil
		}
		return &realtime.ConnectError{Message: "unauthorized", Data: map[string]any{"reason": "bad token", "token": auth.Token}}
	})
	custom.OnConnection(wire)

	hs := httptest.NewUnstartedServer(srv)
	hs.Config.ConnState = func(c net.Conn, state http.ConnState) {
		switch state {
		case http.StateNew:
			raw.Store(c.RemoteAddr().String(), c)
		case http.StateClosed:
			raw.Delete(c.RemoteAddr().String())
		}
	}
	hs.Start()
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
	})
	return hs.URL
}

func wireGoSocket(s *realtime.Socket, raw *sync.Map) {
	hs := s.Handshake()
	auth := hs.Auth
	if auth == nil {
		auth = json.RawMessage(`{}`)
	}
	var tag any
	if v, ok := hs.Query["tag"]; ok && len(v) > 0 {
		tag = v[0]
	}
	_ = s.Emit("hello", s.Namespace().Name(), auth, tag)

	rawArgs := func(ev *realtime.Event) []any {
		args := make([]any, ev.Len())
		for i := range args {
			args[i] = ev.Raw(i)
		}
		return args
	}
	s.On("echo", func(ev *realtime.Event) {
		if ev.WantsAck() {
			_ = ev.Ack(rawArgs(ev)...)
		} else {
			_ = s.Emit("echo", rawArgs(ev)...)
		}
	})
	// echo-binary knows the binary test's shapes: (bytes) or (bytes, {name, blob}, text)
	s.On("echo-binary", func(ev *realtime.Event) {
		var top []byte
		if err := ev.Decode(0, &top); err != nil {
			return
		}
		args := []any{top}
		if ev.Len() == 3 {
			var inner struct {
				Name string `json:"name"`
				Blob []byte `json:"blob"`
			}
			var text string
			if ev.Decode(1, &inner) != nil || ev.Decode(2, &text) != nil {
				return
			}
			args = append(args, inner, text)
		}
		if ev.WantsAck() {
			_ = ev.Ack(args...)
		} else {
			_ = s.Emit("echo-binary", args...)
		}
	})
	// ask: emit <event>(args...) with an ack and a timeout; report as asked(error|null, answer...)
	s.On("ask", func(ev *realtime.Event) {
		var event string
		var timeoutMs int
		if ev.Decode(0, &event) != nil || ev.Decode(1, &timeoutMs) != nil {
			return
		}
		args := rawArgs(ev)[2:]
		go func() {
			answer, err := s.Timeout(time.Duration(timeoutMs)*time.Millisecond).EmitWithAck(context.Background(), event, args...)
			if err != nil {
				_ = s.Emit("asked", err.Error())
				return
			}
			report := []any{nil}
			for i := range answer.Len() {
				report = append(report, answer.Raw(i))
			}
			_ = s.Emit("asked", report...)
		}()
	})
	// describe: the first argument must arrive as bytes; the rest are named by JSON kind
	s.On("describe", func(ev *realtime.Event) {
		var first []byte
		if err := ev.Decode(0, &first); err != nil {
			_ = ev.Ack([]string{fmt.Sprint("not bytes: ", err)})
			return
		}
		kinds := []string{"buffer:" + hex.EncodeToString(first)}
		for i := 1; i < ev.Len(); i++ {
			var v any
			_ = ev.Decode(i, &v)
			switch v.(type) {
			case float64:
				kinds = append(kinds, "number")
			case string:
				kinds = append(kinds, "string")
			default:
				kinds = append(kinds, fmt.Sprintf("%T", v))
			}
		}
		_ = ev.Ack(kinds)
	})
	s.On("never-ack", func(*realtime.Event) {})
	s.On("disconnect-me", func(*realtime.Event) { s.Disconnect(false) })
	s.On("drop-transport", func(*realtime.Event) {
		if c, ok := raw.Load(hs.Address); ok {
			c.(net.Conn).Close()
		}
	})
}
