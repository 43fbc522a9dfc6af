// Command pirates is the seed's "Pirates!" on the room runtime, and the template to fork for a
// game of your own: sim.go is the game, index.html its page, this file the wiring. Run it with
// `go run ./examples/pirates`: it serves on :8081; -h lists the flags (PIRATES_… in the env).
package main

import (
	"context"
	"embed"
	"flag"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"syscall"

	"tankarena/game"
	"tankarena/game/host"
)

//go:embed index.html
var page embed.FS

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := newServer(ctx, os.Args[1:])
	if err == nil {
		err = srv.Run(ctx) // prints the addresses and the QR code; nil after a graceful shutdown
	}
	if err != nil {
		slog.Error("pirates stopped", "err", err)
		os.Exit(1)
	}
}

// newServer reads the flags and builds the server: rooms of Pirates! on the runtime until ctx
// ends, the page, the kit, /metrics and /healthz.
func newServer(ctx context.Context, args []string) (*host.Server, error) {
	cfg, flags := host.DefaultConfig(), flag.NewFlagSet("pirates", flag.ContinueOnError)
	cfg.Addr = ":8081" // beside the tank game's :8080
	cfg.RegisterFlags(flags)
	settings := game.RegisterFlags(flags, "room")
	if err := cfg.ParseFlags(flags, args, "PIRATES_"); err != nil {
		return nil, err
	}
	s, err := settings()
	if err != nil {
		return nil, err
	}
	lobby, err := game.NewLobby(ctx, game.Options[Input]{Settings: s, ParseInput: parseInput, MetricsNamespace: "pirates",
		NewSimulation: func() (game.Simulation[Input], error) { return newWorld(rand.Uint64()), nil }})
	if err != nil {
		return nil, err
	}
	srv, err := host.New(cfg, host.Options{Name: "Pirates!", MetricsNamespace: "pirates", Static: page, DevDir: "examples/pirates",
		RegisterMetrics: lobby.Metrics().Register, OnShutdown: lobby.Close})
	if err == nil {
		lobby.Serve(srv.Realtime().Of("/"))
	}
	return srv, err
}
