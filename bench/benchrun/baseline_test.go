package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tankarena/bench/record"
)

// TestGameBaselineTakesTurns: with -game-baseline the game scenario runs both binaries, the
// game server first, each with the same flags.
func TestGameBaselineTakesTurns(t *testing.T) {
	cfg := config{gameServer: "/bin/new", gameBaseline: "/bin/old", gameArgs: []string{"-x", "1"}}
	kinds := cfg.kindsFor(scenarioGame)
	if len(kinds) != 2 || kinds[0].name != "go" || kinds[1].name != serverBaseline {
		t.Fatalf("kinds %+v, want the game server, then the baseline", kinds)
	}
	for i, bin := range []string{"/bin/new", "/bin/old"} {
		argv := kinds[i].command(0, 0)
		if argv[0] != bin || strings.Join(argv[len(argv)-2:], " ") != "-x 1" {
			t.Errorf("%s runs %q, want %s with -game-args last", kinds[i].name, argv, bin)
		}
	}
	if kinds := (config{gameServer: "/bin/new"}).kindsFor(scenarioGame); len(kinds) != 1 {
		t.Errorf("without a baseline the game runs on %d servers, want 1", len(kinds))
	}
}

// TestBaselineTable: the comparison table holds each build's capacity (the lowest over its
// runs) and their ratio, judged against the 10% a change may lose, and compares tick p99 at
// the most players every run of both held.
func TestBaselineTable(t *testing.T) {
	step := func(players int, held bool, p99, cpu float64) record.Record {
		return record.Record{Kind: record.KindGame, Clients: players, Sustained: held, TickP99Ms: p99, ServerCPUPercent: cpu,
			SnapshotBytesPerClientPerSecond: 4000}
	}
	game := func(server string, rep int, recs ...record.Record) run {
		return run{Server: server, Rep: rep, Scenario: scenarioGame, Records: recs}
	}
	runs := []run{
		game("go", 1, step(16, true, 0.1, 5), step(400, true, 0.2, 60), step(500, true, 0.3, 80), step(600, false, 3, 99)),
		game(serverBaseline, 1, step(16, true, 0.1, 5), step(400, true, 0.25, 70), step(500, false, 3, 99)),
		game("go", 2, step(16, true, 0.1, 5), step(400, true, 0.2, 60), step(500, true, 0.3, 80), step(600, true, 0.5, 95), step(700, false, 3, 99)),
		game(serverBaseline, 2, step(16, true, 0.1, 5), step(400, true, 0.25, 70), step(500, true, 0.5, 90), step(600, false, 3, 99)),
	}
	cfg := config{gameBaseline: "/bin/old", scenarios: map[string]bool{scenarioGame: true}, gameBytesAt: 16, maxTickP99: 2 * time.Millisecond}
	var table strings.Builder
	printTable(&table, baselineRows(cfg, runs), baselineLabels)
	for _, want := range []string{
		"| scenario | this build | baseline | this ÷ baseline | goal | met |",
		"bot players one process holds (60 ticks/s, 30 snapshots/s received, tick p99 ≤ 2ms, no tick skipped or late) | 500 | 400 | 1.25 | ≥ 0.9 | yes |",
		"game at 400 players (the most every run of both held): tick p99 (ms) | 0.20 | 0.25 | 0.80 | ≤ 1.1 | yes |",
		"game at 400 players (the most every run of both held): server CPU (% of one core) | 60.0 | 70.0 | 0.86 |  |  |",
		"game, 16 players: snapshot bytes per client per second (B/s) | 4000 | 4000 | 1.00 |  |  |",
	} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table has no %q:\n%s", want, table.String())
		}
	}
	// The main table still reports the game server alone.
	table.Reset()
	printTable(&table, gameRows(cfg, runs), labelsOf(cfg))
	if !strings.Contains(table.String(), "| 500 | — | — | ≥ 1000 | no |") {
		t.Errorf("main table does not give the game server's own capacity:\n%s", table.String())
	}
}

// TestSmokeGameBaseline runs the game scenario on two game server binaries (here the same
// build twice), tiny: they take turns, A B A B, and both tables come out.
func TestSmokeGameBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the game server and the load generator")
	}
	_, bin := buildForSmoke(t, ".", "./bench/loadgen")
	cfg := config{
		gameServer:         filepath.Join(bin, "tankarena"),
		gameBaseline:       filepath.Join(bin, "tankarena"),
		loadgen:            filepath.Join(bin, "loadgen"),
		reps:               2,
		scenarios:          map[string]bool{scenarioGame: true},
		gameSteps:          []int{3},
		gameWindow:         time.Second,
		warmup:             500 * time.Millisecond,
		maxTickP99:         2 * time.Millisecond,
		gameBytesAt:        3,
		keepGoing:          true,
		connectConcurrency: 4,
	}
	runs, progress := runSmoke(t, cfg)
	var order []string
	for _, r := range runs {
		order = append(order, r.Server)
		if len(r.Records) != 1 || r.Records[0].Clients != 3 || r.Records[0].Connected != 3 {
			t.Errorf("%s run %d: records %+v, want one step with 3 players connected", r.Server, r.Rep, r.Records)
		}
	}
	if got := strings.Join(order, " "); got != "go baseline go baseline" {
		t.Fatalf("runs on %q, want go baseline go baseline\nprogress:\n%s", got, progress)
	}
	var table strings.Builder
	printTable(&table, baselineRows(cfg, runs), baselineLabels)
	if !strings.Contains(table.String(), "snapshot bytes per client per second") || !strings.Contains(table.String(), "this ÷ baseline") {
		t.Errorf("comparison table:\n%s", table.String())
	}
}
