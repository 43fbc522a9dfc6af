package main

import (
	"fmt"
	"strconv"

	"tankarena/bench/record"
)

// The game scenario with spectators: with -game-spectators K, each run of the game server is
// followed by one of the same binary whose load generator also has K spectators watch per 16
// players (loadgen -spectators), so the cost of spectating is measured in the same session,
// in turns, against the same build without them. A step with spectators holds only if they
// all watch and decode, on average, 95% of the snapshots, as the players must receive them.

// serverSpectators names the runs with spectators.
const serverSpectators = "spectators"

// spectatorsKind is the game server with the load generator's spectators.
func (c config) spectatorsKind() serverKind {
	k := gameKind(serverSpectators, "ours with spectators", c.gameServer, c.gameArgs)
	k.loadgenArgs = []string{"-spectators", strconv.Itoa(c.gameSpectators)}
	return k
}

// spectatorLabels head the table of the game with spectators against without.
var spectatorLabels = []string{"with spectators", "without", "with ÷ without"}

// spectatorRows compares the game server's runs with spectators against those without: the
// game table's figures side by side, then the spectators' own at the players held.
func spectatorRows(cfg config, runs []run) []row {
	with, without := runsOf(runs, serverSpectators, scenarioGame), runsOf(runs, "go", scenarioGame)
	rows := compareGameRows(cfg, with, without)
	rows[0].metric = fmt.Sprintf("game with %d spectators per 16 players (they too decode ≥ 95%% of the snapshots): %s",
		cfg.gameSpectators, rows[0].metric)
	atHeld := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			c := capacityOf(r)
			return get(c.held), c.held.Clients > 0
		}
	}
	return append(rows,
		row{metric: "game with spectators, at the players held: spectators watching", oursOnly: true,
			ours: meanOver(with, atHeld(func(r record.Record) float64 { return float64(r.Watching) }))},
		row{metric: "game with spectators, at the players held: snapshots a spectator decoded per second (of 30)", oursOnly: true,
			ours: meanOver(with, atHeld(func(r record.Record) float64 { return r.SpectatorSnapshotsPerSecond }))},
		row{metric: "game with spectators, at the players held: the fewest snapshots one spectator decoded per second", oursOnly: true,
			ours: meanOver(with, atHeld(func(r record.Record) float64 { return r.MinSpectatorSnapshotsPerSecond }))},
		row{metric: "game with spectators, at the players held: resyncs the spectators asked for in a window", oursOnly: true,
			ours: meanOver(with, atHeld(func(r record.Record) float64 { return float64(r.SpectatorResyncs) }))},
	)
}
