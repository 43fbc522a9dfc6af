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
	"tankarena/realtime/client"
)

// The classic Socket.IO example: greet every client, log what it sends, and broadcast to a
// room of another namespace, to everyone, and to a whole namespace.
func Example() {
	srv := realtime.NewServer(realtime.Options{})
	srv.OnConnection(func(socket *realtime.Socket) {
		socket.Emit("news", map[string]string{"hello": "world"})
		socket.On("other", func(ev *realtime.Event) {
			slog.Info("other", "data", string(ev.Raw(0)))
		})
	})

	srv.Of("/admin").To("level1").Emit("an event", map[string]string{"some": "data"})
	srv.Emit("an event sent to all connected clients")
	srv.Of("/chat").Emit("an event sent to all connected clients in chat namespace")

	http.Handle("/socket.io/", srv)
}

// A handler that answers the client's acknowledgement callback:
// in JS, `const ok = await socket.emitWithAck("join", "arena-1")`.
func ExampleSocket_On() {
	srv := realtime.NewServer(realtime.Options{})
	srv.Of("/game").OnConnection(func(s *realtime.Socket) {
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
	srv := realtime.NewServer(realtime.Options{})
	game := srv.Of("/game")
	frame := []byte{0x01, 0x02, 0x03} // e.g. a packed snapshot
	game.To("arena-1").Volatile().Emit("state", frame)
}

// Reading the handshake: query parameters (io(url, {query: {name: "ann"}})), the auth payload
// (io(url, {auth: {token: "..."}})), and refusing with data the client sees in connect_error.
func ExampleNamespace_Use() {
	srv := realtime.NewServer(realtime.Options{})
	game := srv.Of("/game")
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
	srv := realtime.NewServer(realtime.Options{})
	srv.OnConnection(func(s *realtime.Socket) {
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
	srv := realtime.NewServer(realtime.Options{})
	games := srv.OfRegexp(regexp.MustCompile(`^/game-\d+$`))
	games.OnConnection(func(s *realtime.Socket) {
		s.Emit("welcome", s.Namespace().Name())
	})
	games.Emit("server restarting") // reaches every game namespace created so far
}

// The server also serves the browser client at <path>socket.io.js.
func ExampleServer_ServeHTTP() {
	srv := realtime.NewServer(realtime.Options{})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/socket.io/socket.io.js", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	// Output: 200 application/javascript; charset=utf-8
}

// A relay sends every "x" back to its sender with the arguments unchanged, binary included,
// as the reference's socket.on("x", (...args) => socket.emit("x", ...args)) does. Here a Go
// client sends JSON and binary, at the top and nested, and prints what comes back.
func ExampleArgs_Values() {
	srv := realtime.NewServer(realtime.Options{})
	srv.OnConnection(func(s *realtime.Socket) {
		s.On("x", func(ev *realtime.Event) {
			_ = s.Emit(ev.Name, ev.Values()...)
		})
	})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()

	m, err := client.NewManager(hs.URL, client.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	s, err := m.Socket("/", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	back := make(chan []any, 1)
	s.On("x", func(ev *client.Event) {
		args := make([]any, ev.Len())
		for i := range args {
			_ = ev.Decode(i, &args[i]) // binary decodes into []byte, also inside an any
		}
		back <- args
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := s.Emit("x", map[string]int{"a": 1}, []byte{1, 2, 3}, "s", [][]byte{{4, 5}}); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case args := <-back:
		for _, a := range args {
			fmt.Printf("%T %v\n", a, a)
		}
		if nested, ok := args[3].([]any); ok && len(nested) == 1 {
			fmt.Printf("nested: %T\n", nested[0])
		}
	case <-ctx.Done():
		fmt.Println(ctx.Err())
	}
	// Output:
	// map[string]interface {} map[a:1]
	// []uint8 [1 2 3]
	// string s
	// []interface {} [[4 5]]
	// nested: []uint8
}

// One frame encoded once and sent to many sockets, each saying whether it took it: a sender
// whose next message depends on what each client got (a delta against the last snapshot it
// received) keeps a result per socket, which a broadcast does not give.
func ExampleNamespace_PrepareEvent() {
	srv := realtime.NewServer(realtime.Options{})
	lastTaken := map[string]uint32{} // socket id → the snapshot it holds
	send := func(watchers []*realtime.Socket, n uint32, frame []byte) {
		ev, err := srv.Of("/").PrepareEvent("snapshot", frame)
		if err != nil {
			return
		}
		for _, s := range watchers {
			if took, _ := s.Volatile().TrySendPrepared(ev); took {
				lastTaken[s.ID()] = n
			}
		}
	}
	send(nil, 1, []byte{1, 2, 3})
}
