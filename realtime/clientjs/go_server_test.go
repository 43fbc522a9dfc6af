package clientjs_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// testPages are the pages the cases navigate to, as compat/clientjs/server.js serves them.
var testPages = map[string]string{
	"/":           `<!doctype html><meta charset="utf-8"><title>client test</title><script src="/socket.io/socket.io.js"></script>`,
	"/blank.html": `<!doctype html><meta charset="utf-8"><title>blank</title>`,
}

// startGoServer runs our realtime server with the same behaviours as the reference test server
// (compat/clientjs/server.js), serving the embedded client script itself.
func startGoServer(t *testing.T) target {
	t.Helper()
	return target{
		name:        "go",
		url:         serveGo(t, nil),
		pollingOnly: serveGo(t, []string{engineio.TransportPolling}),
	}
}

func serveGo(t *testing.T, transports []string) string {
	t.Helper()
	srv := realtime.NewServer(realtime.Options{Engine: engineio.Options{
		// Short heartbeats, as in the reference test server.
		PingInterval: 500 * time.Millisecond,
		PingTimeout:  testenv.Patience(3 * time.Second),
		Transports:   transports,
	}})
	front := newTestFront(srv)
	handlers := func(s *realtime.Socket) { goHandlers(front, s) }
	srv.OnConnection(handlers)
	srv.Of("/admin").OnConnection(handlers)
	private := srv.Of("/private")
	private.Use(func(s *realtime.Socket) error {
		var auth struct{ Token string }
		if err := s.Handshake().DecodeAuth(&auth); err != nil || auth.Token != "secret" {
			return &realtime.ConnectError{Message: "not authorized", Data: map[string]string{"reason": "bad token"}}
		}
		return nil
	})
	private.OnConnection(handlers)

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", front)
	mux.HandleFunc("/", servePage)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		front.close() // first: hs.Close waits for the requests the front holds
		srv.Close()
		hs.Close()
		front.closeConns() // hijacked connections are no longer the http.Server's to close
	})
	return hs.URL
}

func servePage(w http.ResponseWriter, r *http.Request) {
	page, ok := testPages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(page))
}

// disconnectReasons holds the reason each socket left with, by socket id, for "disconnect-reason".
var disconnectReasons sync.Map

// goHandlers mirrors handlers() in compat/clientjs/server.js; front plays "go-silent".
func goHandlers(front *testFront, s *realtime.Socket) {
	auth := json.RawMessage(`{}`)
	if len(s.Handshake().Auth) > 0 {
		auth = s.Handshake().Auth
	}
	_ = s.Emit("welcome", map[string]any{"nsp": s.Namespace().Name(), "auth": auth})

	var mu sync.Mutex
	var notes []json.RawMessage
	s.On("echo", func(ev *realtime.Event) {
		args := make([]any, ev.Len())
		for i := range args {
			args[i] = ev.Raw(i)
		}
		if ev.WantsAck() {
			_ = ev.Ack(args...)
		} else {
			_ = s.Emit("echoed", args...)
		}
	})
	s.On("binary", func(ev *realtime.Event) {
		var first, second, fourth []byte
		var third struct {
			Nested []byte `json:"nested"`
			Text   string `json:"text"`
		}
		err := errors.Join(ev.Decode(0, &first), ev.Decode(1, &second), ev.Decode(2, &third), ev.Decode(3, &fourth))
		if err != nil {
			_ = ev.Ack(err.Error())
			return
		}
		described := []any{describe(first), describe(second),
			map[string]any{"nested": describe(third.Nested), "text": third.Text}, describe(fourth)}
		_ = ev.Ack(described, []byte{9, 8, 7})
		_ = s.Emit("bytes", []byte{1, 2, 3, 255}, map[string][]byte{"nested": []byte("hi")})
	})
	s.On("ask", func(ev *realtime.Event) {
		var question string
		_ = ev.Decode(0, &question)
		go func() { // wait for the client's answer off the socket's handler goroutine
			answer, err := s.Timeout(testenv.Patience(10*time.Second)).EmitWithAck(context.Background(), "question", question, []byte{5, 6})
			if err != nil {
				_ = ev.Ack(map[string]string{"error": err.Error()})
				return
			}
			var got struct {
				Text          string `json:"text"`
				IsArrayBuffer bool   `json:"isArrayBuffer"`
				Got           []int  `json:"got"`
				Back          []byte `json:"back"`
			}
			if err := answer.Decode(0, &got); err != nil {
				_ = ev.Ack(map[string]string{"error": err.Error()})
				return
			}
			_ = ev.Ack(map[string]any{"answer": map[string]any{
				"text": got.Text, "isArrayBuffer": got.IsArrayBuffer, "got": got.Got, "back": describe(got.Back),
			}})
		}()
	})
	s.On("ignore", func(*realtime.Event) {})
	s.On("transport", func(ev *realtime.Event) { _ = ev.Ack(s.Transport()) })
	s.On("note", func(ev *realtime.Event) {
		mu.Lock()
		defer mu.Unlock()
		notes = append(notes, ev.Raw(0))
	})
	s.On("notes", func(ev *realtime.Event) {
		mu.Lock()
		defer mu.Unlock()
		_ = ev.Ack(append([]json.RawMessage{}, notes...))
	})
	s.On("disconnect-me", func(*realtime.Event) { s.Disconnect(false) })
	s.On("drop-transport", func(*realtime.Event) { s.CloseTransport() })
	s.On("go-silent", func(*realtime.Event) { front.silence() })
	s.OnDisconnect(func(reason string) { disconnectReasons.Store(s.ID(), reason) })
	s.On("disconnect-reason", func(ev *realtime.Event) {
		var id string
		_ = ev.Decode(0, &id)
		reason, _ := disconnectReasons.Load(id)
		_ = ev.Ack(reason)
	})
	s.On("open-probe-gate", func(ev *realtime.Event) {
		var sid string
		if ev.Decode(0, &sid) == nil {
			front.openGate(sid)
		}
	})
}

// describe shows bytes the way the reference server's describe() does: {"buffer": [1, 2]}.
func describe(b []byte) map[string][]int {
	ints := make([]int, len(b))
	for i, v := range b {
		ints[i] = int(v)
	}
	return map[string][]int{"buffer": ints}
}
