// Command pirates is the seed's "Pirates!" on the room runtime, and the template to fork for a
// game of your own: sim.go is the game, index.html its page, this file the wiring. Run it with
// `go run ./examples/pirates`: it serves on :8081; -h lists the flags (PIRATES_… in the env).
package main

import (
	"embed"
	"math/rand/v2"

	"tankarena/game"
	"tankarena/game/host"
)

//go:embed index.html
var page embed.FS

// pirates is the whole server: rooms of eight on the runtime, the page, the kit, the LAN
// addresses and QR code, /metrics (pirates_…), /healthz and a graceful shutdown.
var pirates = host.Game[Input]{
	Name: "Pirates!", Namespace: "pirates", Addr: ":8081", // beside the tank game's :8080
	Settings:      game.Settings{MaxPlayers: 8},
	NewSimulation: func(string) (game.Simulation[Input], error) { return newWorld(rand.Uint64()), nil },
	ParseInput:    parseInput,
	Static:        page, DevDir: "examples/pirates",
}

func main() { host.Main(pirates) }
