package main

import (
	"fmt"

	"tankarena/bench/record"
)

// capacity is one game run's outcome: the last step sustained before the first that was not.
type capacity struct {
	held      record.Record // zero Clients when not even the first step was sustained
	failed    record.Record // zero Clients when every step was sustained
	allPassed bool
}

func capacityOf(r run) capacity {
	var c capacity
	for _, rec := range r.Records {
		if !rec.Sustained {
			c.failed = rec
			return c
		}
		c.held = rec
	}
	c.allPassed = len(r.Records) > 0
	return c
}

// gameRows reports the game scenario: ours only (the baseline build, if any, has a table of
// its own: baselineRows).
func gameRows(cfg config, runs []run) []row { return gameRowsOf(cfg, runsOf(runs, "go", scenarioGame)) }

// lowestHeld is the capacity over the runs: the fewest players held (every run held it), and
// whether that run held every step, so the figure is a lower bound.
func lowestHeld(games []run) (held float64, atLeast bool) {
	held = -1
	for _, r := range games {
		if c := capacityOf(r); held < 0 || float64(c.held.Clients) < held {
			held, atLeast = float64(c.held.Clients), c.allPassed
		}
	}
	return max(held, 0), atLeast
}

// gameRowsOf reports one game server's runs. The capacity is the lowest over the runs (the
// server held it every time); the other figures are means.
func gameRowsOf(cfg config, games []run) []row {
	held, atLeast := lowestHeld(games)
	atHeld := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			c := capacityOf(r)
			return get(c.held), c.held.Clients > 0
		}
	}
	skips := "no tick skipped"
	if cfg.maxSkipped > 0 {
		skips = fmt.Sprintf("≤ %d ticks skipped per window", cfg.maxSkipped)
	}
	limit := fmt.Sprintf("%d ticks/s, %d snapshots/s received, tick p99 ≤ %v, %s or late", gameTickRate, gameSnapshotRate, cfg.maxTickP99, skips)
	rows := []row{
		{metric: "game: bot players one process holds (" + limit + ")", ours: held, oursAtLeast: atLeast,
			oursOnly: true, goal: "≥ 1000", met: func(n float64) bool { return n >= 1000 }},
		{metric: "game at the players held: tick p99 (ms)", oursOnly: true,
			ours: meanOver(games, atHeld(func(r record.Record) float64 { return r.TickP99Ms }))},
		{metric: "game at the players held: server CPU (% of one core)", oursOnly: true,
			ours: meanOver(games, atHeld(func(r record.Record) float64 { return r.ServerCPUPercent }))},
		{metric: "game at the players held: server RSS (MiB)", oursOnly: true,
			ours: meanOver(games, atHeld(func(r record.Record) float64 { return float64(r.ServerRSSKB) / 1024 }))},
		{metric: "game at the players held: loadgen CPU (% of its core)", oursOnly: true,
			ours: meanOver(games, atHeld(func(r record.Record) float64 { return r.LoadgenCPUPercent }))},
		{metric: "game at the players held: load generator's input timer late by up to (ms; tens mean the machine stalled)", oursOnly: true,
			ours: meanOver(games, atHeld(func(r record.Record) float64 { return r.LoadgenStallMs }))},
		{metric: "game: first player count not held", oursOnly: true,
			ours: meanOver(games, func(r run) (float64, bool) {
				c := capacityOf(r)
				return float64(c.failed.Clients), c.failed.Clients > 0
			})},
		{metric: fmt.Sprintf("game, %d players: snapshot bytes per client per second (B/s)", cfg.gameBytesAt), oursOnly: true,
			ours: meanOver(games, atPlayers(cfg.gameBytesAt, func(r record.Record) float64 { return r.SnapshotBytesPerClientPerSecond }))},
		{metric: "game at the first player count not held: load generator's input timer late by up to (ms)", oursOnly: true,
			ours: meanOver(games, func(r run) (float64, bool) {
				c := capacityOf(r)
				return c.failed.LoadgenStallMs, c.failed.Clients > 0
			})},
		{metric: fmt.Sprintf("game, %d players: websocket bytes per client per second, all events (B/s)", cfg.gameBytesAt), oursOnly: true,
			ours: meanOver(games, atPlayers(cfg.gameBytesAt, func(r record.Record) float64 { return r.BytesPerClientPerSecond }))},
	}
	return rows
}

// atPlayers reads a figure of the step with n players.
func atPlayers(n int, get func(record.Record) float64) func(run) (float64, bool) {
	return func(r run) (float64, bool) {
		for _, rec := range r.Records {
			if rec.Clients == n {
				return get(rec), true
			}
		}
		return 0, false
	}
}

// baselineRows compares the game server with the -game-baseline build, each figure of the
// game table as this build's, the baseline's and their ratio.
func baselineRows(cfg config, runs []run) []row {
	return compareGameRows(cfg, runsOf(runs, "go", scenarioGame), runsOf(runs, serverBaseline, scenarioGame))
}

// compareGameRows sets two sides' game runs against each other, each figure of the game table
// as this side's, the other's and their ratio. The capacity and tick p99 are judged by what a
// change must keep: within 10% of the other side. Tick p99 and server CPU are also compared at
// one player count, the most that every run of both held, since at the players held each side
// may carry a different load.
func compareGameRows(cfg config, ours, base []run) []row {
	oursRows, baseRows := gameRowsOf(cfg, ours), gameRowsOf(cfg, base)
	rows := make([]row, len(oursRows))
	for i, r := range oursRows {
		r.node, r.nodeAtLeast, r.oursOnly = baseRows[i].ours, baseRows[i].oursAtLeast, false
		r.goal, r.met = "", nil
		rows[i] = r
	}
	rows[0].goal, rows[0].met = "≥ 0.9", func(r float64) bool { return r >= 0.9 }
	common := mostHeldByAll(ours, base)
	if common == 0 {
		return rows
	}
	at := func(get func(record.Record) float64) func(run) (float64, bool) { return atPlayers(common, get) }
	tickP99 := func(r record.Record) float64 { return r.TickP99Ms }
	cpu := func(r record.Record) float64 { return r.ServerCPUPercent }
	return append(rows,
		row{metric: fmt.Sprintf("game at %d players (the most every run of both held): tick p99 (ms)", common),
			ours: meanOver(ours, at(tickP99)), node: meanOver(base, at(tickP99)),
			goal: "≤ 1.1", met: func(r float64) bool { return r <= 1.1 }},
		row{metric: fmt.Sprintf("game at %d players (the most every run of both held): server CPU (%% of one core)", common),
			ours: meanOver(ours, at(cpu)), node: meanOver(base, at(cpu))})
}

// mostHeldByAll is the most players every run of both sides held (0: none).
func mostHeldByAll(ours, base []run) int {
	oursHeld, _ := lowestHeld(ours)
	baseHeld, _ := lowestHeld(base)
	return int(min(oursHeld, baseHeld))
}
