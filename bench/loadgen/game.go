package main

import (
	"context"
	"math"
	"os"
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
func runGame(ctx context.Context, cfg config, ctl control, out *emitter) error {
	t, err := newTeam(cfg.url, cfg.readBuffer, cfg.perSource)
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
		if err := sleep(ctx, cfg.warmup); err != nil {
			return err
		}
		var rec record.Record
		for attempt := 1; attempt <= cfg.attempts; attempt++ {
			var err error
			if rec, err = measureGame(ctx, cfg, t, ctl); err != nil {
				return err
			}
			rec.Clients, rec.ConnectFailed, rec.Attempts = n, failed, attempt
			rec.Sustained = rec.Sustained && rec.Joined == n && rec.Connected == n
			if rec.Sustained || rec.Joined != n || rec.Connected != n {
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

// gameCounters is what a game measurement window is computed from, read at both ends.
type gameCounters struct {
	at                 time.Time
	metrics            serverMetrics
	ticks              []bucket
	snapshots, bytes   uint64
	each               []uint64
	bytesIn            uint64
	notSent            uint64
	serverCPU, selfCPU time.Duration
}

func readGame(ctx context.Context, pid int, t *team, ctl control) (gameCounters, error) {
	m, err := ctl.metrics(ctx)
	if err != nil {
		return gameCounters{}, err
	}
	ticks, err := m.histogram(seriesTickBucket)
	if err != nil {
		return gameCounters{}, err
	}
	serverCPU, err := procstat.CPU(pid)
	if err != nil {
		return gameCounters{}, err
	}
	selfCPU, err := procstat.CPU(os.Getpid())
	if err != nil {
		return gameCounters{}, err
	}
	c := gameCounters{at: time.Now(), metrics: m, ticks: ticks, bytesIn: t.bytesIn(), notSent: t.notSent.Load(),
		serverCPU: serverCPU, selfCPU: selfCPU}
	c.snapshots, c.bytes, c.each = t.received()
	return c, nil
}

// measureGame records one window with the team as it is.
func measureGame(ctx context.Context, cfg config, t *team, ctl control) (record.Record, error) {
	start, err := readGame(ctx, cfg.pid, t, ctl)
	if err != nil {
		return record.Record{}, err
	}
	t.takeStall()
	if err := sleep(ctx, cfg.window); err != nil {
		return record.Record{}, err
	}
	stall := t.takeStall()
	end, err := readGame(ctx, cfg.pid, t, ctl)
	if err != nil {
		return record.Record{}, err
	}
	rss, err := procstat.RSSKB(cfg.pid)
	if err != nil {
		return record.Record{}, err
	}
	ticks, err := histogramDelta(start.ticks, end.ticks)
	if err != nil {
		return record.Record{}, err
	}
	wall := end.at.Sub(start.at)
	secs := wall.Seconds()
	joined := len(start.each) // players added during the window would skew per-client rates
	p99, capped := quantile(0.99, ticks)
	arenas := int(end.metrics.sum(seriesArenas))
	delta := func(series string) float64 { return end.metrics.sum(series) - start.metrics.sum(series) }
	rec := record.Record{
		Kind:                     record.KindGame,
		Joined:                   t.size(),
		Connected:                t.connected(),
		ConnectFailed:            int(t.joinFailed.Load()),
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
	rec.Sustained = !math.IsNaN(p99) && !capped && p99 <= cfg.maxTickP99.Seconds() &&
		rec.TicksSkipped <= uint64(max(cfg.maxSkipped, 0)) && rec.TicksPerArenaPerSecond >= cfg.minTickShare*float64(cfg.tickRate) &&
		rec.SnapshotsPerClientPerSecond >= cfg.minSnapShare*float64(cfg.snapshotRate)
	return rec, nil
}
