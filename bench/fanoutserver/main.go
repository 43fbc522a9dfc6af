// Command fanoutserver is the Go side of `make bench`: our realtime server doing exactly what
// the reference Node server bench/node/fanout-server.mjs does, so the two can be measured
// against each other in one run.
//
//	fanoutserver <port> <broadcasts-per-second> <payload-bytes> [<redis-url>]
//
// Behaviour (kept in step with the Node server):
//   - websocket transport only, no per-message deflate, the client script is not served;
//   - every 1/rate seconds it broadcasts event "tick" with one argument
//     {"t": <send time, Unix microseconds>, "seq": <n>, "pad": "xxx…"} to every connected
//     client through the ordinary Server.Emit (encoded once for everyone), the pad sized so
//     the whole Socket.IO packet is about <payload-bytes> bytes;
//   - GET /bench/gc runs a full garbage collection, returns freed memory to the OS and
//     answers "ok" (idle-memory scenario);
//   - GET /bench/rate?hz=N changes the broadcast rate (0 stops broadcasting);
//   - it prints "listening <port>" once ready, and stops on SIGINT or SIGTERM.
//
// With a Redis URL (redis://127.0.0.1:6379/0) it is one node of a cluster on the Redis
// adapter (tankarena/realtime/redisadapter): its broadcasts also reach the clients of the
// other nodes, and theirs its clients. The Node server has no such mode: `make bench` uses it
// to compare a broadcast crossing two Go nodes with one node's.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"tankarena/realtime"
	"tankarena/realtime/redisadapter"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fanoutserver:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	port, rate, payloadBytes := 0, 0, 260
	const usage = "usage: fanoutserver <port> <broadcasts-per-second> <payload-bytes> [<redis-url>]"
	if len(args) > 4 {
		return errors.New(usage)
	}
	for i, dst := range []*int{&port, &rate, &payloadBytes} {
		if i >= len(args) {
			break
		}
		n, err := strconv.Atoi(args[i])
		if err != nil || n < 0 {
			return fmt.Errorf("%s: bad argument %q", usage, args[i])
		}
		*dst = n
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var newAdapter func(realtime.Local) realtime.Adapter
	if len(args) == 4 {
		redisadapter.SetRedisLogger(logger)
		node, err := redisadapter.New(ctx, redisadapter.Options{URL: args[3], Logger: logger})
		if err != nil {
			return err // it names the address
		}
		defer node.Close()
		newAdapter = node.NewAdapter
	}
	b := newBroadcaster(logger, payloadBytes, newAdapter)
	defer b.close()
	b.setRate(rate)

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	httpSrv := &http.Server{Handler: b.routes()}
	fmt.Printf("listening %d\n", ln.Addr().(*net.TCPAddr).Port)

	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	case <-ctx.Done():
	}
	b.close()
	_ = httpSrv.Close()
	return nil
}

// answerOK ends a control request the way the Node server does.
func answerOK(w http.ResponseWriter) { _, _ = io.WriteString(w, "ok") }
