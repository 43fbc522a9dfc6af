package host

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"

	"tankarena/game"
)

// Game is a whole game server in one value: what NewGame and Main need to serve a game on the
// room runtime (package game) with this package's plumbing around it. A fork fills one in and
// its main is a call to Main.
type Game[In game.Input[In]] struct {
	// Name is the game's name (in the greeting); Namespace names its metrics (<namespace>_…),
	// its flag set and, in capitals, its environment variables (PIRATES_MAX_PLAYERS).
	Name, Namespace string
	// Addr is the default listen address (-addr); empty: DefaultConfig's ":8080".
	Addr string
	// RoomName is what the game calls a room ("arena" gives -max-arenas); default "room".
	RoomName string
	// Settings are the defaults of the runtime's flags (-max-players …): zero fields take the
	// runtime's own.
	Settings game.Settings
	// Flags, if not nil, adds the game's own flags to the set; it runs before parsing, so
	// what it defines has its values when Setup runs.
	Flags func(*flag.FlagSet)
	// Setup, if not nil, runs once the flags are parsed and before any room opens, with the
	// runtime's settings: it loads what the game needs (maps, say) and returns the kinds of
	// room offered (nil: one kind).
	Setup func(game.Settings) (kinds []string, err error)
	// RegisterMetrics, if not nil, adds the game's own series to /metrics, beside the
	// runtime's and the connection layer's.
	RegisterMetrics func(prometheus.Registerer) error
	// NewSimulation and ParseInput are the game (game.Options).
	NewSimulation func(kind string) (game.Simulation[In], error)
	ParseInput    func(json.RawMessage) (In, error)
	// Static is the page, DevDir the folder it is embedded from and KitDevDir the kit's (for
	// -dev); see Options.
	Static            fs.FS
	DevDir, KitDevDir string
}

// NewGame reads the flags in args (each with its environment fall-back), then builds the
// game's lobby, whose rooms run until ctx ends, and the server around it, serving the lobby on
// the namespace "/". The server stops the lobby when it shuts down.
func NewGame[In game.Input[In]](ctx context.Context, g Game[In], args []string) (*Server, error) {
	cfg := DefaultConfig()
	if g.Addr != "" {
		cfg.Addr = g.Addr
	}
	if g.RoomName == "" {
		g.RoomName = "room"
	}
	// Every game records its replays unless told not to (-replays ""): an empty Settings.Replays
	// is the default folder here, not "off".
	if g.Settings.Replays == "" {
		g.Settings.Replays = DefaultReplayDir(g.Namespace)
	}
	flags := flag.NewFlagSet(g.Namespace, flag.ContinueOnError)
	cfg.RegisterFlags(flags)
	settings := game.RegisterFlags(flags, g.RoomName, g.Settings)
	if g.Flags != nil {
		g.Flags(flags)
	}
	if err := cfg.ParseFlags(flags, args, strings.ToUpper(g.Namespace)+"_"); err != nil {
		return nil, err
	}
	s, err := settings()
	if err != nil {
		return nil, err
	}
	var kinds []string
	if g.Setup != nil {
		if kinds, err = g.Setup(s); err != nil {
			return nil, err
		}
	}
	lobby, err := game.NewLobby(ctx, game.Options[In]{
		NewSimulation: g.NewSimulation, ParseInput: g.ParseInput, Kinds: kinds,
		RoomName: g.RoomName, MetricsNamespace: g.Namespace, Settings: s,
	})
	if err != nil {
		return nil, err
	}
	srv, err := New(cfg, Options{
		Name: g.Name, MetricsNamespace: g.Namespace, Static: g.Static, DevDir: g.DevDir, KitDevDir: g.KitDevDir,
		RegisterMetrics: func(reg prometheus.Registerer) error {
			if err := lobby.Metrics().Register(reg); err != nil {
				return err
			}
			if g.RegisterMetrics != nil {
				return g.RegisterMetrics(reg)
			}
			return nil
		},
		OnShutdown:   lobby.Close,
		Replays:      lobby.Replays(),
		Registration: lobby.Registration,
	})
	if err != nil {
		lobby.Close()
		return nil, err
	}
	lobby.UseDirectory(srv.Directory())
	lobby.Serve(srv.Realtime().Of("/"))
	return srv, nil
}

// Main runs the game as a program: the flags from the command line, NewGame, and Run until
// SIGINT or SIGTERM. It exits 0 after a graceful shutdown or -h, and 1 with the error logged
// otherwise.
func Main[In game.Input[In]](g Game[In]) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, g)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		slog.Error(g.Namespace+" stopped", "err", err)
		os.Exit(1)
	}
}

func run[In game.Input[In]](ctx context.Context, g Game[In]) error {
	srv, err := NewGame(ctx, g, os.Args[1:])
	if err != nil {
		return fmt.Errorf("%s: %w", g.Namespace, err)
	}
	return srv.Run(ctx)
}
