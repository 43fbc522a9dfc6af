package realtime_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"time"

	"tankarena/realtime"
)

// The classic Socket.IO example: greet every client, log what it sends, and broadcast to a
// room of another namespace, to everyone, and to a whole namespace.
func Example() {
	io := realtime.NewServer(realtime.Options{})
	io.OnConnection(func(socket *realtime.Socket) {
		socket.Emit("news", map[string]string{"hello": "world"})
		socket.On("other", func(ev *realtime.Event) {
			slog.Info("other", "data", string(ev.Raw(0)))
		})
	})

	io.Of("/admin").To("level1").Emit("an event", map[string]string{"some": "data"})
	io.Emit("an event sent to all connected clients")
	io.Of("/chat").Emit("an event sent to all connected clients in chat namespace")

	http.Handle("/socket.io/", io)
}

// A handler that answers the client's acknowledgement callback:
// in JS, `const ok = await socket.emitWithAck("join", "arena-1")`.
func ExampleSocket_On() {
	io := realtime.NewServer(realtime.Options{})
	io.Of("/game").OnConnection(func(s *realtime.Socket) {
		s.On("join", func(ev *realtime.Event) {
			var room string
			if err := ev.Decode(0, &room); err != nil {
				ev.Ack(map[string]string{"error": "room must be a string"})
				return
			}
			s.Join(room)
			s.To(room).Emit("joined", s.ID()) // everyone in the room but s
			ev.Ack(map[string]any{"ok": true, "id": s.ID()})
		})
		s.OnDisconnect(func(reason string) { slog.Info("left", "id", s.ID(), "reason", reason) })
	})
}

// Game state goes to a room as binary, volatile: a client that cannot take this frame right
// now skips it rather than falling behind. The packet is encoded once for the whole room.
func ExampleBroadcastOperator_Volatile() {
	io := realtime.NewServer(realtime.Options{})
	game := io.Of("/game")
	frame := []byte{0x01, 0x02, 0x03} // e.g. a packed snapshot
	game.To("arena-1").Volatile().Emit("state", frame)
}

// Reading the handshake: query parameters (io(url, {query: {name: "ann"}})), the auth payload
// (io(url, {auth: {token: "..."}})), and refusing with data the client sees in connect_error.
func ExampleNamespace_Use() {
	io := realtime.NewServer(realtime.Options{})
	game := io.Of("/game")
	game.Use(func(s *realtime.Socket) error {
		hs := s.Handshake()
		if hs.Query.Get("name") == "" {
			return errors.New("name required")
		}
		var auth struct {
			Token string `json:"token"`
		}
		if err := hs.DecodeAuth(&auth); err != nil || auth.Token != "let-me-in" {
			return &realtime.ConnectError{Message: "not authorized", Data: map[string]string{"hint": "ask the host"}}
		}
		return nil
	})
}

// Asking a client and waiting for its answer, with a timeout.
func ExampleSocket_Timeout() {
	io := realtime.NewServer(realtime.Options{})
	io.OnConnection(func(s *realtime.Socket) {
		s.On("ready", func(*realtime.Event) {
			answer, err := s.Timeout(5*time.Second).EmitWithAck(context.Background(), "pick a colour")
			if err != nil { // errors.Is(err, context.DeadlineExceeded) when the client stays silent
				return
			}
			var colour string
			_ = answer.Decode(0, &colour)
		})
	})
}

// Dynamic namespaces: one per game, created on first use.
func ExampleServer_OfRegexp() {
	io := realtime.NewServer(realtime.Options{})
	games := io.OfRegexp(regexp.MustCompile(`^/game-\d+$`))
	games.OnConnection(func(s *realtime.Socket) {
		s.Emit("welcome", s.Namespace().Name())
	})
	games.Emit("server restarting") // reaches every game namespace created so far
}

// The server also serves the browser client at <path>socket.io.js.
func ExampleServer_ServeHTTP() {
	io := realtime.NewServer(realtime.Options{})
	rec := httptest.NewRecorder()
	io.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/socket.io/socket.io.js", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	// Output: 200 application/javascript; charset=utf-8
}
