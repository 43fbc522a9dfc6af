package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"tankarena/bench/procstat"
	"tankarena/bench/record"
)

// inputSenders is how many goroutines send the players' inputs, each for its share.
const inputSenders = 8

// runGame adds bot players to the game server step by step and measures each step: the
// server's tick duration p99 and tick rate (from its /metrics), its CPU and RSS, and the
// snapshots the players receive. A step whose window is not sustained is measured again, up
// to cfg.attempts windows: on a shared machine one stall of the whole process (another
// program, the hypervisor) skips ticks at any load, and one such window should not end the
// search. It stops after the first step that is not sustained, unless cfg.keepGoing.
//
// With several URLs (the nodes of a cluster) the players are dealt out to them in turn and
// each window adds up their /metrics: the tick p99 is over every node's ticks.
func runGame(ctx context.Context, cfg config, out *emitter) error {
	var nodes []control
	var urls []string
	for u := range strings.SplitSeq(cfg.url, ",") {
		if u = strings.TrimSuffix(strings.TrimSpace(u), "/"); u != "" {
			urls = append(urls, u)
			nodes = append(nodes, control{base: u})
		}
	}
	t, err := newTeam(urls, cfg.readBuffer, cfg.perSource)
	if err != nil {
		return err
	}
	defer t.close()
	ctx, stopInputs := context.WithCancel(ctx)
	senders := t.drive(ctx, cfg.tickRate, inputSenders)
	defer senders.Wait()
	defer stopInputs()

	for _, n := range cfg.steps {
		failed := t.grow(ctx, n, cfg.connectConcurrency, cfg.connectTimeout)
		watchers := spectatorsFor(n, cfg.spectatorsPerArena)
		spectateFailed := t.growSpectators(ctx, watchers, cfg.connectConcurrency, cfg.connectTimeout)
		if err := sleep(ctx, cfg.warmup); err != nil {
			return err
		}
		var rec record.Record
		for attempt := 1; attempt <= cfg.attempts; attempt++ {
			var err error
			if rec, err = measureGame(ctx, cfg, t, nodes); err != nil {
				return err
			}
			rec.Clients, rec.ConnectFailed, rec.Attempts = n, failed, attempt
			rec.Spectators, rec.SpectateFailed = watchers, spectateFailed
			rec.Sustained = rec.Sustained && rec.Joined == n && rec.Connected == n && rec.Watching == watchers
			if rec.Sustained || rec.Joined != n || rec.Connected != n || rec.Watching != watchers {
				break // held, or lost players that another window will not bring back
			}
		}
		out.emit(rec)
		if !rec.Sustained && !cfg.keepGoing {
			break
		}
	}
	return nil
}

// seriesRefusedBusy counts the joins a game server refused because it measured itself busy
// (game/capacity.go).
const seriesRefusedBusy = `tankarena_joins_refused_total{reason="busy"}`

// gameCounters is what a game measurement window is computed from, read at both ends.
type gameCounters struct {
	at                 time.Time
	metrics            []serverMetrics // one per node
	ticks              [][]bucket      // one histogram per node
	snapshots, bytes   uint64
	each               []uint64
	bytesIn            uint64
	notSent            uint64
	serverCPU, selfCPU time.Duration
	othersCPU          time.Duration
	spectators         spectatorCounts
}

func readGame(ctx context.Context, cfg config, t *team, nodes []control) (gameCounters, error) {
	var c gameCounters
	for _, node := range nodes {
		m, err := node.metrics(ctx)
		if err != nil {
			return gameCounters{}, err
		}
		ticks, err := m.histogram(seriesTickBucket)
		if err != nil {
			return gameCounters{}, err
		}
		c.metrics, c.ticks = append(c.metrics, m), append(c.ticks, ticks)
	}
	var err error
	if c.serverCPU, err = procstat.CPU(cfg.pid); err != nil {
		return gameCounters{}, err
	}
	if c.othersCPU, err = cpuOf(cfg.otherPIDs); err != nil {
		return gameCounters{}, err
	}
	if c.selfCPU, err = procstat.CPU(os.Getpid()); err != nil {
		return gameCounters{}, err
	}
	c.at, c.bytesIn, c.notSent = time.Now(), t.bytesIn(), t.notSent.Load()
	c.snapshots, c.bytes, c.each = t.received()
	c.spectators = t.spectatorCounts()
	return c, nil
}

// sum adds a series over the nodes.
func (c gameCounters) sum(series string) float64 {
	var total float64
	for _, m := range c.metrics {
		total += m.sum(series)
	}
	return total
}

// tickDelta is the tick durations every node observed between two readings, in one
// histogram: the nodes' bucket deltas added up (they share the bounds).
func tickDelta(start, end gameCounters) ([]bucket, error) {
	var all []bucket
	for i := range end.ticks {
		d, err := histogramDelta(start.ticks[i], end.ticks[i])
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = d
			continue
		}
		if len(d) != len(all) {
			return nil, fmt.Errorf("loadgen: the nodes' tick histograms have different buckets")
		}
		for j := range all {
			if all[j].le != d[j].le {
				return nil, fmt.Errorf("loadgen: the nodes' tick histograms have different bounds")
			}
			all[j].count += d[j].count
		}
	}
	return all, nil
}

// measureGame records one window with the team as it is.
func measureGame(ctx context.Context, cfg config, t *team, nodes []control) (record.Record, error) {
	start, err := readGame(ctx, cfg, t, nodes)
	if err != nil {
		return record.Record{}, err
	}
	t.takeStall()
	if err := sleep(ctx, cfg.window); err != nil {
		return record.Record{}, err
	}
	stall := t.takeStall()
	end, err := readGame(ctx, cfg, t, nodes)
	if err != nil {
		return record.Record{}, err
	}
	rss, err := procstat.RSSKB(cfg.pid)
	if err != nil {
		return record.Record{}, err
	}
	ticks, err := tickDelta(start, end)
	if err != nil {
		return record.Record{}, err
	}
	wall := end.at.Sub(start.at)
	secs := wall.Seconds()
	joined := len(start.each) // players added during the window would skew per-client rates
	p99, capped := quantile(0.99, ticks)
	arenas := int(end.sum(seriesArenas))
	delta := func(series string) float64 { return end.sum(series) - start.sum(series) }
	rec := record.Record{
		Kind:                     record.KindGame,
		Joined:                   t.size(),
		Connected:                t.connected(),
		ConnectFailed:            int(t.joinFailed.Load()),
		JoinsRefusedBusy:         int(t.refusedBusy.Load()),
		ServerRefusedBusy:        int(end.sum(seriesRefusedBusy)),
		ServerRSSKB:              rss,
		TargetHz:                 cfg.tickRate,
		Seconds:                  secs,
		Arenas:                   arenas,
		TickP99Ms:                p99 * 1000,
		TickP99Capped:            capped,
		TicksPerArenaPerSecond:   delta(seriesTicks) / secs / float64(max(arenas, 1)),
		TicksSkipped:             uint64(max(delta(seriesTicksSkipped), 0)),
		InputsPerPlayerPerSecond: delta(seriesInputs) / secs / float64(max(joined, 1)),
		InputsDropped:            uint64(max(delta(seriesInputsDrop), 0)),
		InputsNotSent:            end.notSent - start.notSent,
		ServerCPUPercent:         100 * float64(end.serverCPU-start.serverCPU) / float64(wall),
		LoadgenCPUPercent:        100 * float64(end.selfCPU-start.selfCPU) / float64(wall),
		OthersCPUPercent:         100 * float64(end.othersCPU-start.othersCPU) / float64(wall),
		LoadgenStallMs:           ms(stall),
	}
	if joined > 0 {
		perClient := float64(joined) * secs
		rec.SnapshotsPerClientPerSecond = float64(end.snapshots-start.snapshots) / perClient
		rec.SnapshotBytesPerClientPerSecond = float64(end.bytes-start.bytes) / perClient
		rec.BytesPerClientPerSecond = float64(end.bytesIn-start.bytesIn) / perClient
		least := uint64(math.MaxUint64)
		for i, before := range start.each {
			least = min(least, end.each[i]-before)
		}
		rec.MinSnapshotsPerClientPerSecond = float64(least) / secs
	}
	minSnapshots := cfg.minSnapShare * float64(cfg.snapshotRate)
	watchersHeld := spectatorFigures(&rec, start.spectators, end.spectators, secs, minSnapshots)
	rec.Sustained = !math.IsNaN(p99) && !capped && p99 <= cfg.maxTickP99.Seconds() &&
		rec.TicksSkipped <= uint64(max(cfg.maxSkipped, 0)) && rec.TicksPerArenaPerSecond >= cfg.minTickShare*float64(cfg.tickRate) &&
		rec.SnapshotsPerClientPerSecond >= minSnapshots && watchersHeld
	return rec, nil
}

// spectatorFigures fills in the spectators' figures of a window and reports whether they got
// what a step must give them: on average at least minSnapshots decoded a second, as the
// players. Spectators that joined during the window are not counted (none do: they join
// before it).
func spectatorFigures(rec *record.Record, start, end spectatorCounts, secs, minSnapshots float64) bool {
	rec.Watching = end.watching
	watchers := len(start.each)
	if watchers == 0 {
		return true
	}
	rec.SpectatorResyncs = end.resyncs - start.resyncs
	least := uint64(math.MaxUint64)
	var decoded uint64
	for i, before := range start.each {
		decoded += end.each[i] - before
		least = min(least, end.each[i]-before)
	}
	rec.SpectatorSnapshotsPerSecond = float64(decoded) / float64(watchers) / secs
	rec.MinSpectatorSnapshotsPerSecond = float64(least) / secs
	return rec.SpectatorSnapshotsPerSecond >= minSnapshots
}
