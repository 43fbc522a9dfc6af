package host_test

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"testing/fstest"

	"tankarena/game/host"
	"tankarena/realtime"
)

// A whole game server: an echo "game" whose page sends what you type and shows the answer.
func Example() {
	page := fstest.MapFS{"index.html": {Data: []byte(`<!doctype html><title>Echo</title>
<input id="say"><pre id="log"></pre>
<script src="/socket.io/socket.io.js"></script>
<script>
const socket = io();
say.onchange = () => socket.emit('echo', say.value, (reply) => { log.textContent += reply + '\n'; });
</script>`)}}

	cfg := host.DefaultConfig() // or RegisterFlags and ParseFlags, for -addr, -max-connections, …
	cfg.Addr = "127.0.0.1:8080"
	srv, err := host.New(cfg, host.Options{Name: "Echo", MetricsNamespace: "echo", Static: page})
	if err != nil {
		slog.Error("echo", "err", err)
		os.Exit(1)
	}
	srv.Realtime().Of("/").OnConnection(func(s *realtime.Socket) {
		s.On("echo", func(ev *realtime.Event) { ev.Ack(ev.Values()...) })
	})

	// Run prints where to point browsers and serves until Ctrl-C or SIGTERM; then every
	// player gets a "shutdown" event, the connections close, and Run returns nil.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Run(ctx); err != nil {
		slog.Error("echo", "err", err)
		os.Exit(1)
	}
}
