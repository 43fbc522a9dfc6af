// Command tankarena hosts a real-time multiplayer tank arena for browsers on a LAN.
//
// It wires the parts together: the tank simulation (game/tanks) on the room runtime that runs it
// for connected players (game/), the embedded browser client (web/), and the server plumbing
// every game shares (game/host: flags with TANKARENA_… environment fall-backs, routes, limits,
// /metrics, graceful shutdown) around the Socket.IO server (realtime/).
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tankarena/assets"
	"tankarena/game"
	"tankarena/game/host"
	"tankarena/game/tanks"
	"tankarena/web"
)

func main() { host.Main(tankArena()) }

// defaultMaps is the rotation without -maps: every shipped map, the open arena first.
const defaultMaps = "arena,bunkers,fortress"

// tankArena is the whole server: the tank game's own flags (-bots, -maps, -round) beside the
// runtime's and the host's, one kind of room per map, and the browser client.
//
// The map list is both the rotation and the kinds of room: every room plays the maps in turn,
// a round each, and the kind a player picks (?map=name) is only the map its room starts on. So
// one list says everything, and two rooms of different kinds are the same rotation out of step.
func tankArena() host.Game[tanks.Input] {
	var bots int
	var maps string
	round, intermission := 5*time.Minute, 10*time.Second
	games := map[string]*tanks.Game{} // by map name, the kinds of room; filled by Setup
	var lag []*tanks.LagStats         // each game's lag compensation counters
	tickRate := 0
	return host.Game[tanks.Input]{
		Name: "Tank Arena", Namespace: "tankarena", RoomName: "arena",
		Static: web.Files, DevDir: "web", KitDevDir: "web/kit",
		Flags: func(flags *flag.FlagSet) {
			flags.IntVar(&bots, "bots", 0, "bots fill each arena up to this many tanks; they leave as humans join")
			mapsUsage := "the map rotation: map names from assets/maps, or paths to map files, as a comma `list`; each round plays the next, and a room starts on the first, or on another with ?map=name in the page address"
			flags.StringVar(&maps, "maps", defaultMaps, mapsUsage)
			flags.StringVar(&maps, "map", defaultMaps, "the same as -maps (its older name)")
			flags.DurationVar(&round, "round", round, "how long a round lasts, most kills winning; 0 plays one endless match")
			flags.DurationVar(&intermission, "intermission", intermission, "the end screen between two rounds, before the next map")
		},
		Setup: func(s game.Settings) (kinds []string, err error) {
			if bots < 0 {
				return nil, fmt.Errorf("flags: need bots >= 0, not %d", bots)
			}
			if round < 0 || intermission < 0 {
				return nil, fmt.Errorf("flags: need -round and -intermission >= 0, not %v and %v", round, intermission)
			}
			cfg := tanks.DefaultConfig()
			cfg.TickRate, tickRate = s.TickRate, s.TickRate
			cfg.MaxPlayers = max(s.MaxPlayers, bots)
			cfg.RoundTime, cfg.Intermission = round.Seconds(), intermission.Seconds()
			seed := func() uint64 { return uint64(time.Now().UnixNano()) }
			var rotation []*tanks.Map
			for _, name := range strings.Split(maps, ",") {
				name = strings.TrimSpace(name)
				if slices.Contains(kinds, name) {
					continue
				}
				m, err := loadMap(name)
				if err != nil {
					return nil, err
				}
				rotation = append(rotation, m)
				kinds = append(kinds, name)
			}
			for i, name := range kinds {
				if games[name], err = tanks.NewRotationGame(cfg, rotation, i, bots, seed); err != nil {
					return nil, err
				}
				lag = append(lag, games[name].LagStats())
			}
			return kinds, nil
		},
		NewSimulation: func(kind string) (game.Simulation[tanks.Input], error) {
			room, err := games[kind].NewRoom()
			if err != nil {
				return nil, err
			}
			return room, nil
		},
		ParseInput: tanks.ParseInput,
		RegisterMetrics: func(reg prometheus.Registerer) error {
			return registerLagMetrics(reg, "tankarena", tickRate, lag)
		},
	}
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
