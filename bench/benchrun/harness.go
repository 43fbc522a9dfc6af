package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"tankarena/bench/counts"
	"tankarena/bench/record"
)

// config is one benchmark run; see the flags in main.go.
type config struct {
	goServer, loadgen  string
	node, nodeScript   string
	pin                bool
	nice               int
	reps               int
	scenarios          map[string]bool
	idleSteps          []int
	clients            int
	rate, payload      int
	search             []int
	warmup, window     time.Duration
	searchWindow       time.Duration
	maxP99             time.Duration
	connectConcurrency int

	// game scenario
	gameServer   string
	gameBaseline string   // a second game server binary measured in turns with gameServer; empty: none
	gameArgs     []string // extra game server flags, given to both
	gameSteps    []int
	gameWindow   time.Duration
	maxTickP99   time.Duration
	gameBytesAt  int  // the player count whose snapshot bytes the table quotes
	keepGoing    bool // measure every game step, even after one fails (the smoke test)
	attempts     int  // windows a game step may take to pass
	maxSkipped   int  // skipped ticks a passing game window may have
	// gameSpectators: spectators per 16 players in the game scenario's runs with spectators
	// (spectators.go); 0: no such runs.
	gameSpectators int

	// admission scenario
	admissionCapacity int     // players the node is filled to; 0: what the game scenario held
	admissionOver     float64 // then this share more try to join

	// cluster scenario
	redisServer    string // the redis-server binary
	clusterClients int    // broadcast: clients on node B
	clusterJoins   int    // join latency: joins of each kind (0: not measured)
}

// Scenario names, as given to -scenarios.
const (
	scenarioIdle   = "idle"
	scenarioFanout = "fanout"
	scenarioGame   = "game"
)

// run is the outcome of one loadgen invocation against one server.
type run struct {
	Server   string          `json:"server"`
	Rep      int             `json:"rep"`
	Scenario string          `json:"scenario"`
	Records  []record.Record `json:"records"`
}

func (c config) kinds() []serverKind {
	return []serverKind{
		{name: "go", label: "ours (Go)", command: func(rate, payload int) []string {
			return []string{c.goServer, "0", strconv.Itoa(rate), strconv.Itoa(payload)}
		}},
		{name: "node", label: "Node socket.io 4.8.4", command: func(rate, payload int) []string {
			return []string{c.node, "--expose-gc", c.nodeScript, "0", strconv.Itoa(rate), strconv.Itoa(payload)}
		}},
	}
}

// kindsFor returns the servers a scenario runs on: the game scenario has no reference, only
// the baseline build when one is given.
func (c config) kindsFor(scenario string) []serverKind {
	if scenario == scenarioGame {
		return c.gameKinds()
	}
	return c.kinds()
}

// runAll measures every scenario, the servers taking turns (A B A B) so that drift in the
// machine's load hits both alike. Progress goes to log.
func runAll(ctx context.Context, cfg config, log io.Writer) ([]run, error) {
	log = &lockedWriter{w: log} // a server and the load generator write their stderr at once
	var runs []run
	for _, scenario := range []string{scenarioIdle, scenarioFanout, scenarioGame} {
		if !cfg.scenarios[scenario] {
			continue
		}
		for rep := 1; rep <= cfg.reps; rep++ {
			for _, kind := range cfg.kindsFor(scenario) {
				if err := ctx.Err(); err != nil {
					return runs, err
				}
				fmt.Fprintf(log, "== %s, %s server, run %d/%d\n", scenario, kind.name, rep, cfg.reps)
				recs, err := runOne(ctx, cfg, kind, scenario, log)
				if err != nil {
					return runs, fmt.Errorf("%s on %s server (run %d): %w", scenario, kind.name, rep, err)
				}
				runs = append(runs, run{Server: kind.name, Rep: rep, Scenario: scenario, Records: recs})
			}
		}
	}
	if cfg.scenarios[scenarioAdmission] {
		if capacity := admissionCapacity(cfg, runs); capacity == 0 {
			fmt.Fprintf(log, "== %s: skipped: %s\n", scenarioAdmission, admissionSkipped)
		} else {
			more, err := runAdmission(ctx, cfg, capacity, log)
			runs = append(runs, more...)
			if err != nil {
				return runs, err
			}
		}
	}
	if cfg.scenarios[scenarioCluster] {
		more, err := runCluster(ctx, cfg, log)
		runs = append(runs, more...)
		if err != nil {
			return runs, err
		}
	}
	return runs, nil
}

// runOne starts a fresh server, runs the loadgen for one scenario against it and stops it.
func runOne(ctx context.Context, cfg config, kind serverKind, scenario string, log io.Writer) ([]record.Record, error) {
	srv, err := startServer(ctx, kind, cfg.serverPlacement(), 0, cfg.payload, prefixed(log, kind.name+" server: "))
	if err != nil {
		return nil, err
	}
	defer srv.stop()

	args := []string{"-url", srv.url(), "-pid", strconv.Itoa(srv.pid()),
		"-connect-concurrency", strconv.Itoa(cfg.connectConcurrency), "-warmup", cfg.warmup.String()}
	switch scenario {
	case scenarioIdle:
		args = append(args, "-mode", "idle", "-steps", counts.Join(cfg.idleSteps))
	case scenarioFanout:
		args = append(args, "-mode", "fanout", "-clients", strconv.Itoa(cfg.clients),
			"-rates", strconv.Itoa(cfg.rate), "-window", cfg.window.String(),
			"-search", counts.Join(cfg.search), "-search-window", cfg.searchWindow.String(),
			"-max-p99", cfg.maxP99.String())
	case scenarioGame:
		args = append(args, gameLoadgenArgs(cfg, cfg.gameSteps)...)
		args = append(args, kind.loadgenArgs...)
	}
	return runLoadgen(ctx, cfg, args, log)
}

// gameLoadgenArgs are the load generator's game-mode flags for these player counts.
func gameLoadgenArgs(cfg config, steps []int) []string {
	return []string{"-mode", "game", "-steps", counts.Join(steps), "-tick-rate", strconv.Itoa(gameTickRate), "-snapshot-rate", strconv.Itoa(gameSnapshotRate),
		"-window", cfg.gameWindow.String(), "-max-tick-p99", cfg.maxTickP99.String(),
		"-keep-going=" + strconv.FormatBool(cfg.keepGoing), "-attempts", strconv.Itoa(max(cfg.attempts, 1)),
		"-max-skipped", strconv.Itoa(cfg.maxSkipped)}
}

// runLoadgen runs the load generator with args (after its binary), on its own CPU, and
// returns the records it printed.
func runLoadgen(ctx context.Context, cfg config, args []string, log io.Writer) ([]record.Record, error) {
	loadgenAt := placement{nice: cfg.nice}
	if cfg.pin {
		loadgenAt.cpu = "1"
	}
	args = loadgenAt.wrap(append([]string{cfg.loadgen}, args...))
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdout = &stdout
	cmd.Stderr = prefixed(log, "  ")
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	recs, err := record.Read(&stdout)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("loadgen printed no records")
	}
	return recs, nil
}

// serverPlacement is where the servers run: CPU 0 when pinned (the load generator has CPU 1).
func (c config) serverPlacement() placement {
	p := placement{nice: c.nice}
	if c.pin {
		p.cpu = "0"
	}
	return p
}

// lockedWriter lets several processes' output copiers share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// prefixed writes each line it is given to w with prefix in front.
func prefixed(w io.Writer, prefix string) io.Writer {
	return &prefixWriter{w: w, prefix: prefix, atStart: true}
}

type prefixWriter struct {
	w       io.Writer
	prefix  string
	atStart bool
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	var out []byte
	for _, c := range b {
		if p.atStart {
			out = append(out, p.prefix...)
		}
		out = append(out, c)
		p.atStart = c == '\n'
	}
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// writeRuns stores every record of the run as JSON lines, one per loadgen record.
func writeRuns(w io.Writer, runs []run) error {
	enc := json.NewEncoder(w)
	for _, r := range runs {
		for _, rec := range r.Records {
			line := struct {
				Server   string `json:"server"`
				Rep      int    `json:"rep"`
				Scenario string `json:"scenario"`
				record.Record
			}{r.Server, r.Rep, r.Scenario, rec}
			if err := enc.Encode(line); err != nil {
				return fmt.Errorf("benchrun: %w", err)
			}
		}
	}
	return nil
}
