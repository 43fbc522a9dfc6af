package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"tankarena/bench/latency"
	"tankarena/bench/procstat"
	"tankarena/bench/record"
)

// runIdle connects the clients step by step and records the server's RSS after a GC at each.
func runIdle(ctx context.Context, cfg config, f *fleet, ctl control, out *emitter) error {
	for _, n := range cfg.steps {
		before := f.clients()
		failed, took := f.grow(ctx, n, cfg.connectConcurrency, cfg.connectTimeout)
		if err := sleep(ctx, cfg.settle); err != nil {
			return err
		}
		if err := ctl.gc(ctx); err != nil {
			return err
		}
		// Let the server's allocator settle after the collection before reading RSS.
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
		rss, err := procstat.RSSKB(cfg.pid)
		if err != nil {
			return err
		}
		out.emit(record.Record{
			Kind:             record.KindIdle,
			Clients:          n,
			Connected:        f.connected(),
			ConnectFailed:    failed,
			ConnectPerSecond: perSecond(float64(f.clients()-before), took),
			ServerRSSKB:      rss,
		})
	}
	return nil
}

// runFanout connects the clients, measures each headline rate, then climbs the search rates.
func runFanout(ctx context.Context, cfg config, f *fleet, ctl control, out *emitter) error {
	failed, took := f.grow(ctx, cfg.clients, cfg.connectConcurrency, cfg.connectTimeout)
	connectRate := perSecond(float64(f.clients()), took)
	if err := sleep(ctx, cfg.settle); err != nil {
		return err
	}
	defer func() { _ = ctl.setRate(context.WithoutCancel(ctx), 0) }()
	for _, hz := range cfg.rates {
		rec, err := measure(ctx, cfg, f, ctl, hz, cfg.window)
		if err != nil {
			return err
		}
		rec.Phase, rec.ConnectFailed, rec.ConnectPerSecond = record.PhaseHeadline, failed, connectRate
		out.emit(rec)
	}
	for _, hz := range cfg.search {
		rec, err := measure(ctx, cfg, f, ctl, hz, cfg.searchWindow)
		if err != nil {
			return err
		}
		rec.Phase, rec.ConnectFailed, rec.ConnectPerSecond = record.PhaseSearch, failed, connectRate
		out.emit(rec)
		if !rec.Sustained || rec.AchievedHz < saturatedShare*float64(hz) {
			break
		}
	}
	return nil
}

// saturatedShare ends the search once a server broadcasts less than this share of the rate
// asked for: a saturated server does not lose numbered ticks, its timer falls behind, so a
// higher rate would only measure the same plateau. (Node's setInterval runs some 15% slow
// at millisecond periods even unloaded, hence the margin.)
const saturatedShare = 0.75

// counters is what a measurement window is computed from, read at both of its ends.
type counters struct {
	at                 time.Time
	delivered, lost    uint64
	bytesIn            uint64
	maxSeq             int64
	serverCPU, selfCPU time.Duration
	othersCPU          time.Duration
}

func (f *fleet) read(pid int, others []int) (counters, error) {
	serverCPU, err := procstat.CPU(pid)
	if err != nil {
		return counters{}, err
	}
	othersCPU, err := cpuOf(others)
	if err != nil {
		return counters{}, err
	}
	selfCPU, err := procstat.CPU(os.Getpid())
	if err != nil {
		return counters{}, err
	}
	return counters{
		at:        time.Now(),
		delivered: f.delivered.Load(),
		lost:      f.lost.Load(),
		bytesIn:   f.bytesIn(),
		maxSeq:    f.maxSeq.Load(),
		serverCPU: serverCPU,
		selfCPU:   selfCPU,
		othersCPU: othersCPU,
	}, nil
}

// measure holds the server at hz broadcasts per second for warmup plus window and records
// the window.
func measure(ctx context.Context, cfg config, f *fleet, ctl control, hz int, window time.Duration) (record.Record, error) {
	if err := ctl.setRate(ctx, hz); err != nil {
		return record.Record{}, err
	}
	if err := sleep(ctx, cfg.warmup); err != nil {
		return record.Record{}, err
	}
	hist := new(latency.Histogram)
	f.latencies.Store(hist)
	start, err := f.read(cfg.pid, cfg.otherPIDs)
	if err != nil {
		return record.Record{}, err
	}
	if err := sleep(ctx, window); err != nil {
		return record.Record{}, err
	}
	end, err := f.read(cfg.pid, cfg.otherPIDs)
	if err != nil {
		return record.Record{}, err
	}
	rss, err := procstat.RSSKB(cfg.pid)
	if err != nil {
		return record.Record{}, err
	}
	wall := end.at.Sub(start.at)
	secs := wall.Seconds()
	clients := f.clients()
	rec := record.Record{
		Kind:                    record.KindFanout,
		Clients:                 cfg.clients,
		Connected:               f.connected(),
		ServerRSSKB:             rss,
		TargetHz:                hz,
		AchievedHz:              float64(end.maxSeq-start.maxSeq) / secs,
		Seconds:                 secs,
		Delivered:               end.delivered - start.delivered,
		DeliveredPerSecond:      float64(end.delivered-start.delivered) / secs,
		Lost:                    end.lost - start.lost,
		BytesPerClientPerSecond: float64(end.bytesIn-start.bytesIn) / secs / float64(max(clients, 1)),
		P50Ms:                   ms(hist.Quantile(0.50)),
		P99Ms:                   ms(hist.Quantile(0.99)),
		MaxMs:                   ms(hist.Max()),
		ServerCPUPercent:        100 * float64(end.serverCPU-start.serverCPU) / float64(wall),
		LoadgenCPUPercent:       100 * float64(end.selfCPU-start.selfCPU) / float64(wall),
		OthersCPUPercent:        100 * float64(end.othersCPU-start.othersCPU) / float64(wall),
	}
	rec.Sustained = rec.P99Ms < ms(cfg.maxP99) && rec.Lost == 0 && rec.Connected == cfg.clients &&
		f.malformed.Load() == 0
	return rec, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func perSecond(n float64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return n / d.Seconds()
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("loadgen: %w", ctx.Err())
	}
}
