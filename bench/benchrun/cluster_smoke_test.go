package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmokeCluster runs the cluster scenario once, tiny, on a redis-server of its own: the
// cross-node broadcast reaches the clients of the other node with nothing lost and the CPU of
// every process counted, and two game nodes on Redis share the players. It checks that the
// harness measures, not the figures.
func TestSmokeCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the servers, redis-server and the load generator")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	_, bin := buildForSmoke(t, ".", "./bench/loadgen", "./bench/fanoutserver")
	cfg := config{
		goServer:           filepath.Join(bin, "fanoutserver"),
		gameServer:         filepath.Join(bin, "tankarena"),
		loadgen:            filepath.Join(bin, "loadgen"),
		redisServer:        "redis-server",
		reps:               1,
		scenarios:          map[string]bool{scenarioCluster: true},
		clusterClients:     20,
		clusterJoins:       0, // its benchmark builds the game's tests: parseJoinBenchmark is tested alone
		rate:               20,
		payload:            260,
		window:             1500 * time.Millisecond,
		maxP99:             time.Second, // a loaded machine; the harness must still measure
		gameSteps:          []int{3, 17},
		gameWindow:         1500 * time.Millisecond,
		warmup:             time.Second,
		maxTickP99:         2 * time.Millisecond,
		keepGoing:          true,
		connectConcurrency: 4,
	}
	runs, progress := runSmoke(t, cfg)
	if len(runs) != 4 {
		t.Fatalf("%d runs, want broadcast and players on one node and on two\nprogress:\n%s", len(runs), progress)
	}
	for _, r := range runs {
		switch r.Scenario {
		case clusterBroadcast:
			rec, ok := headline(r)
			if !ok || rec.Delivered == 0 || rec.Lost != 0 || rec.Connected != cfg.clusterClients {
				t.Errorf("%s broadcast: %+v", r.Server, rec)
			}
			if counted := rec.OthersCPUPercent > 0; counted != (r.Server == sideNodes) {
				t.Errorf("%s broadcast: the other processes' CPU %.2f%%", r.Server, rec.OthersCPUPercent)
			}
		case clusterPlayers:
			if len(r.Records) != len(cfg.gameSteps) {
				t.Fatalf("%s players: %d records, want one per step", r.Server, len(r.Records))
			}
			// 3 players: one arena on one node; dealt out to two nodes, an arena on each.
			wantArenas := map[string]int{sideSingle: 1, sideNodes: 2}[r.Server]
			if rec := r.Records[0]; rec.Joined != 3 || rec.Arenas != wantArenas || rec.SnapshotsPerClientPerSecond <= 0 {
				t.Errorf("%s players, 3 joining: %d joined in %d arenas (want %d), %.1f snapshots/s",
					r.Server, rec.Joined, rec.Arenas, wantArenas, rec.SnapshotsPerClientPerSecond)
			}
		default:
			t.Errorf("unexpected run %s/%s", r.Scenario, r.Server)
		}
	}
	var table strings.Builder
	printClusterTable(&table, cfg, runs)
	for _, want := range []string{"p99 latency", "CPU of every process", "bot players held", "Not measured: join latency"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("cluster table has no %q:\n%s", want, table.String())
		}
	}
}

// TestSmokeAdmission pushes a game server a little past a configured capacity far under what
// it holds: everyone is seated, so the scenario's accounting holds with no refusal, and the
// table has its lines.
func TestSmokeAdmission(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the game server and the load generator")
	}
	_, bin := buildForSmoke(t, ".", "./bench/loadgen")
	cfg := config{
		gameServer:         filepath.Join(bin, "tankarena"),
		loadgen:            filepath.Join(bin, "loadgen"),
		reps:               1,
		scenarios:          map[string]bool{scenarioAdmission: true},
		admissionCapacity:  5,
		admissionOver:      0.2,
		gameWindow:         1500 * time.Millisecond,
		warmup:             500 * time.Millisecond,
		maxTickP99:         2 * time.Millisecond,
		connectConcurrency: 4,
	}
	runs, progress := runSmoke(t, cfg)
	if len(runs) != 1 || len(runs[0].Records) != 2 {
		t.Fatalf("runs %+v, want one admission run of two steps\nprogress:\n%s", runs, progress)
	}
	if fill, push := runs[0].Records[0], runs[0].Records[1]; fill.Clients != 5 || push.Clients != 6 || push.Joined != push.Clients-push.ConnectFailed {
		t.Errorf("steps %d then %d players, %d joined and %d failed; want 5 then 6", fill.Clients, push.Clients, push.Joined, push.ConnectFailed)
	}
	var table strings.Builder
	printTable(&table, summarize(cfg, runs), labelsOf(cfg))
	for _, want := range []string{"6 players try to join a node whose capacity is 5", `"server busy"`, "| ≥ 27 |"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table has no %q:\n%s", want, table.String())
		}
	}
}

func TestParseJoinBenchmark(t *testing.T) {
	out := `goos: linux
BenchmarkJoinAcrossNodes/sent-2         	      30	  14212345 ns/op	        14.21 ms/join
BenchmarkJoinAcrossNodes/here           	      30	   3412345 ns/op	         3.412 ms/join
BenchmarkOther/sent-2   1   1 ns/op   99 ms/join
PASS
`
	got, err := parseJoinBenchmark(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["sent"] != 14.21 || got["here"] != 3.412 {
		t.Fatalf("parsed %v, want sent 14.21 and here 3.412", got)
	}
	if _, err := parseJoinBenchmark(strings.NewReader("BenchmarkJoinAcrossNodes/sent-2 30 1 ns/op x ms/join\n")); err == nil {
		t.Fatal("an unparsable figure gave no error")
	}
}
