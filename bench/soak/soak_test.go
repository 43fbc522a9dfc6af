package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/arena"
	"tankarena/game"
	"tankarena/internal/maptest"
	"tankarena/internal/memtest"
	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// soakConfig is read from the environment: SOAK (duration) and SOAK_BOTS. Without SOAK the
// short form runs.
type soakConfig struct {
	duration time.Duration
	bots     int
	vandals  int
}

func config(t *testing.T) soakConfig {
	c := soakConfig{duration: 5 * time.Second, bots: 20, vandals: 2}
	if v := os.Getenv("SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SOAK=%q: %v", v, err)
		}
		c.duration, c.bots, c.vandals = d, 200, 5
	}
	if v := os.Getenv("SOAK_BOTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SOAK_BOTS=%q: want a positive number", v)
		}
		c.bots = n
	}
	return c
}

func newLobby(t *testing.T, ctx context.Context) *arena.Lobby {
	m := maptest.Shipped(t, "arena")
	cfg := game.DefaultConfig()
	mapJSON, _ := json.Marshal(m)
	cfgJSON, _ := json.Marshal(cfg)
	lobby, err := arena.NewLobby(ctx, arena.Options{
		Map: mapJSON, Config: cfgJSON,
		ReconnectWindow: 3 * time.Second,
		Logger:          slog.New(slog.DiscardHandler),
		// Every bot is 127.0.0.1: the per-address seat and join limits would take the bots
		// for one client.
		MaxSeatsPerAddress: -1, JoinRate: -1,
		NewWorld: func() (*game.World, error) {
			w, err := game.NewWorld(cfg, m, uint64(time.Now().UnixNano()))
			if err == nil {
				w.SetBotFill(4, game.BotNormal)
			}
			return w, err
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return lobby
}

// metric reads one series from the lobby's Prometheus text.
func metric(l *arena.Lobby, series string) float64 {
	var buf bytes.Buffer
	_ = l.Metrics().Write(&buf)
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), " "); ok && name == series {
			v, _ := strconv.ParseFloat(value, 64)
			return v
		}
	}
	return -1
}

func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

func TestSoak(t *testing.T) {
	cfg := config(t)
	baseGoroutines, baseHeap := runtime.NumGoroutine(), memtest.LiveHeap()

	serverCtx, stopServer := context.WithCancel(context.Background())
	defer stopServer()
	lobby := newLobby(t, serverCtx)
	rt := realtime.NewServer(realtime.Options{Engine: engineio.Options{
		MaxConnectionsPerIP: 10_000, // every bot is 127.0.0.1
		Logger:              slog.New(slog.DiscardHandler),
	}})
	lobby.Serve(rt.Of("/"))
	ts := httptest.NewServer(rt)
	defer func() { ts.Close(); rt.Close(); lobby.Close() }()

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	timeUp := time.After(cfg.duration)
	tl := &tally{}
	bots := make([]*bot, cfg.bots)
	var wg sync.WaitGroup
	for i := range bots {
		bots[i] = &bot{url: ts.URL, name: fmt.Sprintf("Bot%d", i), tickRate: 60, dropEvery: 20 * time.Second, tally: tl}
		wg.Go(func() { bots[i].run(ctx) })
		time.Sleep(2 * time.Millisecond) // a crowd arriving, not a single burst
	}
	for i := range cfg.vandals {
		wg.Go(func() { vandal(ctx, ts.URL, i, tl) })
	}

	// Sample the process while it runs: after a warm-up, goroutines and heap must stay level.
	type sample struct {
		at         time.Duration
		goroutines int
		heap       uint64
	}
	var samples []sample
	begin := time.Now()
	every := max(cfg.duration/10, time.Second)
	sampler := time.NewTicker(every)
	for running := true; running; {
		select {
		case <-timeUp:
			running = false
		case <-sampler.C:
			samples = append(samples, sample{time.Since(begin).Round(time.Second), runtime.NumGoroutine(), memtest.LiveHeap()})
		}
	}
	sampler.Stop()

	// Before the bots stop: every honest bot is connected again (or about to be) and receiving.
	stillReceiving := 0
	counts := make([]int64, len(bots))
	for i, b := range bots {
		counts[i] = b.snapshots.Load()
	}
	waitUntil(testenv.Patience(10*time.Second), func() bool {
		stillReceiving = 0
		for i, b := range bots {
			if b.snapshots.Load() > counts[i] {
				stillReceiving++
			}
		}
		return stillReceiving == len(bots)
	})
	stop()
	wg.Wait() // the bots close their connections
	for _, e := range tl.errs {
		t.Error(e)
	}
	if stillReceiving != len(bots) {
		t.Errorf("%d of %d honest bots receiving snapshots at the end", stillReceiving, len(bots))
	}
	if p := metric(lobby, "tankarena_arena_panics_total"); p != 0 {
		t.Errorf("%v panics recovered in arena loops", p)
	}
	if len(samples) >= 3 { // steady state: the last sample against the one after warm-up
		first, last := samples[1], samples[len(samples)-1]
		if last.goroutines > first.goroutines+first.goroutines/5+20 || last.heap > first.heap*3/2+8<<20 {
			t.Errorf("growth while running: %+v -> %+v", first, last)
		}
	}

	tickP99 := tickPercentile(lobby, 0.99)
	summary := fmt.Sprintf("soak: %d bots + %d vandals for %v: %d joins, %d disconnects, %d token reconnects, %d malformed packets in %d vandal connections; "+
		"%d snapshots received, %d inputs sent (%v accepted, %v dropped malformed, %v dropped rate); tick p99 <= %v; skipped ticks %v; panics %v",
		cfg.bots, cfg.vandals, cfg.duration, tl.joins.Load(), tl.disconnects.Load(), tl.reconnects.Load(), tl.malformed.Load(), tl.vandalCycles.Load(),
		tl.snapshots.Load(), tl.inputs.Load(), metric(lobby, "tankarena_inputs_total"),
		metric(lobby, `tankarena_inputs_dropped_total{reason="malformed"}`), metric(lobby, `tankarena_inputs_dropped_total{reason="rate"}`),
		tickP99, metric(lobby, "tankarena_ticks_skipped_total"), metric(lobby, "tankarena_arena_panics_total"))
	for _, s := range samples {
		summary += fmt.Sprintf("\n  at %v: %d goroutines, heap %d KiB", s.at, s.goroutines, s.heap>>10)
	}

	// After: the seats expire, the arenas stop, and the process is back where it started.
	if !waitUntil(testenv.Patience(30*time.Second), func() bool { return lobby.Arenas() == 0 && len(rt.Of("/").Sockets()) == 0 }) {
		t.Errorf("after the soak: %d arenas, %d sockets still open", lobby.Arenas(), len(rt.Of("/").Sockets()))
	}
	ts.Close()
	rt.Close()
	lobby.Close()
	var goroutines int
	var heap uint64
	back := waitUntil(testenv.Patience(20*time.Second), func() bool {
		goroutines, heap = runtime.NumGoroutine(), memtest.LiveHeap()
		return goroutines <= baseGoroutines+5 && heap <= baseHeap+4<<20
	})
	summary += fmt.Sprintf("\n  after: goroutines %d -> %d, heap %d KiB -> %d KiB", baseGoroutines, goroutines, baseHeap>>10, heap>>10)
	if !back {
		t.Errorf("not back at the baseline after the soak: goroutines %d (was %d), heap %d KiB (was %d KiB)", goroutines, baseGoroutines, heap>>10, baseHeap>>10)
	}
	t.Log(summary)
	if os.Getenv("SOAK") != "" {
		fmt.Println(summary)
	}
}

// tickPercentile estimates a tick-duration percentile from the /metrics histogram: the upper
// bound of the first bucket holding it.
func tickPercentile(l *arena.Lobby, p float64) string {
	total := metric(l, "tankarena_tick_duration_seconds_count")
	var buf bytes.Buffer
	_ = l.Metrics().Write(&buf)
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, `tankarena_tick_duration_seconds_bucket{le="`) {
			continue
		}
		le, rest, _ := strings.Cut(strings.TrimPrefix(line, `tankarena_tick_duration_seconds_bucket{le="`), `"} `)
		if n, _ := strconv.ParseFloat(rest, 64); n >= p*total {
			return le + "s"
		}
	}
	return "?"
}
