package main

import (
	"math"
	"testing"
)

// TestTickDeltaAddsNodes: the window's tick histogram of a cluster is every node's bucket
// deltas added up, and nodes whose buckets differ are an error, not a wrong p99.
func TestTickDeltaAddsNodes(t *testing.T) {
	inf := math.Inf(1)
	hist := func(a, b, c float64) []bucket { return []bucket{{0.001, a}, {0.002, b}, {inf, c}} }
	start := gameCounters{ticks: [][]bucket{hist(10, 10, 10), hist(0, 5, 5)}}
	end := gameCounters{ticks: [][]bucket{hist(110, 110, 110), hist(0, 95, 100)}}
	got, err := tickDelta(start, end)
	if err != nil {
		t.Fatal(err)
	}
	want := hist(100, 190, 195)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tickDelta = %v, want %v", got, want)
		}
	}
	end.ticks[1] = []bucket{{0.001, 0}, {0.005, 95}, {inf, 100}}
	start.ticks[1] = end.ticks[1]
	if _, err := tickDelta(start, end); err == nil {
		t.Error("nodes with different bucket bounds: no error")
	}
}
