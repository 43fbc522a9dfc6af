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

// tankArena is the whole server: the tank game's own flags (-bots, -map) beside the runtime's
// and the host's, one kind of room per map, and the browser client.
func tankArena() host.Game[tanks.Input] {
	var bots int
	var maps string
	games := map[string]*tanks.Game{} // by map name, the kinds of room; filled by Setup
	var lag []*tanks.LagStats         // each game's lag compensation counters
	tickRate := 0
	return host.Game[tanks.Input]{
		Name: "Tank Arena", Namespace: "tankarena", RoomName: "arena",
		Static: web.Files, DevDir: "web", KitDevDir: "web/kit",
		Flags: func(flags *flag.FlagSet) {
			flags.IntVar(&bots, "bots", 0, "bots fill each arena up to this many tanks; they leave as humans join")
			flags.StringVar(&maps, "map", "arena", "map name from assets/maps, or a path to a map file; a comma `list` offers several, the first by default, another with ?map=name in the page address")
		},
		Setup: func(s game.Settings) (kinds []string, err error) {
			if bots < 0 {
				return nil, fmt.Errorf("flags: need bots >= 0, not %d", bots)
			}
			cfg := tanks.DefaultConfig()
			cfg.TickRate, tickRate = s.TickRate, s.TickRate
			cfg.MaxPlayers = max(s.MaxPlayers, bots)
			seed := func() uint64 { return uint64(time.Now().UnixNano()) }
			for _, name := range strings.Split(maps, ",") {
				name = strings.TrimSpace(name)
				if _, dup := games[name]; dup {
					continue
				}
				m, err := loadMap(name)
				if err != nil {
					return nil, err
				}
				if games[name], err = tanks.NewGame(cfg, m, bots, seed); err != nil {
					return nil, err
				}
				kinds = append(kinds, name)
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
