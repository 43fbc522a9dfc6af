package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"

	"tankarena/bench/record"
)

// clusterJoinBenchmark is the repository's benchmark of a join sent to another node; its
// sub-benchmarks "sent" and "here" report ms/join.
const clusterJoinBenchmark = "BenchmarkJoinAcrossNodes"

// clusterJoinRun runs clusterJoinBenchmark in the repository root (where make bench runs
// benchrun) and returns one run per side: sideNodes holds the joins sent to a room on the
// other node, sideSingle the joins seated on the node joined.
func clusterJoinRun(ctx context.Context, cfg config, rep int, log io.Writer) ([]run, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^"+clusterJoinBenchmark+"$",
		"-benchtime", strconv.Itoa(cfg.clusterJoins)+"x", "-count", "1", ".")
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, prefixed(log, "join benchmark: "))
	cmd.Stderr = prefixed(log, "join benchmark: ")
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go test -bench %s: %w", clusterJoinBenchmark, err)
	}
	perJoin, err := parseJoinBenchmark(&out)
	if err != nil {
		return nil, err
	}
	var runs []run
	for side, sub := range map[string]string{sideNodes: "sent", sideSingle: "here"} {
		ms, ok := perJoin[sub]
		if !ok {
			return nil, fmt.Errorf("%s/%s: no ms/join in its output", clusterJoinBenchmark, sub)
		}
		runs = append(runs, run{Server: side, Rep: rep, Scenario: clusterJoin,
			Records: []record.Record{{Phase: record.PhaseHeadline, Clients: cfg.clusterJoins, JoinMs: ms}}})
	}
	return runs, nil
}

// parseJoinBenchmark reads the ms/join of each sub-benchmark from go test's output, lines
// like "BenchmarkJoinAcrossNodes/sent-2   30   14212345 ns/op   14.21 ms/join".
func parseJoinBenchmark(r io.Reader) (map[string]float64, error) {
	perJoin := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || !strings.HasPrefix(fields[0], clusterJoinBenchmark+"/") {
			continue
		}
		sub := strings.TrimPrefix(fields[0], clusterJoinBenchmark+"/")
		if i := strings.LastIndexByte(sub, '-'); i > 0 {
			sub = sub[:i] // the GOMAXPROCS suffix
		}
		for i := 1; i < len(fields); i++ {
			if fields[i] == "ms/join" {
				ms, err := strconv.ParseFloat(fields[i-1], 64)
				if err != nil {
					return nil, fmt.Errorf("%s/%s: %w", clusterJoinBenchmark, sub, err)
				}
				perJoin[sub] = ms
			}
		}
	}
	return perJoin, sc.Err()
}
