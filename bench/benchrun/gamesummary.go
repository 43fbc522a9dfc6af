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

// gameRows reports the game scenario: ours only. The capacity is the lowest over the runs
// (the server held it every time); the other figures are means.
func gameRows(cfg config, runs []run) []row {
	games := runsOf(runs, "go", scenarioGame)
	var caps []capacity
	for _, r := range games {
		caps = append(caps, capacityOf(r))
	}
	held, atLeast := -1.0, false
	for _, c := range caps {
		if n := float64(c.held.Clients); held < 0 || n < held {
			held, atLeast = n, c.allPassed
		}
	}
	atHeld := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			c := capacityOf(r)
			return get(c.held), c.held.Clients > 0
		}
	}
	atPlayers := func(n int, get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			for _, rec := range r.Records {
				if rec.Clients == n {
					return get(rec), true
				}
			}
			return 0, false
		}
	}
	skips := "no tick skipped"
	if cfg.maxSkipped > 0 {
		skips = fmt.Sprintf("≤ %d ticks skipped per window", cfg.maxSkipped)
	}
	limit := fmt.Sprintf("%d ticks/s, %d snapshots/s received, tick p99 ≤ %v, %s or late", gameTickRate, gameSnapshotRate, cfg.maxTickP99, skips)
	rows := []row{
		{metric: "game: bot players one process holds (" + limit + ")", ours: max(held, 0), oursAtLeast: atLeast,
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
