// Command benchrun is `make bench`: it measures our realtime server (bench/fanoutserver)
// against the official Node socket.io server (bench/node/fanout-server.mjs) in one run and
// prints a table of both figures and their ratio.
//
// Each server runs pinned to CPU 0 (taskset), the load generator (bench/loadgen) to CPU 1, so
// the server's figures are its own. The servers take turns, A B A B, and a fresh server
// process serves every measurement. Scenarios:
//
//   - idle: RSS after a forced GC with 1k, 5k and 10k idle websocket clients, and the slope
//     of a linear fit, i.e. memory per connection;
//   - fanout: 2000 clients, 20 broadcasts/s of a 260-byte event: server CPU, latency; then
//     the highest rate each server sustains (p99 < 100 ms, no loss), climbing a list of rates;
//   - game (ours only): the game server (the repository's main package, -gameserver) at 60
//     ticks/s and 30 snapshots/s with no server bots; bot players join in steps (16, then
//     hundreds), each sending an input per tick. At each step the tick duration p99 comes from
//     the server's /metrics histogram (bucket deltas over the window); the capacity is the
//     last step before the first with p99 over 2 ms, a skipped or late tick, players getting
//     under 95% of the snapshots on average, or a player lost.
//     Snapshot bytes per client per second are quoted at 16 players (one full arena). With
//     -game-baseline, a second game server build (before a change, say) takes turns with it,
//     A B A B, and a second table gives both builds' figures and their ratio. With
//     -game-spectators K (2 by default) each run is followed by one of the same build whose
//     load generator also has K spectators per 16 players watch, and a table sets the two
//     against each other (spectators.go).
//   - admission (ours only): a fresh game server with admission by measured capacity on is
//     filled to its capacity (the game scenario's, or -admission-capacity), then pushed
//     -admission-over past it; the players it seats must keep 27 snapshots/s on average, and
//     each join it refuses must be a "server busy" answer counted in its /metrics (admission.go);
//   - cluster (ours only, on a redis-server of its own; skipped, saying so, without one):
//     cross-node broadcast latency and CPU, and the players two game nodes on Redis hold,
//     each against one node in the same run, in a table of its own (cluster.go).
//
// Raw records go to -out as JSON lines; the table, in Markdown, to stdout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"tankarena/bench/counts"
)

func main() {
	cfg, out, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := raiseOpenFileLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun: warning:", err)
	}
	started := time.Now()
	runs, err := runAll(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
	if out != "" {
		f, err := os.Create(out)
		if err == nil {
			err = errors.Join(writeRuns(f, runs), f.Close())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchrun:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("\n%s; %d runs each, A B A B; %s in all\n\n", machine(), cfg.reps, time.Since(started).Round(time.Second))
	if rows := summarize(cfg, runs); len(rows) > 0 {
		printTable(os.Stdout, rows, labelsOf(cfg))
	}
	if cfg.scenarios[scenarioCluster] {
		printClusterTable(os.Stdout, cfg, runs)
	}
	if cfg.gameSpectators > 0 && cfg.scenarios[scenarioGame] {
		fmt.Printf("\nThe game server with %d spectators per 16 players against without (the same binary, in turns):\n\n", cfg.gameSpectators)
		printTable(os.Stdout, spectatorRows(cfg, runs), spectatorLabels)
	}
	if cfg.gameBaseline != "" && cfg.scenarios[scenarioGame] {
		fmt.Printf("\nThe game server (%s) against the baseline (%s):\n\n", cfg.gameServer, cfg.gameBaseline)
		printTable(os.Stdout, baselineRows(cfg, runs), baselineLabels)
	}
}

func parseFlags(args []string) (config, string, error) {
	var cfg config
	var steps, search, scenarios, out, gameSteps, gameArgs string
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	fs.StringVar(&cfg.goServer, "fanoutserver", "bench/out/fanoutserver", "our fan-out server binary")
	fs.StringVar(&cfg.loadgen, "loadgen", "bench/out/loadgen", "load generator binary")
	fs.StringVar(&cfg.node, "node", "node", "Node.js executable")
	fs.StringVar(&cfg.nodeScript, "node-script", "bench/node/fanout-server.mjs", "the reference fan-out server")
	fs.BoolVar(&cfg.pin, "pin", runtime.NumCPU() >= 2, "pin the server to CPU 0 and the load generator to CPU 1")
	fs.IntVar(&cfg.nice, "nice", -10, "niceness of the servers and the load generator: on a shared machine, other work then takes less of their CPUs (0: unchanged)")
	fs.IntVar(&cfg.reps, "reps", 2, "runs per server and scenario")
	fs.StringVar(&scenarios, "scenarios", "idle,fanout,game,admission,cluster", "which scenarios to run")
	fs.StringVar(&steps, "idle-steps", "1000,5000,10000", "idle: connected-client counts")
	fs.IntVar(&cfg.clients, "clients", 2000, "fanout: clients")
	fs.IntVar(&cfg.rate, "rate", 20, "fanout: broadcasts per second for the CPU and latency comparison")
	fs.IntVar(&cfg.payload, "payload", 260, "fanout: Socket.IO packet size in bytes")
	fs.StringVar(&search, "search", "50,100,200,250,500,1000",
		"fanout: rates tried in turn for the highest sustained one (whole-millisecond periods, so Node's setInterval keeps them)")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "time at each new rate before measuring")
	fs.DurationVar(&cfg.window, "window", 10*time.Second, "fanout: measurement window at -rate")
	fs.DurationVar(&cfg.searchWindow, "search-window", 5*time.Second, "fanout: measurement window of each search rate")
	fs.DurationVar(&cfg.maxP99, "max-p99", 100*time.Millisecond, "latency limit for a sustained rate")
	fs.IntVar(&cfg.connectConcurrency, "connect-concurrency", 64, "handshakes the load generator keeps in flight")
	fs.StringVar(&cfg.gameServer, "gameserver", "bench/out/tankarena", "game: the game server binary (go build -o bench/out/ .)")
	fs.StringVar(&cfg.gameBaseline, "game-baseline", "",
		"game: a second game server binary (say, built from an older commit) measured in turns with -gameserver, A B A B; a second table compares the two")
	fs.StringVar(&gameArgs, "game-args", "", "game: extra game server flags, space-separated, given to both game servers")
	fs.StringVar(&gameSteps, "game-steps", defaultGameSteps(), "game: player counts, in rising order")
	fs.DurationVar(&cfg.gameWindow, "game-window", 4*time.Second, "game: measurement window of each step")
	fs.DurationVar(&cfg.maxTickP99, "max-tick-p99", 2*time.Millisecond, "game: tick duration p99 limit of a held step")
	fs.IntVar(&cfg.attempts, "game-attempts", 2, "game: windows a step may take to pass (1: strict; 2 forgives one stall of a shared machine)")
	fs.IntVar(&cfg.maxSkipped, "game-max-skipped", 0, "game: skipped ticks a passing window may have (0 on a quiet machine; an arena skips only after a 100 ms stall of the whole process)")
	fs.IntVar(&cfg.gameSpectators, "game-spectators", 2,
		"game: spectators per 16 players in a second run of the game server, in turns with the first, whose steps hold only if the spectators decode 95% of the snapshots too; a table compares the two (0: no such run)")
	fs.IntVar(&cfg.gameBytesAt, "game-bytes-at", 16, "game: the player count whose snapshot bytes per client are reported (one of -game-steps)")
	fs.IntVar(&cfg.admissionCapacity, "admission-capacity", 0, "admission: the players to fill the node to before pushing past it (0: the most the game scenario of this run held in any of its runs)")
	fs.Float64Var(&cfg.admissionOver, "admission-over", 0.2, "admission: how far past the capacity to push, as a share of it")
	fs.StringVar(&cfg.redisServer, "redis-server", "redis-server", "cluster: the redis-server binary (the scenario is skipped, saying so, when it is missing)")
	fs.IntVar(&cfg.clusterClients, "cluster-clients", 1000, "cluster: clients receiving the cross-node broadcasts")
	fs.IntVar(&cfg.clusterJoins, "cluster-joins", 30, "cluster: joins of each kind for the join latency, sent to another node and seated on the node joined (go test -bench BenchmarkJoinAcrossNodes in the repository root; 0: not measured)")
	fs.StringVar(&out, "out", "bench/out/results.jsonl", "file for the raw records (empty: none)")
	if err := fs.Parse(args); err != nil {
		return cfg, "", err
	}
	var err error
	if cfg.idleSteps, err = counts.Parse(steps); err != nil {
		return cfg, "", fmt.Errorf("-idle-steps: %w", err)
	}
	if cfg.search, err = counts.Parse(search); err != nil {
		return cfg, "", fmt.Errorf("-search: %w", err)
	}
	if cfg.gameSteps, err = counts.Parse(gameSteps); err != nil {
		return cfg, "", fmt.Errorf("-game-steps: %w", err)
	}
	cfg.gameArgs = strings.Fields(gameArgs)
	cfg.scenarios = map[string]bool{}
	for name := range strings.SplitSeq(scenarios, ",") {
		switch name = strings.TrimSpace(name); name {
		case scenarioIdle, scenarioFanout, scenarioGame, scenarioAdmission, scenarioCluster:
			cfg.scenarios[name] = true
		case "":
		default:
			return cfg, "", fmt.Errorf("-scenarios: unknown %q (want idle, fanout, game, admission, cluster)", name)
		}
	}
	if cfg.scenarios[scenarioAdmission] && !cfg.scenarios[scenarioGame] && cfg.admissionCapacity <= 0 {
		return cfg, "", errors.New("-scenarios admission needs the game scenario in the same run, or -admission-capacity")
	}
	if cfg.admissionOver <= 0 || cfg.clusterClients < 1 || cfg.clusterJoins < 0 {
		return cfg, "", errors.New("-admission-over must be above 0, -cluster-clients at least 1 and -cluster-joins not negative")
	}
	if cfg.gameSpectators < 0 {
		return cfg, "", errors.New("-game-spectators must not be negative")
	}
	if cfg.reps < 1 {
		return cfg, "", errors.New("-reps must be at least 1")
	}
	bins := []string{cfg.loadgen}
	if cfg.scenarios[scenarioIdle] || cfg.scenarios[scenarioFanout] {
		bins = append(bins, cfg.goServer, cfg.node)
	}
	if cfg.scenarios[scenarioCluster] {
		bins = append(bins, cfg.goServer)
	}
	if cfg.scenarios[scenarioGame] || cfg.scenarios[scenarioAdmission] || cfg.scenarios[scenarioCluster] {
		bins = append(bins, cfg.gameServer)
		if cfg.gameBaseline != "" {
			bins = append(bins, cfg.gameBaseline)
		}
	}
	for _, bin := range bins {
		if _, err := exec.LookPath(bin); err != nil {
			return cfg, "", fmt.Errorf("%s: %w (build with `make bench`)", bin, err)
		}
	}
	return cfg, out, nil
}

// defaultGameSteps is 16 players (one full arena, whose snapshot bytes the table quotes),
// then every hundred up to 3000.
func defaultGameSteps() string {
	steps := []int{16}
	for n := 100; n <= 3000; n += 100 {
		steps = append(steps, n)
	}
	return counts.Join(steps)
}

// machine describes the CPU the figures were measured on.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s", runtime.NumCPU(), model, runtime.Version())
}
