package soak

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/tanks"
	"tankarena/internal/maptest"
	"tankarena/internal/memtest"
	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// soakConfig is read from the environment: SOAK (the attack window), SOAK_BOTS and
// SOAK_VANDALS. Without SOAK the short form runs.
type soakConfig struct {
	duration time.Duration
	bots     int
	vandals  bool // SOAK_VANDALS=0: the bots alone, the baseline of their snapshot rate
	long     bool
}

func config(t *testing.T) soakConfig {
	c := soakConfig{duration: 5 * time.Second, bots: 20, vandals: os.Getenv("SOAK_VANDALS") != "0"}
	if v := os.Getenv("SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("SOAK=%q: %v", v, err)
		}
		c.duration, c.bots, c.long = d, 200, true
	}
	if v := os.Getenv("SOAK_BOTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxBots {
			t.Fatalf("SOAK_BOTS=%q: want a number from 1 to %d", v, maxBots)
		}
		c.bots = n
	}
	return c
}

// snapshotRate is what the server sends each player a second, the game's default.
const snapshotRate = 30

// minSnapshotRate is the snapshot rate the honest bots must keep while the vandals attack in
// the long form, per connected second (mean of the bots): 90 % of the 30 a second the server
// sends. The short form runs in `make test`, under the race detector, on a 2-core CI machine
// that builds and tests other packages at the same time; there the rate measures the machine
// more than the attacks (20 bots got 12, 26 and 30 a second in three runs a minute apart at
// load 11, and 8 in a fourth), so the short form only reports it. Both forms check that every
// bot still gets snapshots at the end.
const minSnapshotRate = 27.0

// newLobby builds the lobby with the game server's default limits. Without distinct source
// addresses (spread false) every client is 127.0.0.1, and the per-address seat bound and join
// rate would take 200 bots for one client: those two are lifted then.
func newLobby(t *testing.T, ctx context.Context, spread bool) *game.Lobby[tanks.Input] {
	tankGame, err := tanks.NewGame(tanks.DefaultConfig(), maptest.Shipped(t, "arena"), 4, func() uint64 { return uint64(time.Now().UnixNano()) })
	if err != nil {
		t.Fatal(err)
	}
	opts := game.Options[tanks.Input]{
		RoomName: "arena", MetricsNamespace: "tankarena",
		Settings: game.Settings{SnapshotRate: snapshotRate, AdmitWhenBusy: true}, // the soak's subject is the attacks
		Logger:   slog.New(slog.DiscardHandler),
		NewSimulation: func(string) (game.Simulation[tanks.Input], error) {
			room, err := tankGame.NewRoom()
			if err != nil {
				return nil, err
			}
			return room, nil
		},
		ParseInput: tanks.ParseInput,
	}
	if !spread {
		opts.MaxSeatsPerAddress, opts.JoinRate = -1, -1
	}
	lobby, err := game.NewLobby(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	return lobby
}

// engineOptions are the game server's defaults (main.go's flags) for the connection layer:
// 64 KiB messages, 64 connections and 10 handshakes a second (bursts of 20) per address. With
// every client on 127.0.0.1 (spread false) the per-address ones are lifted.
func engineOptions(spread bool) engineio.Options {
	o := engineio.Options{
		MaxPayload:          64 << 10,
		MaxConnections:      10_000,
		MaxConnectionsPerIP: 64,
		HandshakeRatePerIP:  10,
		Logger:              slog.New(slog.DiscardHandler),
	}
	if !spread {
		o.MaxConnectionsPerIP, o.HandshakeRatePerIP = 10_000, 0
	}
	return o
}

// metric reads one series from the lobby's Prometheus text.
func metric(l *game.Lobby[tanks.Input], series string) float64 {
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

// meterReading is a bot's meter at one moment.
type meterReading struct {
	snapshots int64
	connected time.Duration
}

func readMeters(bots []*bot) []meterReading {
	r := make([]meterReading, len(bots))
	for i, b := range bots {
		r[i].snapshots, r[i].connected = b.meter.read()
	}
	return r
}

// snapshotRates returns each bot's snapshots per connected second between two readings; bots
// connected less than a second in between are left out.
func snapshotRates(from, to []meterReading) []float64 {
	var rates []float64
	for i := range from {
		if d := to[i].connected - from[i].connected; d >= time.Second {
			rates = append(rates, float64(to[i].snapshots-from[i].snapshots)/d.Seconds())
		}
	}
	slices.Sort(rates)
	return rates
}

// seatCheck compares the lobby's player count with the seat ledger's bound while the soak
// runs, and keeps the heap's peak.
type seatCheck struct {
	samples, over int
	maxPlayers    float64
	worstPlayers  float64 // the sample most over the bound
	worstBound    int64
	minHeadroom   float64 // the least the bound was above the count
	heapPeak      uint64  // runtime.MemStats.HeapAlloc, garbage included
}

func (c *seatCheck) sample(l *game.Lobby[tanks.Input], seats *seatLedger) {
	players := metric(l, "tankarena_players")
	bound := seats.bound() // read after: a claim is counted before its join is sent
	if headroom := float64(bound) - players; c.samples == 0 || headroom < c.minHeadroom {
		c.minHeadroom = headroom
	}
	c.samples++
	c.maxPlayers = max(c.maxPlayers, players)
	if players > float64(bound) {
		if c.over == 0 || players-float64(bound) > c.worstPlayers-float64(c.worstBound) {
			c.worstPlayers, c.worstBound = players, bound
		}
		c.over++
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	c.heapPeak = max(c.heapPeak, m.HeapAlloc)
}

func TestSoak(t *testing.T) {
	cfg := config(t)
	spread := loopbackSpreads()
	if !spread {
		t.Log("soak: no loopback source address but 127.0.0.1: the per-address limits are lifted")
	}
	baseGoroutines, baseHeap := runtime.NumGoroutine(), memtest.LiveHeap()

	serverCtx, stopServer := context.WithCancel(context.Background())
	defer stopServer()
	lobby := newLobby(t, serverCtx, spread)
	rt := realtime.NewServer(realtime.Options{Engine: engineOptions(spread)})
	lobby.Serve(rt.Of("/"))
	ts := httptest.NewServer(rt)
	defer func() { ts.Close(); rt.Close(); lobby.Close() }()

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	tl := &tally{}
	seats := &seatLedger{bots: cfg.bots, keep: game.ReconnectWindow + 5*time.Second}
	bots := make([]*bot, cfg.bots)
	var wg sync.WaitGroup
	for i := range bots {
		var ip net.IP
		if spread {
			ip = botAddress(i)
		}
		bots[i] = &bot{url: ts.URL, name: fmt.Sprintf("Bot%d", i), dialer: dialerFrom(ip), tickRate: 60, dropEvery: 20 * time.Second, tally: tl}
		wg.Go(func() { bots[i].run(ctx) })
		time.Sleep(2 * time.Millisecond) // a crowd arriving, not a single burst
	}
	// The attacks start once every bot has joined, and the bots' snapshot rate is measured
	// from then on.
	if !waitUntil(time.Minute, func() bool { return tl.joins.Load() >= int64(len(bots)) }) {
		t.Errorf("only %d of %d bots joined within a minute", tl.joins.Load(), len(bots))
	}
	windowStart := readMeters(bots)
	var vandals []*vandal
	for k, a := range attacks {
		if !cfg.vandals {
			break // SOAK_VANDALS=0
		}
		var ip net.IP
		if spread {
			ip = vandalAddress(k)
		}
		v := newVandal(k, a.kind, ip, ts.URL, tl, seats)
		vandals = append(vandals, v)
		wg.Go(func() { v.run(ctx, a) })
	}

	// Sample the process while it runs: after a warm-up, goroutines and heap must stay level,
	// and the lobby must never count more players than the clients can hold seats.
	type sample struct {
		at         time.Duration
		goroutines int
		heap       uint64
	}
	var samples []sample
	var check seatCheck
	begin := time.Now()
	timeUp := time.After(cfg.duration)
	every := max(cfg.duration/10, time.Second)
	sampler := time.NewTicker(every)
	seatTicker := time.NewTicker(200 * time.Millisecond)
	for running := true; running; {
		select {
		case <-timeUp:
			running = false
		case <-seatTicker.C:
			check.sample(lobby, seats)
		case <-sampler.C:
			samples = append(samples, sample{time.Since(begin).Round(time.Second), runtime.NumGoroutine(), memtest.LiveHeap()})
		}
	}
	sampler.Stop()
	seatTicker.Stop()
	rates := snapshotRates(windowStart, readMeters(bots))

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
	wg.Wait() // the bots and vandals close their connections
	for _, v := range vandals {
		v.http.CloseIdleConnections()
	}
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
	if limit := heapPeakLimit(cfg.bots); check.heapPeak > limit {
		t.Errorf("the heap reached %d MiB (garbage included), over the %d MiB that %d bots and the vandals need", check.heapPeak>>20, limit>>20, cfg.bots)
	}
	if check.over > 0 {
		t.Errorf("the lobby counted more players than the clients can hold seats in %d of %d samples: %v players, at most %d seats (a connection holding more than one?)",
			check.over, check.samples, check.worstPlayers, check.worstBound)
	}
	// What the vandals met must show in the server's own counters.
	engine := rt.EngineStats()
	if got := metric(lobby, "tankarena_client_lag_limited_total"); got < float64(tl.lagConnects.Load()) {
		t.Errorf("%v handshakes counted as asking for too much lag, want at least the vandal's %d", got, tl.lagConnects.Load())
	}
	if got := metric(lobby, "tankarena_seats_replaced_total"); got < float64(tl.takeovers.Load()) {
		t.Errorf("%v seats counted as replaced, want at least the vandal's %d takeovers", got, tl.takeovers.Load())
	}
	if engine.Closes.ParseError < tl.bombs.Load() {
		t.Errorf("%d connections closed for a parse error, want at least the %d placeholder bombs", engine.Closes.ParseError, tl.bombs.Load())
	}
	mean := 0.0
	for _, r := range rates {
		mean += r / float64(len(rates))
	}
	if cfg.long && (len(rates) == 0 || mean < minSnapshotRate) {
		t.Errorf("honest bots got %.1f snapshots a connected second on average during the attacks (%d bots measured), want at least %v of %d",
			mean, len(rates), minSnapshotRate, snapshotRate)
	}

	tickP99 := tickPercentile(lobby, 0.99)
	summary := fmt.Sprintf("soak: %d bots + %d vandals for %v: %d joins, %d disconnects, %d token reconnects, %d malformed packets; "+
		"%d snapshots received, %d inputs sent (%.0f accepted, %.0f dropped malformed, %.0f dropped rate); tick p99 <= %v; skipped ticks %.0f; panics %.0f",
		cfg.bots, len(vandals), cfg.duration, tl.joins.Load(), tl.disconnects.Load(), tl.reconnects.Load(), tl.malformed.Load(),
		tl.snapshots.Load(), tl.inputs.Load(), metric(lobby, "tankarena_inputs_total"),
		metric(lobby, `tankarena_inputs_dropped_total{reason="malformed"}`), metric(lobby, `tankarena_inputs_dropped_total{reason="rate"}`),
		tickP99, metric(lobby, "tankarena_ticks_skipped_total"), metric(lobby, "tankarena_arena_panics_total"))
	summary += fmt.Sprintf("\n  honest bots' snapshots during the attacks, per connected second: mean %.1f, p10 %.1f, min %.1f (of %d; %d bots measured)",
		mean, percentile(rates, 0.10), percentile(rates, 0), snapshotRate, len(rates))
	summary += fmt.Sprintf("\n  seats: at most %.0f players in %d samples; the clients' possible seats exceeded them by %.0f at the least (negative: a connection held more than one); heap peak %d MiB (garbage included)",
		check.maxPlayers, check.samples, check.minHeadroom, check.heapPeak>>20)
	summary += fmt.Sprintf("\n  server: joins refused: rate %.0f, address %.0f, name %.0f, full %.0f; held seats evicted for the address %.0f; seats replaced %.0f; latency refused %.0f; client lag cut %.0f",
		metric(lobby, `tankarena_joins_refused_total{reason="join_rate"}`), metric(lobby, `tankarena_joins_refused_total{reason="seats_per_address"}`),
		metric(lobby, `tankarena_joins_refused_total{reason="bad_name"}`), metric(lobby, `tankarena_joins_refused_total{reason="server_full"}`),
		metric(lobby, `tankarena_held_seats_evicted_total{reason="seats_per_address"}`), metric(lobby, "tankarena_seats_replaced_total"),
		metric(lobby, "tankarena_latency_refused_total"), metric(lobby, "tankarena_client_lag_limited_total"))
	summary += fmt.Sprintf("\n  connections: closed for parse errors %d, transport errors %d, queue full %d, backlog bytes %d, write timeouts %d; handshakes refused for rate %d, per address %d; volatile messages dropped %d",
		engine.Closes.ParseError, engine.Closes.TransportError, engine.QueueFullCloses, engine.QueueBytesCloses, engine.WriteTimeouts,
		engine.Rejected.HandshakeRate, engine.Rejected.PerIPLimit, engine.VolatileDropped)
	summary += tl.vandalReport()
	for _, s := range samples {
		summary += fmt.Sprintf("\n  at %v: %d goroutines, heap %d KiB", s.at, s.goroutines, s.heap>>10)
	}

	// After: the seats expire, the arenas stop, and the process is back where it started.
	if !waitUntil(testenv.Patience(30*time.Second), func() bool { return lobby.Rooms() == 0 && len(rt.Of("/").Sockets()) == 0 }) {
		t.Errorf("after the soak: %d arenas, %d sockets still open", lobby.Rooms(), len(rt.Of("/").Sockets()))
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
	if cfg.long {
		fmt.Println(summary)
	}
}

// heapPeakLimit bounds the heap (garbage included) while bots play and vandals attack: 64 MiB
// plus 256 KiB a bot. The soak's process holds the server and the clients; at 200 bots its
// heap peaked at 16 MiB, 13 MiB without vandals. Against the server as it was before issue
// 12's fixes, whose parser made a copy of the attachment for each placeholder, the placeholder
// bombs took the short form (20 bots) to 277 MiB.
func heapPeakLimit(bots int) uint64 { return 64<<20 + uint64(bots)<<18 }

// percentile returns the value at fraction p of sorted values (0: the least).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(p*float64(len(sorted)-1))]
}

// tickPercentile estimates a tick-duration percentile from the /metrics histogram: the upper
// bound of the first bucket holding it.
func tickPercentile(l *game.Lobby[tanks.Input], p float64) string {
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
