// Command tankarena hosts a real-time multiplayer tank arena for browsers on a LAN.
//
// It wires the parts together: the game simulation (game/), the Socket.IO server
// (realtime/) and the embedded browser client (web/).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"

	"tankarena/web"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		slog.Error("tankarena stopped", "err", err)
		os.Exit(1)
	}
}

// envOr returns the environment variable key, or def when it is unset.
func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func run(args []string) error {
	flags := flag.NewFlagSet("tankarena", flag.ContinueOnError)
	defaultAddr := ":8080"
	if port := os.Getenv("PORT"); port != "" {
		defaultAddr = ":" + port
	}
	addr := flags.String("addr", envOr("TANKARENA_ADDR", defaultAddr), "listen address (env TANKARENA_ADDR, or PORT)")
	if err := flags.Parse(args); err != nil {
		return err
	}

	static, err := fs.Sub(web.Files, ".")
	if err != nil {
		return fmt.Errorf("web files: %w", err)
	}
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	r.Handle("/*", http.FileServerFS(static))

	srv := &http.Server{Addr: *addr, Handler: r, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("tank arena listening", "addr", *addr)

	select {
	case err := <-errc:
		return fmt.Errorf("listen: %w", err)
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
