// Command loadgen loads a Socket.IO fan-out server (bench/fanoutserver or the reference
// bench/node/fanout-server.mjs) with many websocket clients and measures it from outside: connect rate, delivery latency (receive time minus the server's
// stamp; both run on one machine, so the clocks agree), delivered messages per second, loss
// (sequence gaps), bytes per client per second, and the server process's CPU time and RSS
// from /proc — its PID is given.
//
// Modes:
//
//	loadgen -url http://127.0.0.1:PORT -pid PID -mode idle -steps 1000,5000,10000
//	loadgen -url http://127.0.0.1:PORT -pid PID -mode fanout -clients 2000 -rates 20 -search 50,100,200
//
// idle connects clients in steps and, at each, forces a GC in the server (GET /bench/gc)
// and reads its RSS. fanout connects -clients, then holds each -rates rate (set with GET
// /bench/rate) for -window, then climbs the -search rates for -search-window each, stopping
// at the first that is not sustained (p99 over -max-p99, loss, a dropped client) or that the
// server could not keep (it broadcast under 75% of the rate: saturated).
//
// -receiver says how the fan-out clients are read. goroutines: each is a
// tankarena/realtime/client connection with its own reader goroutine (every system).
// epoll, the default on Linux: the clients connect by hand (websocket upgrade, Engine.IO
// open, Socket.IO CONNECT to "/"), then one goroutine per CPU reads all their sockets
// through a level-triggered epoll set, answers pings and parses the frames itself; a
// message then costs about one read(2), most of which is the kernel's own TCP work. With
// it, -stamp kernel (the default) takes a tick's receive time from the kernel's arrival
// stamp of its bytes (SO_TIMESTAMPNS), so a load generator that falls behind does not add
// its backlog to the server's latency; -stamp read stamps when the read returned. The idle
// mode always uses the goroutine receiver: it measures the server's memory for real clients.
//
// game plays the tank game server (go run . — its /metrics is scraped) with bot players:
//
//	loadgen -url http://127.0.0.1:PORT -pid PID -mode game -steps 16,100,200 -window 5s
//
// At each -steps count it joins players (each its own connection, "join" with a name), lets
// every player send an input per tick (-tick-rate), waits -warmup, and measures -window: the
// tick duration p99 from the server's histogram, ticks run per arena per second, skipped
// ticks, and the snapshots and bytes each player received. It stops after the first step
// with p99 over -max-tick-p99, a skipped tick, arenas ticking under -min-tick-share of the
// rate, or a player that did not join or was dropped (unless -keep-going); a step gets up to
// -attempts windows to pass. Joins the server refuses "server busy" (admission by measured
// capacity) are counted apart, beside the server's own count of them from its /metrics.
// -spectators K adds K spectators per 16 players after each step's players ("spectate",
// spectators.go); a step then also needs them all watching and decoding their snapshots.
// With several comma-separated -url (the nodes of a cluster), player i joins on node i mod n
// and each window adds up the nodes' /metrics; -other-pids adds their CPU.
//
// Each measured step is a JSON line on stdout (package tankarena/bench/record); a
// human summary goes to stderr.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"tankarena/bench/counts"
)

type config struct {
	url, mode          string
	controlURL         string // where the fan-out's /bench endpoints are called; empty: url
	pid                int
	otherPIDs          []int // processes whose CPU is reported beside the server's
	steps              []int
	clients            int
	rates, search      []int
	warmup, window     time.Duration
	searchWindow       time.Duration
	settle             time.Duration
	maxP99             time.Duration
	connectConcurrency int
	connectTimeout     time.Duration
	readBuffer         int
	receiver           string
	stamp              string
	cpuProfile         string

	// game mode
	tickRate     int
	maxTickP99   time.Duration
	minTickShare float64
	snapshotRate int
	minSnapShare float64
	perSource    int
	keepGoing    bool
	attempts     int
	maxSkipped   int
	// spectatorsPerArena spectators watch per 16 players (spectators.go).
	spectatorsPerArena int
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := profiled(cfg.cpuProfile, func() error { return run(ctx, cfg, newEmitter(os.Stdout, os.Stderr)) }); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// profiled runs f, recording a CPU profile of the whole run into path unless path is "".
func profiled(path string, f func() error) error {
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return fmt.Errorf("cpu profile: %w", err)
	}
	runErr := f()
	pprof.StopCPUProfile()
	if err := out.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("cpu profile: %w", err)
	}
	return runErr
}

func parseFlags(args []string) (config, error) {
	var cfg config
	var steps, rates, search, otherPIDs string
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.StringVar(&cfg.url, "url", "", "server base URL, e.g. http://127.0.0.1:3000; "+
		"game: several, comma-separated, spread the players over the nodes of a cluster (player i on node i mod n) and add up their /metrics")
	fs.StringVar(&cfg.controlURL, "control-url", "", "fanout: the server whose /bench/rate sets the broadcast rate (the emitting node of a cluster, "+
		"while the clients are on another); empty: -url")
	fs.IntVar(&cfg.pid, "pid", 0, "server process id, for CPU and RSS")
	fs.StringVar(&otherPIDs, "other-pids", "", "more process ids (comma-separated: the other nodes of a cluster, its Redis) whose CPU is reported, summed, beside the server's")
	fs.StringVar(&cfg.mode, "mode", "fanout", "idle, fanout or game")
	fs.StringVar(&steps, "steps", "1000,5000,10000", "idle: connected-client counts to measure RSS at; game: player counts")
	fs.IntVar(&cfg.clients, "clients", 2000, "fanout: number of clients")
	fs.StringVar(&rates, "rates", "20", "fanout: broadcast rates (per second) to measure, each for -window")
	fs.StringVar(&search, "search", "", "fanout: rising rates to try after -rates, each for -search-window; stops at the first not sustained")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "time at a new rate before measuring")
	fs.DurationVar(&cfg.window, "window", 10*time.Second, "measurement window of each -rates rate")
	fs.DurationVar(&cfg.searchWindow, "search-window", 5*time.Second, "measurement window of each -search rate")
	fs.DurationVar(&cfg.settle, "settle", time.Second, "wait after connecting before measuring")
	fs.DurationVar(&cfg.maxP99, "max-p99", 100*time.Millisecond, "a rate is sustained only with p99 latency below this")
	fs.IntVar(&cfg.connectConcurrency, "connect-concurrency", 64, "handshakes in flight at once")
	fs.DurationVar(&cfg.connectTimeout, "connect-timeout", 30*time.Second, "limit for one client's connection")
	fs.IntVar(&cfg.readBuffer, "read-buffer", 4096, "goroutines receiver: websocket read buffer per client: larger lets one read syscall take several queued messages")
	fs.StringVar(&cfg.receiver, "receiver", defaultReceiver, "fanout: how the clients are read: "+
		"goroutines (tankarena/realtime/client, a reader goroutine per connection) or "+
		"epoll (Linux only: one epoll loop per CPU reads every socket, a read and a parse per message); idle always uses goroutines")
	fs.StringVar(&cfg.stamp, "stamp", stampKernel, "epoll receiver: a tick's receive time: kernel (when its bytes reached the socket, "+
		"SO_TIMESTAMPNS: the load generator's own backlog is not counted as latency) or read (when the read that took them returned). "+
		"The goroutines receiver stamps after its read")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write the load generator's own CPU profile to this file (go tool pprof), to check that it is not the bottleneck")
	fs.IntVar(&cfg.tickRate, "tick-rate", 60, "game: the server's tick rate: inputs per player per second, and the rate arenas must keep")
	fs.DurationVar(&cfg.maxTickP99, "max-tick-p99", 2*time.Millisecond, "game: a step is sustained only with tick duration p99 at most this")
	fs.Float64Var(&cfg.minTickShare, "min-tick-share", 0.95, "game: a step is sustained only if arenas ran at least this share of -tick-rate")
	fs.IntVar(&cfg.snapshotRate, "snapshot-rate", 30, "game: the server's snapshots per second")
	fs.Float64Var(&cfg.minSnapShare, "min-snapshot-share", 0.95, "game: a step is sustained only if the players received, on average, at least this share of -snapshot-rate (a server drops snapshots for clients that read too slowly)")
	fs.IntVar(&cfg.perSource, "per-source", 16, "game: players per loopback source address (127.0.0.2, …), under the game server's per-address limits (64 open, bursts of 20 handshakes); 0: one address")
	fs.IntVar(&cfg.attempts, "attempts", 2, "game: windows a step may take to be sustained (1: strict; more forgive a passing stall of a shared machine)")
	fs.IntVar(&cfg.maxSkipped, "max-skipped", 0, "game: skipped ticks a sustained window may have (an arena skips only after a stall of 100 ms, which a shared machine has at any load)")
	fs.IntVar(&cfg.spectatorsPerArena, "spectators", 0, "game: spectators per 16 players, joined after each step's players with \"spectate\" (the server places each on the busiest room with a free place); "+
		"a step also needs them all watching and decoding, on average, -min-snapshot-share of -snapshot-rate")
	fs.BoolVar(&cfg.keepGoing, "keep-going", false, "game: measure every step, even after one is not sustained")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if cfg.url == "" || cfg.pid <= 0 {
		return cfg, errors.New("-url and -pid are required")
	}
	var err error
	if cfg.steps, err = counts.Parse(steps); err != nil {
		return cfg, fmt.Errorf("-steps: %w", err)
	}
	if cfg.rates, err = counts.Parse(rates); err != nil {
		return cfg, fmt.Errorf("-rates: %w", err)
	}
	if cfg.search, err = counts.Parse(search); err != nil {
		return cfg, fmt.Errorf("-search: %w", err)
	}
	if cfg.otherPIDs, err = counts.Parse(otherPIDs); err != nil {
		return cfg, fmt.Errorf("-other-pids: %w", err)
	}
	if cfg.mode != "game" && strings.Contains(cfg.url, ",") {
		return cfg, errors.New("-url: several servers only in game mode")
	}
	if cfg.receiver != receiverGoroutines && cfg.receiver != receiverEpoll {
		return cfg, fmt.Errorf("-receiver %q: want %s or %s", cfg.receiver, receiverGoroutines, receiverEpoll)
	}
	if cfg.stamp != stampKernel && cfg.stamp != stampRead {
		return cfg, fmt.Errorf("-stamp %q: want %s or %s", cfg.stamp, stampKernel, stampRead)
	}
	if cfg.mode != "idle" && cfg.mode != "fanout" && cfg.mode != "game" {
		return cfg, fmt.Errorf("-mode %q: want idle, fanout or game", cfg.mode)
	}
	if cfg.spectatorsPerArena < 0 {
		return cfg, errors.New("-spectators must not be negative")
	}
	if cfg.tickRate < 1 || cfg.attempts < 1 {
		return cfg, errors.New("-tick-rate and -attempts must be at least 1")
	}
	return cfg, nil
}

func run(ctx context.Context, cfg config, out *emitter) error {
	if cfg.mode == "game" {
		return runGame(ctx, cfg, out)
	}
	ctl := control{base: strings.TrimSuffix(cmp.Or(cfg.controlURL, cfg.url), "/")}
	kind := cfg.receiver
	if cfg.mode == "idle" {
		// The idle mode measures the server's memory per connection of the real client.
		kind = receiverGoroutines
	}
	f, err := newFleet(cfg.url, kind, cfg.readBuffer, cfg.stamp)
	if err != nil {
		return err
	}
	defer f.close()
	if cfg.mode == "idle" {
		return runIdle(ctx, cfg, f, ctl, out)
	}
	return runFanout(ctx, cfg, f, ctl, out)
}
