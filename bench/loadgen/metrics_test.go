package main

import (
	"math"
	"strings"
	"testing"
)

// A scrape as arena.Metrics writes it (abridged).
const scrape = `# HELP tankarena_arenas Running arenas.
# TYPE tankarena_arenas gauge
tankarena_arenas 3
# TYPE tankarena_tick_duration_seconds histogram
tankarena_tick_duration_seconds_bucket{le="0.0005"} 50
tankarena_tick_duration_seconds_bucket{le="0.001"} 90
tankarena_tick_duration_seconds_bucket{le="0.002"} 99
tankarena_tick_duration_seconds_bucket{le="+Inf"} 100
tankarena_tick_duration_seconds_sum 0.08
tankarena_tick_duration_seconds_count 100
tankarena_inputs_dropped_total{reason="rate"} 2
tankarena_inputs_dropped_total{reason="stale"} 1e+06
`

func TestParseMetrics(t *testing.T) {
	m, err := parseMetrics(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.sum(seriesArenas); got != 3 {
		t.Errorf("arenas = %v, want 3", got)
	}
	if got := m.sum(seriesInputsDrop); got != 1_000_002 {
		t.Errorf("dropped inputs over all reasons = %v, want 1000002", got)
	}
	if got := m.sum(seriesTicks); got != 100 {
		t.Errorf("tick count = %v, want 100", got)
	}
	bs, err := m.histogram(seriesTickBucket)
	if err != nil {
		t.Fatal(err)
	}
	want := []bucket{{0.0005, 50}, {0.001, 90}, {0.002, 99}, {math.Inf(1), 100}}
	if len(bs) != len(want) {
		t.Fatalf("buckets %v, want %v", bs, want)
	}
	for i := range want {
		if bs[i] != want[i] {
			t.Errorf("bucket %d = %v, want %v", i, bs[i], want[i])
		}
	}
	if _, err := parseMetrics(strings.NewReader("tankarena_arenas three\n")); err == nil {
		t.Error("a non-numeric value parsed")
	}
	if _, err := (serverMetrics{"x": 1}).histogram(seriesTickBucket); err == nil {
		t.Error("a histogram without buckets parsed")
	}
}

func TestQuantile(t *testing.T) {
	buckets := []bucket{{0.001, 0}, {0.002, 0}, {math.Inf(1), 0}}
	if v, _ := quantile(0.99, buckets); !math.IsNaN(v) {
		t.Errorf("quantile of nothing = %v, want NaN", v)
	}
	for _, tc := range []struct {
		name    string
		buckets []bucket
		q, want float64
		capped  bool
	}{
		// 99 of 100 within 2 ms: p99 is exactly the bound, so a 2 ms limit passes.
		{"at a bound", []bucket{{0.001, 90}, {0.002, 99}, {math.Inf(1), 100}}, 0.99, 0.002, false},
		// 98 of 100: p99 lies above 2 ms, in the open bucket.
		{"open bucket", []bucket{{0.001, 90}, {0.002, 98}, {math.Inf(1), 100}}, 0.99, 0.002, true},
		{"interpolated", []bucket{{0.001, 0}, {0.002, 100}, {math.Inf(1), 100}}, 0.5, 0.0015, false},
		{"first bucket from zero", []bucket{{0.001, 100}, {math.Inf(1), 100}}, 0.5, 0.0005, false},
	} {
		got, capped := quantile(tc.q, tc.buckets)
		if math.Abs(got-tc.want) > 1e-12 || capped != tc.capped {
			t.Errorf("%s: quantile = %v (capped %v), want %v (capped %v)", tc.name, got, capped, tc.want, tc.capped)
		}
	}
}

func TestHistogramDelta(t *testing.T) {
	before := []bucket{{0.001, 10}, {math.Inf(1), 12}}
	after := []bucket{{0.001, 15}, {math.Inf(1), 20}}
	d, err := histogramDelta(before, after)
	if err != nil {
		t.Fatal(err)
	}
	if d[0].count != 5 || d[1].count != 8 {
		t.Errorf("delta = %v, want 5 and 8", d)
	}
	if _, err := histogramDelta(before, after[:1]); err == nil {
		t.Error("histograms of different shapes subtracted")
	}
}
