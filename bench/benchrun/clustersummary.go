package main

import (
	"fmt"
	"io"

	"tankarena/bench/record"
)

// clusterLabels head the cluster table: two nodes on Redis against one node.
var clusterLabels = []string{"2 nodes on Redis", "1 node", "2 nodes ÷ 1 node"}

// clusterRows compares two nodes on Redis with one node: broadcast latency and the CPU of
// every process it takes (nodes and redis-server), and the bot players they hold.
func clusterRows(cfg config, runs []run) []row {
	nodesB, singleB := runsOf(runs, sideNodes, clusterBroadcast), runsOf(runs, sideSingle, clusterBroadcast)
	nodesP, singleP := runsOf(runs, sideNodes, clusterPlayers), runsOf(runs, sideSingle, clusterPlayers)
	if len(nodesB)+len(nodesP) == 0 {
		return nil
	}
	field := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			rec, ok := headline(r)
			return get(rec), ok
		}
	}
	allCPU := func(r record.Record) float64 { return r.ServerCPUPercent + r.OthersCPUPercent }
	perThousand := func(r record.Record) float64 {
		r.ServerCPUPercent = allCPU(r)
		return cpuPerThousand(r)
	}
	at := fmt.Sprintf("cluster broadcast to %d clients (on node B; emitted on A), %d/s × %d B", cfg.clusterClients, cfg.rate, cfg.payload)
	both := func(metric string, get func(record.Record) float64) row {
		return row{metric: metric, ours: meanOver(nodesB, field(get)), node: meanOver(singleB, field(get))}
	}
	nodesHeld, nodesAtLeast := lowestHeld(nodesP)
	singleHeld, singleAtLeast := lowestHeld(singleP)
	atHeld := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			c := capacityOf(r)
			return get(c.held), c.held.Clients > 0
		}
	}
	joinMs := func(r run) (float64, bool) {
		rec, ok := headline(r)
		return rec.JoinMs, ok
	}
	return []row{
		both(at+": p50 latency (ms)", func(r record.Record) float64 { return r.P50Ms }),
		both(at+": p99 latency (ms)", func(r record.Record) float64 { return r.P99Ms }),
		both(at+": CPU of every process, nodes and redis-server (% of one core)", allCPU),
		both(at+": CPU per 1000 delivered messages, every process (ms)", perThousand),
		both(at+": messages lost", func(r record.Record) float64 { return float64(r.Lost) }),
		{metric: "cluster: bot players held (as the game scenario), the nodes and redis-server sharing the single node's one CPU",
			ours: nodesHeld, oursAtLeast: nodesAtLeast, node: singleHeld, nodeAtLeast: singleAtLeast},
		{metric: "cluster at the players held: CPU of every process (% of one core)",
			ours: meanOver(nodesP, atHeld(allCPU)), node: meanOver(singleP, atHeld(allCPU))},
		{metric: "cluster: connect to seated, mean ms: sent to a room on another node (seat reservation, second connection) vs seated on the node joined",
			ours: meanOver(runsOf(runs, sideNodes, clusterJoin), joinMs), node: meanOver(runsOf(runs, sideSingle, clusterJoin), joinMs)},
	}
}

// printClusterTable writes the cluster table, or the line that says why there is none, and
// what the run left out.
func printClusterTable(w io.Writer, cfg config, runs []run) {
	rows := clusterRows(cfg, runs)
	if rows == nil {
		fmt.Fprintf(w, "\nCluster: skipped: %s\n", redisMissing(cfg))
		return
	}
	fmt.Fprintf(w, "\nCluster (issue 17): two nodes on a redis-server of their own against one node, same run:\n\n")
	printTable(w, rows, clusterLabels)
	if cfg.clusterJoins == 0 {
		fmt.Fprintf(w, "\nNot measured: join latency to a room on another node (-cluster-joins 0).\n")
	}
}
