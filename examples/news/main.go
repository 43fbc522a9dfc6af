// Command news is the smallest realtime server: the classic Socket.IO "news" example, line for
// line in Go. Run it with `go run ./examples/news` and open http://localhost:3000.
package main

import (
	_ "embed"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"time"

	"tankarena/realtime"
)

//go:embed index.html
var page []byte

func main() {
	srv := realtime.NewServer(realtime.Options{})

	srv.OnConnection(func(socket *realtime.Socket) {
		socket.Emit("news", map[string]string{"hello": "world"})
		socket.On("other", func(ev *realtime.Event) {
			var data json.RawMessage
			_ = ev.Decode(0, &data)
			slog.Info("other", "data", data)
		})
	})

	// Broadcasts from outside any handler: a room of a namespace, everyone, another namespace.
	go func() {
		for range time.Tick(5 * time.Second) {
			srv.Of("/admin").To("level1").Emit("an event", map[string]string{"some": "data"})
			srv.Emit("an event sent to all connected clients")
			srv.Of("/chat").Emit("an event sent to all connected clients in chat namespace")
		}
	}()

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	slog.Info("news example listening", "url", "http://localhost:3000")
	if err := http.ListenAndServe(":3000", mux); err != nil {
		slog.Error("news example stopped", "err", err)
		os.Exit(1)
	}
}
