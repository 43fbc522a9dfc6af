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
	"syscall"
	"time"

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
	slog.Info("tank arena starting", "map", s.mapName, "tick_rate", s.tickRate, "snapshot_rate", s.snapshotRate)
	return srv.Run(ctx)
}

// newServer builds the lobby and the server that hosts it; the lobby's arenas run until ctx
// ends, and stop when the server shuts down.
func newServer(ctx context.Context, s settings) (*host.Server, error) {
	lobby, err := newLobby(ctx, s)
	if err != nil {
		return nil, err
	}
	srv, err := host.New(s.host, host.Options{
		Name:             "Tank Arena",
		MetricsNamespace: "tankarena",
		RegisterMetrics:  lobby.Metrics().Register,
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
	host         host.Config // listen address, -dev, connection limits, origins and hosts
	tickRate     int
	snapshotRate int
	bots         int
	maxPlayers   int
	mapName      string
	lag          game.LagProfile

	// Limits (see README "Limits and security").
	maxArenas     int
	inputRate     int // inputs per second per player; 0 means twice the tick rate
	maxNameLength int // characters

	// Seats and joins (see README "Limits and security" and arena.Options).
	maxSeatsPerIP int // seats, held ones included, per client address (IPv6: per /64)
	joinRate      int // joins a second per address; 0: no limit
	maxClientLag  int // ms of lag, and of jitter, a player may ask for; 0: players may not
}

func parseFlags(args []string) (settings, error) {
	s := settings{host: host.DefaultConfig()}
	flags := flag.NewFlagSet("tankarena", flag.ContinueOnError)
	s.host.RegisterFlags(flags)
	flags.IntVar(&s.tickRate, "tick-rate", 60, "simulation ticks per second")
	flags.IntVar(&s.snapshotRate, "snapshot-rate", 30, "snapshots per second sent to each player")
	flags.IntVar(&s.bots, "bots", 0, "bots fill each arena up to this many tanks; they leave as humans join")
	flags.IntVar(&s.maxPlayers, "max-players", 16, "players per arena; a new arena opens when all are full")
	flags.StringVar(&s.mapName, "map", "arena", "map name from assets/maps, or a path to a map file")
	lagMS := flags.Int("lag", 0, "simulated one-way delay in ms for every player, for netcode testing (per player: ?lag=)")
	jitterMS := flags.Int("jitter", 0, "simulated delay jitter in ms (per player: ?jitter=)")
	loss := flags.Float64("loss", 0, "simulated loss of snapshots and inputs, 0..1 (per player: ?loss=)")
	flags.IntVar(&s.maxArenas, "max-arenas", game.DefaultMaxRooms, "arenas running at once; when all are full a join is refused with \"server full\"")
	flags.IntVar(&s.inputRate, "input-rate", 0, "inputs per second one player may send on average, bursts of 16; more are dropped; 0: twice the tick rate")
	flags.IntVar(&s.maxNameLength, "max-name-length", game.DefaultMaxNameLength, "longest player name in characters; longer names are cut")
	flags.IntVar(&s.maxSeatsPerIP, "max-seats-per-ip", game.DefaultMaxSeatsPerAddress, "players from one address (an IPv6 /64), seats kept for reconnecting ones included; beyond it a join is refused")
	flags.IntVar(&s.joinRate, "join-rate", game.DefaultJoinRate, "joins one address may make a second, in bursts of 32 (a connection: 1 a second, bursts of 10); beyond it a join is refused; 0: no limit")
	flags.IntVar(&s.maxClientLag, "max-client-lag", int(game.DefaultMaxClientLag.Milliseconds()), "most simulated lag, and jitter, in ms a player may ask for with ?lag=&jitter=; 0: players may not choose")
	if err := s.host.ParseFlags(flags, args, envPrefix); err != nil {
		return s, err
	}
	if s.tickRate < 1 || s.tickRate > 240 || s.snapshotRate < 1 || s.maxPlayers < 1 || s.bots < 0 || *loss < 0 || *loss > 1 {
		return s, errors.New("flags: need 1 <= tick-rate <= 240, snapshot-rate >= 1, max-players >= 1, bots >= 0, 0 <= loss <= 1")
	}
	if s.maxArenas < 1 || s.inputRate < 0 || s.maxNameLength < 1 {
		return s, errors.New("flags: need max-arenas >= 1, input-rate >= 0, max-name-length >= 1")
	}
	if s.maxSeatsPerIP < 1 || s.joinRate < 0 || s.maxClientLag < 0 {
		return s, errors.New("flags: need max-seats-per-ip >= 1, join-rate >= 0, max-client-lag >= 0")
	}
	s.lag = game.LagProfile{Lag: time.Duration(*lagMS) * time.Millisecond, Jitter: time.Duration(*jitterMS) * time.Millisecond, Loss: *loss}
	return s, nil
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

// newLobby builds the tank game and the room runtime that runs it from the settings.
func newLobby(ctx context.Context, s settings) (*game.Lobby[tanks.Input], error) {
	m, err := loadMap(s.mapName)
	if err != nil {
		return nil, err
	}
	cfg := tanks.DefaultConfig()
	cfg.TickRate = s.tickRate
	cfg.MaxPlayers = max(s.maxPlayers, s.bots)
	tankGame, err := tanks.NewGame(cfg, m, s.bots, func() uint64 { return uint64(time.Now().UnixNano()) })
	if err != nil {
		return nil, err
	}
	// The flags' 0 (no limit; players may not choose) is the options' negative, and -join-rate 0
	// lifts the per-connection join rate too.
	joinRate, connJoinRate := float64(s.joinRate), 0.0 // 0: game.DefaultConnJoinRate
	if s.joinRate == 0 {
		joinRate, connJoinRate = -1, -1
	}
	maxClientLag := time.Duration(s.maxClientLag) * time.Millisecond
	if s.maxClientLag == 0 {
		maxClientLag = -1
	}
	return game.NewLobby(ctx, game.Options[tanks.Input]{
		NewSimulation: func() (game.Simulation[tanks.Input], error) {
			room, err := tankGame.NewRoom()
			if err != nil {
				return nil, err
			}
			return room, nil
		},
		ParseInput:         tanks.ParseInput,
		RoomName:           "arena",
		MetricsNamespace:   "tankarena",
		TickRate:           s.tickRate,
		SnapshotRate:       s.snapshotRate,
		MaxPlayers:         s.maxPlayers,
		MaxRooms:           s.maxArenas,
		InputRate:          s.inputRate,
		MaxNameLength:      s.maxNameLength,
		MaxSeatsPerAddress: s.maxSeatsPerIP,
		JoinRate:           joinRate,
		ConnJoinRate:       connJoinRate,
		MaxClientLag:       maxClientLag,
		Lag:                s.lag,
	})
}
