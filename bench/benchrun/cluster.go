package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"

	"tankarena/bench/counts"
	"tankarena/bench/record"
)

// The cluster scenario measures what running on several nodes through Redis costs, against
// one node, in the same run (issue 17 item 6), on a redis-server of its own:
//
//   - broadcast: -cluster-clients clients on node B receive -rate broadcasts a second that
//     node A emits (bench/fanoutserver on the Redis adapter: A publishes, B decodes and
//     delivers), against the same clients on one node without Redis. Latency is from A's
//     stamp to the client; CPU is every process's: A, B and redis-server, against the one node;
//   - players: the bot players (as in the game scenario) two game nodes on Redis hold
//     together, dealt out to them in turn, against one node. Both nodes and redis-server run
//     on the one CPU the single node has: on a 2-core machine the load generator needs the
//     other, so this shows what the cluster costs on the same CPU, not what a second machine
//     adds.
//   - join latency: from connecting to holding a seat, when the node joined sends the player
//     to a room on another node (a seat reservation in Redis, a second connection, a second
//     join) and when the room is on the node joined. The repository's BenchmarkJoinAcrossNodes
//     measures it (its own redis-server and two in-process nodes); this runs it.
const (
	scenarioCluster = "cluster"

	clusterBroadcast = "cluster-broadcast" // run.Scenario of the broadcast measurements
	clusterPlayers   = "cluster-players"   // run.Scenario of the players measurements
	clusterJoin      = "cluster-join"      // run.Scenario of the join latency measurement

	sideSingle = "single" // run.Server: one node, no Redis
	sideNodes  = "nodes"  // run.Server: two nodes on Redis
)

// runCluster measures the scenario reps times, one node and two nodes taking turns. Without
// a redis-server it measures nothing and says why (the table says it too).
func runCluster(ctx context.Context, cfg config, log io.Writer) ([]run, error) {
	redisPath, err := exec.LookPath(cfg.redisServer)
	if err != nil {
		fmt.Fprintf(log, "== %s: skipped: %s\n", scenarioCluster, redisMissing(cfg))
		return nil, nil
	}
	var runs []run
	for rep := 1; rep <= cfg.reps; rep++ {
		for _, measure := range []struct {
			scenario string
			fn       func(context.Context, config, string, string, io.Writer) ([]record.Record, error)
		}{{clusterBroadcast, clusterBroadcastRun}, {clusterPlayers, clusterPlayersRun}} {
			for _, side := range []string{sideSingle, sideNodes} {
				fmt.Fprintf(log, "== %s, %s, run %d/%d\n", measure.scenario, side, rep, cfg.reps)
				recs, err := measure.fn(ctx, cfg, side, redisPath, log)
				if err != nil {
					return runs, fmt.Errorf("%s, %s (run %d): %w", measure.scenario, side, rep, err)
				}
				runs = append(runs, run{Server: side, Rep: rep, Scenario: measure.scenario, Records: recs})
			}
		}
		if cfg.clusterJoins == 0 {
			continue
		}
		fmt.Fprintf(log, "== %s, run %d/%d\n", clusterJoin, rep, cfg.reps)
		joins, err := clusterJoinRun(ctx, cfg, rep, log)
		if err != nil {
			return runs, fmt.Errorf("%s (run %d): %w", clusterJoin, rep, err)
		}
		runs = append(runs, joins...)
	}
	return runs, nil
}

func redisMissing(cfg config) string {
	return fmt.Sprintf("%s not found (apt-get install redis-server, or -redis-server PATH)", cfg.redisServer)
}

// cluster is the processes of one cluster measurement: a redis-server and nodes on it.
type cluster struct {
	redis *redisProc
	nodes []*runningServer
}

// startCluster starts a redis-server and n nodes of kind, each given the Redis URL by
// withRedis, all placed by cfg.serverPlacement.
func startCluster(ctx context.Context, cfg config, redisPath string, n int, withRedis func(url string) serverKind, log io.Writer) (*cluster, error) {
	r, err := startRedis(ctx, redisPath, cfg.serverPlacement(), prefixed(log, "redis-server: "))
	if err != nil {
		return nil, err
	}
	c := &cluster{redis: r}
	for i := range n {
		name := string(rune('A' + i))
		srv, err := startServer(ctx, withRedis(r.url()), cfg.serverPlacement(), 0, cfg.payload, prefixed(log, "node "+name+": "))
		if err != nil {
			c.stop()
			return nil, fmt.Errorf("node %s: %w", name, err)
		}
		c.nodes = append(c.nodes, srv)
	}
	return c, nil
}

func (c *cluster) stop() {
	for _, n := range c.nodes {
		n.stop()
	}
	c.redis.stop()
}

// pidsBut lists the PIDs of redis-server and the nodes other than node i, for -other-pids.
func (c *cluster) pidsBut(i int) string {
	pids := []int{c.redis.pid()}
	for j, n := range c.nodes {
		if j != i {
			pids = append(pids, n.pid())
		}
	}
	return counts.Join(pids)
}

// clusterBroadcastRun measures broadcasts to -cluster-clients clients: on one node, or
// emitted on node A and received by clients of node B.
func clusterBroadcastRun(ctx context.Context, cfg config, side, redisPath string, log io.Writer) ([]record.Record, error) {
	args := []string{"-mode", "fanout", "-clients", strconv.Itoa(cfg.clusterClients), "-rates", strconv.Itoa(cfg.rate),
		"-window", cfg.window.String(), "-search", "", "-max-p99", cfg.maxP99.String(),
		"-connect-concurrency", strconv.Itoa(cfg.connectConcurrency), "-warmup", cfg.warmup.String()}
	if side == sideSingle {
		srv, err := startServer(ctx, cfg.fanoutNode(""), cfg.serverPlacement(), 0, cfg.payload, prefixed(log, "node: "))
		if err != nil {
			return nil, err
		}
		defer srv.stop()
		return runLoadgen(ctx, cfg, append(args, "-url", srv.url(), "-pid", strconv.Itoa(srv.pid())), log)
	}
	c, err := startCluster(ctx, cfg, redisPath, 2, cfg.fanoutNode, log)
	if err != nil {
		return nil, err
	}
	defer c.stop()
	a, b := c.nodes[0], c.nodes[1]
	return runLoadgen(ctx, cfg, append(args, "-url", b.url(), "-control-url", a.url(),
		"-pid", strconv.Itoa(b.pid()), "-other-pids", c.pidsBut(1)), log)
}

// fanoutNode is our fan-out server, on the Redis at redisURL unless it is empty.
func (c config) fanoutNode(redisURL string) serverKind {
	return serverKind{name: "go", label: "ours (Go)", command: func(rate, payload int) []string {
		argv := []string{c.goServer, "0", strconv.Itoa(rate), strconv.Itoa(payload)}
		if redisURL != "" {
			argv = append(argv, redisURL)
		}
		return argv
	}}
}

// clusterPlayersRun searches the bot players one game node holds, or two on Redis together.
func clusterPlayersRun(ctx context.Context, cfg config, side, redisPath string, log io.Writer) ([]record.Record, error) {
	args := append([]string{"-connect-concurrency", strconv.Itoa(cfg.connectConcurrency), "-warmup", cfg.warmup.String()},
		gameLoadgenArgs(cfg, cfg.gameSteps)...)
	if side == sideSingle {
		srv, err := startServer(ctx, gameKind("go", "", cfg.gameServer, cfg.gameArgs), cfg.serverPlacement(), 0, 0, prefixed(log, "node: "))
		if err != nil {
			return nil, err
		}
		defer srv.stop()
		return runLoadgen(ctx, cfg, append(args, "-url", srv.url(), "-pid", strconv.Itoa(srv.pid())), log)
	}
	onRedis := func(url string) serverKind {
		return gameKind("go", "", cfg.gameServer, append(append([]string(nil), cfg.gameArgs...), "-redis", url))
	}
	c, err := startCluster(ctx, cfg, redisPath, 2, onRedis, log)
	if err != nil {
		return nil, err
	}
	defer c.stop()
	a, b := c.nodes[0], c.nodes[1]
	return runLoadgen(ctx, cfg, append(args, "-url", a.url()+","+b.url(),
		"-pid", strconv.Itoa(a.pid()), "-other-pids", c.pidsBut(0)), log)
}
