package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tankarena/bench/record"
)

// TestSmokeGame runs the game scenario once, tiny: the real game server and a handful of bot
// players for a few seconds per step. It checks that the harness measures (players join and
// stay, arenas tick, snapshots arrive, /metrics and /proc are read, the table has its rows),
// not how many players the server holds: that needs the quiet machine of `make bench`. A second
// run has spectators watch (one per player), which must all be placed and decode snapshots.
func TestSmokeGame(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the game server and the load generator")
	}
	_, bin := buildForSmoke(t, ".", "./bench/loadgen")

	cfg := config{
		gameServer:         filepath.Join(bin, "tankarena"),
		loadgen:            filepath.Join(bin, "loadgen"),
		reps:               1,
		scenarios:          map[string]bool{scenarioGame: true},
		gameSteps:          []int{3, 17}, // 17: a second arena opens
		gameWindow:         1500 * time.Millisecond,
		warmup:             500 * time.Millisecond,
		maxTickP99:         2 * time.Millisecond,
		gameBytesAt:        3,
		keepGoing:          true, // a loaded machine may miss 2 ms; the harness must still measure
		connectConcurrency: 4,
		gameSpectators:     16,
	}
	runs, progress := runSmoke(t, cfg)
	if len(runs) != 2 || runs[0].Server != "go" || runs[1].Server != serverSpectators || runs[0].Scenario != scenarioGame || runs[1].Scenario != scenarioGame {
		t.Fatalf("runs %+v, want a game run on our server, then one with spectators", runs)
	}
	for i, rec := range runs[1].Records {
		n := cfg.gameSteps[i]
		if rec.Spectators != n || rec.Watching != n || rec.SpectateFailed != 0 {
			t.Errorf("%d players: %d spectators asked for, %d watching, %d failed; want %d watching", n, rec.Spectators, rec.Watching, rec.SpectateFailed, n)
		}
		if rec.SpectatorSnapshotsPerSecond <= 0 || rec.MinSpectatorSnapshotsPerSecond <= 0 {
			t.Errorf("%d players: the spectators decoded no snapshots: %+v", n, rec)
		}
	}
	recs := runs[0].Records
	if len(recs) != len(cfg.gameSteps) {
		t.Fatalf("%d records, want one per step (-keep-going)\nprogress:\n%s", len(recs), progress)
	}
	for i, rec := range recs {
		n := cfg.gameSteps[i]
		if rec.Kind != record.KindGame || rec.Clients != n {
			t.Errorf("step %d: kind %q with %d players, want game with %d", i, rec.Kind, rec.Clients, n)
		}
		if rec.Joined != n || rec.Connected != n || rec.ConnectFailed != 0 {
			t.Errorf("%d players: %d joined, %d connected, %d failed", n, rec.Joined, rec.Connected, rec.ConnectFailed)
		}
		if want := (n + 15) / 16; rec.Arenas != want {
			t.Errorf("%d players in %d arenas, want %d (16 per arena)", n, rec.Arenas, want)
		}
		if rec.TicksPerArenaPerSecond <= 0 || rec.TickP99Ms <= 0 {
			t.Errorf("%d players: no ticks measured: %.1f ticks/arena/s, p99 %.3f ms", n, rec.TicksPerArenaPerSecond, rec.TickP99Ms)
		}
		if rec.SnapshotsPerClientPerSecond <= 0 || rec.MinSnapshotsPerClientPerSecond <= 0 ||
			rec.SnapshotBytesPerClientPerSecond <= 0 || rec.BytesPerClientPerSecond < rec.SnapshotBytesPerClientPerSecond {
			t.Errorf("%d players: snapshots not counted: %+v", n, rec)
		}
		// The server accepted inputs: the players are playing, not idling in their seats. Some
		// may be dropped on a busy machine: when a stalled process delivers a burst, the
		// player's input buffer sheds the latency it left behind (game/inputbuffer.go); they
		// must stay a small share.
		accepted := rec.InputsPerPlayerPerSecond * float64(n) * cfg.gameWindow.Seconds()
		if rec.InputsPerPlayerPerSecond <= 0 || float64(rec.InputsDropped) > accepted/10 {
			t.Errorf("%d players: %.1f inputs/player/s accepted, %d dropped", n, rec.InputsPerPlayerPerSecond, rec.InputsDropped)
		}
		if rec.ServerRSSKB <= 0 {
			t.Errorf("%d players: no server RSS read", n)
		}
	}
	var table strings.Builder
	printTable(&table, summarize(cfg, runs), labelsOf(cfg))
	for _, want := range []string{"bot players one process holds", "snapshot bytes per client per second", "| ≥ 1000 |"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table has no %q:\n%s", want, table.String())
		}
	}
	table.Reset()
	printTable(&table, spectatorRows(cfg, runs), spectatorLabels)
	for _, want := range []string{"| scenario | with spectators | without | with ÷ without |", "game with 16 spectators per 16 players", "snapshots a spectator decoded per second"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("spectator table has no %q:\n%s", want, table.String())
		}
	}
}
