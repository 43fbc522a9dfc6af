// Command tankarena hosts a real-time multiplayer tank arena for browsers on a LAN.
//
// It wires the parts together: the tank simulation (game/tanks) on the room runtime that runs it
// for connected players (game/), the embedded browser client (web/), and the server plumbing
// every game shares (game/host: flags, routes, limits, /metrics, graceful shutdown) around the
// Socket.IO server (realtime/).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tankarena/assets"
	"tankarena/game"
	"tankarena/game/host"
	"tankarena/game/tanks"
	"tankarena/web"
)

// envPrefix starts the environment variable each flag falls back to: -max-arenas reads
// TANKARENA_MAX_ARENAS.
const envPrefix = "TANKARENA_"

func main() {
	if err := run(os.Args[1:]); err != nil {
		slog.Error("tankarena stopped", "err", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	s, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := newServer(ctx, s)
	if err != nil {
		return err
	}
	slog.Info("tank arena starting", "maps", s.maps, "tick_rate", s.game.TickRate, "snapshot_rate", s.game.SnapshotRate)
	return srv.Run(ctx)
}

// newServer builds the lobby and the server that hosts it; the lobby's arenas run until ctx
// ends, and stop when the server shuts down.
func newServer(ctx context.Context, s settings) (*host.Server, error) {
	lobby, lag, err := newLobby(ctx, s)
	if err != nil {
		return nil, err
	}
	registerMetrics := func(reg prometheus.Registerer) error {
		if err := lobby.Metrics().Register(reg); err != nil {
			return err
		}
		return registerLagMetrics(reg, "tankarena", s.game.TickRate, lag)
	}
	srv, err := host.New(s.host, host.Options{
		Name:             "Tank Arena",
		MetricsNamespace: "tankarena",
		RegisterMetrics:  registerMetrics,
		Static:           web.Files,
		DevDir:           "web",
		KitDevDir:        "web/kit",
		OnShutdown:       lobby.Close,
	})
	if err != nil {
		return nil, err
	}
	lobby.Serve(srv.Realtime().Of("/"))
	return srv, nil
}

// settings are the command line flags, each with an environment variable fall-back.
type settings struct {
	host host.Config   // listen address, -dev, connection limits, origins and hosts
	game game.Settings // rates and limits of the rooms (see README "Limits and security")
	bots int
	maps string // comma-separated
}

func parseFlags(args []string) (settings, error) {
	s := settings{host: host.DefaultConfig()}
	flags := flag.NewFlagSet("tankarena", flag.ContinueOnError)
	s.host.RegisterFlags(flags)
	gameSettings := game.RegisterFlags(flags, "arena")
	flags.IntVar(&s.bots, "bots", 0, "bots fill each arena up to this many tanks; they leave as humans join")
	flags.StringVar(&s.maps, "map", "arena", "map name from assets/maps, or a path to a map file; a comma `list` offers several, the first by default, another with ?map=name in the page address")
	if err := s.host.ParseFlags(flags, args, envPrefix); err != nil {
		return s, err
	}
	if s.bots < 0 {
		return s, errors.New("flags: need bots >= 0")
	}
	var err error
	s.game, err = gameSettings()
	return s, err
}

// loadMap reads a map by name from the embedded assets, or from disk when given a path.
func loadMap(name string) (*tanks.Map, error) {
	data, err := fs.ReadFile(assets.Maps, "maps/"+name+".txt")
	if err != nil {
		var diskErr error
		if data, diskErr = os.ReadFile(name); diskErr != nil {
			return nil, fmt.Errorf("map %q: not in assets/maps and not a readable file: %w", name, diskErr)
		}
	}
	return tanks.LoadMap(name, data)
}

// newLobby builds the tank game and the room runtime that runs it from the settings; it also
// returns each map's lag compensation counters, for /metrics.
func newLobby(ctx context.Context, s settings) (*game.Lobby[tanks.Input], []*tanks.LagStats, error) {
	cfg := tanks.DefaultConfig()
	cfg.TickRate = s.game.TickRate
	cfg.MaxPlayers = max(s.game.MaxPlayers, s.bots)
	seed := func() uint64 { return uint64(time.Now().UnixNano()) }
	// One kind of room per map: a player asks for one with ?map= (the join's kind).
	var kinds []string
	var lag []*tanks.LagStats
	games := map[string]*tanks.Game{}
	for _, name := range strings.Split(s.maps, ",") {
		name = strings.TrimSpace(name)
		if _, dup := games[name]; dup {
			continue
		}
		m, err := loadMap(name)
		if err != nil {
			return nil, nil, err
		}
		if games[name], err = tanks.NewGame(cfg, m, s.bots, seed); err != nil {
			return nil, nil, err
		}
		kinds = append(kinds, name)
		lag = append(lag, games[name].LagStats())
	}
	lobby, err := game.NewLobby(ctx, game.Options[tanks.Input]{
		Kinds: kinds,
		NewSimulation: func(kind string) (game.Simulation[tanks.Input], error) {
			room, err := games[kind].NewRoom()
			if err != nil {
				return nil, err
			}
			return room, nil
		},
		ParseInput:       tanks.ParseInput,
		RoomName:         "arena",
		MetricsNamespace: "tankarena",
		Settings:         s.game,
	})
	return lobby, lag, err
}
