package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tankarena/bench/record"
	"tankarena/internal/testenv"
)

// TestSmokeRun runs the whole harness once, tiny: both servers, both scenarios, a few
// clients for a few seconds. It checks that the harness measures (clients connect, ticks
// arrive, nothing is lost, the /proc figures are read), not how fast anything is.
func TestSmokeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two servers and the load generator")
	}
	node := testenv.Node(t)
	testenv.CompatDir(t)
	root, bin := buildForSmoke(t, "./bench/fanoutserver", "./bench/loadgen")

	cfg := config{
		goServer:           filepath.Join(bin, "fanoutserver"),
		loadgen:            filepath.Join(bin, "loadgen"),
		node:               node,
		nodeScript:         filepath.Join(root, "bench", "node", "fanout-server.mjs"),
		reps:               1,
		scenarios:          map[string]bool{scenarioIdle: true, scenarioFanout: true},
		idleSteps:          []int{4, 8},
		clients:            6,
		rate:               20,
		payload:            260,
		search:             []int{50},
		warmup:             200 * time.Millisecond,
		window:             1500 * time.Millisecond,
		searchWindow:       500 * time.Millisecond,
		maxP99:             time.Hour, // no latency verdicts on a shared machine
		connectConcurrency: 4,
	}
	runs, _ := runSmoke(t, cfg)
	if len(runs) != 4 {
		t.Fatalf("%d runs, want idle and fanout for each of two servers", len(runs))
	}
	for _, r := range runs {
		for _, rec := range r.Records {
			if rec.Connected != rec.Clients || rec.ConnectFailed != 0 {
				t.Errorf("%s %s: %d of %d clients connected, %d failed", r.Server, r.Scenario, rec.Connected, rec.Clients, rec.ConnectFailed)
			}
			if rec.ServerRSSKB <= 0 {
				t.Errorf("%s %s: no server RSS read", r.Server, r.Scenario)
			}
		}
		switch r.Scenario {
		case scenarioIdle:
			if len(r.Records) != len(cfg.idleSteps) {
				t.Errorf("%s idle: %d records, want one per step", r.Server, len(r.Records))
			}
		case scenarioFanout:
			rec, ok := headline(r)
			if !ok {
				t.Fatalf("%s fanout: no headline record in %+v", r.Server, r.Records)
			}
			if rec.Kind != record.KindFanout || rec.Delivered == 0 || rec.AchievedHz <= 0 || rec.BytesPerClientPerSecond <= 0 {
				t.Errorf("%s fanout: nothing measured: %+v", r.Server, rec)
			}
			if rec.Lost != 0 {
				t.Errorf("%s fanout: %d ticks lost at %d/s to %d clients", r.Server, rec.Lost, cfg.rate, cfg.clients)
			}
			if rec.P50Ms <= 0 || rec.P99Ms < rec.P50Ms {
				t.Errorf("%s fanout: latency percentiles p50 %v p99 %v", r.Server, rec.P50Ms, rec.P99Ms)
			}
		}
	}
	var table strings.Builder
	printTable(&table, summarize(cfg, runs), labelsOf(cfg))
	for _, want := range []string{"memory per connection", "server CPU", "p99 latency", "highest rate"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table has no %q row:\n%s", want, table.String())
		}
	}
	if err := writeRuns(io.Discard, runs); err != nil {
		t.Error(err)
	}
}
