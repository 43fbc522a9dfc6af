package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os/exec"
	"strconv"
	"strings"

	"tankarena/bench/record"
)

// The admission scenario pushes a game server past what it can serve, with admission by
// measured capacity on (game/capacity.go): bot players fill it to its capacity (as the game
// scenario of this run found it, or -admission-capacity), then admissionOver more try to join.
// The node must seat only as many as it can serve: the players seated keep their snapshot rate
// (goal: at least admissionMinSnapshots a second on average), and every join it refuses is a
// "server busy" answer, counted in its /metrics.
const (
	scenarioAdmission     = "admission"
	admissionMinSnapshots = 27.0
)

// admissionSkipped says why the scenario did not run: a machine too busy to hold even the
// game scenario's first step leaves it no capacity to push past.
const admissionSkipped = "the game scenario held no step, so there is no capacity to push past (-admission-capacity N gives one)"

// admissionSteps are the player counts of the scenario: the capacity, then past it.
func admissionSteps(capacity int, over float64) []int {
	push := int(math.Ceil(float64(capacity) * (1 + over)))
	return []int{capacity, max(push, capacity+1)}
}

// runAdmission measures the scenario reps times, each on a fresh game server. The load
// generator measures every step once (-attempts 1): a refused join is not a failed window.
func runAdmission(ctx context.Context, cfg config, capacity int, log io.Writer) ([]run, error) {
	steps := admissionSteps(capacity, cfg.admissionOver)
	var runs []run
	for rep := 1; rep <= cfg.reps; rep++ {
		fmt.Fprintf(log, "== %s, %d players (capacity) then %d, run %d/%d\n", scenarioAdmission, steps[0], steps[1], rep, cfg.reps)
		kind := gameKind("go", "ours (Go)", cfg.gameServer, admissionOn(cfg.gameServer, cfg.gameArgs))
		srv, err := startServer(ctx, kind, cfg.serverPlacement(), 0, 0, prefixed(log, "game server: "))
		if err != nil {
			return runs, err
		}
		args := append([]string{"-url", srv.url(), "-pid", strconv.Itoa(srv.pid()),
			"-connect-concurrency", strconv.Itoa(cfg.connectConcurrency), "-warmup", cfg.warmup.String()},
			gameLoadgenArgs(cfg, steps)...)
		recs, err := runLoadgen(ctx, cfg, append(args, "-keep-going", "-attempts", "1"), log)
		srv.stop()
		if err != nil {
			return runs, fmt.Errorf("%s (run %d): %w", scenarioAdmission, rep, err)
		}
		runs = append(runs, run{Server: "go", Rep: rep, Scenario: scenarioAdmission, Records: recs})
	}
	return runs, nil
}

// admissionOn returns the game flags with admission on, whatever -game-args say: the flag
// package takes the last of a repeated flag. A build without the flag gets none.
func admissionOn(server string, args []string) []string {
	if !hasFlag(server, "-admit-when-busy") {
		return args
	}
	return append(append([]string(nil), args...), "-admit-when-busy=false")
}

// admissionCapacity is the player count the scenario fills the node to: -admission-capacity,
// or the most the game scenario of this run held in any of its runs (not the lowest, which its
// table reports): a run cut short by a stall of the machine would set the push under what the
// node serves, and the scenario must go past it. Zero means there is none to go by.
func admissionCapacity(cfg config, runs []run) int {
	if cfg.admissionCapacity > 0 {
		return cfg.admissionCapacity
	}
	most := 0
	for _, r := range runsOf(runs, "go", scenarioGame) {
		most = max(most, capacityOf(r).held.Clients)
	}
	return most
}

// pushed is the record of the step past capacity; false when the run did not get there.
func pushed(r run) (record.Record, bool) {
	if len(r.Records) < 2 {
		return record.Record{}, false
	}
	return r.Records[len(r.Records)-1], true
}

// admissionRows reports the scenario: what the node seated when pushed past its capacity,
// what it refused and how, and the snapshot rate of those it seated.
func admissionRows(cfg config, runs []run) []row {
	runs = runsOf(runs, "go", scenarioAdmission)
	if len(runs) == 0 {
		return []row{{metric: "admission: not measured: " + admissionSkipped, oursOnly: true}}
	}
	at := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			rec, ok := pushed(r)
			return get(rec), ok
		}
	}
	// Every failed join must be a "server busy" answer (no other failure), and the server
	// must have counted each: refused by the load generator's count and by /metrics alike.
	accounted := true
	var steps []int
	for _, r := range runs {
		rec, ok := pushed(r)
		accounted = accounted && ok && allBusy(r.Records) && rec.ServerRefusedBusy == rec.JoinsRefusedBusy
		if ok && steps == nil {
			steps = []int{r.Records[0].Clients, rec.Clients}
		}
	}
	name := fmt.Sprintf("admission: %s players try to join a node whose capacity is %s (+%.0f%%, admission on)",
		stepOf(steps, 1), stepOf(steps, 0), 100*cfg.admissionOver)
	return []row{
		{metric: name + ": players seated", oursOnly: true,
			ours: meanOver(runs, at(func(r record.Record) float64 { return float64(r.Joined) }))},
		{metric: "admission: joins refused \"server busy\" (its /metrics), every failed join one of them", oursOnly: true,
			ours: meanOver(runs, at(func(r record.Record) float64 { return float64(r.ServerRefusedBusy) })),
			goal: "all busy", met: func(float64) bool { return accounted }},
		{metric: fmt.Sprintf("admission: seated players' snapshots/s (mean; %d/s sent)", gameSnapshotRate), oursOnly: true,
			ours: meanOver(runs, at(func(r record.Record) float64 { return r.SnapshotsPerClientPerSecond })),
			goal: fmt.Sprintf("≥ %.0f", admissionMinSnapshots), met: func(v float64) bool { return v >= admissionMinSnapshots }},
		{metric: "admission: the fewest snapshots/s a seated player got", oursOnly: true,
			ours: meanOver(runs, at(func(r record.Record) float64 { return r.MinSnapshotsPerClientPerSecond }))},
		{metric: "admission, pushed: tick p99 (ms)", oursOnly: true,
			ours: meanOver(runs, at(func(r record.Record) float64 { return r.TickP99Ms }))},
	}
}

// allBusy reports whether every join that failed in each step was refused "server busy". A
// step's failed joins are its own (the players short of its count), while the load generator
// counts the busy answers since it started: the joins the first step could not seat are
// tried again, and counted again, in the next.
func allBusy(recs []record.Record) bool {
	before := 0
	for _, rec := range recs {
		if rec.ConnectFailed != rec.JoinsRefusedBusy-before {
			return false
		}
		before = rec.JoinsRefusedBusy
	}
	return true
}

func stepOf(steps []int, i int) string {
	if i >= len(steps) {
		return "?"
	}
	return strconv.Itoa(steps[i])
}

// hasFlag reports whether the server binary's -h lists the flag.
func hasFlag(server, flag string) bool {
	help, _ := exec.Command(server, "-h").CombinedOutput() // -h exits 0 or 2 by flag package convention
	return strings.Contains(string(help), flag+" ") || strings.Contains(string(help), flag+"\n")
}
