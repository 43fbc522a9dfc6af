package main

import (
	"slices"
	"testing"

	"tankarena/bench/record"
)

func TestAdmissionSteps(t *testing.T) {
	for _, c := range []struct {
		capacity int
		want     []int
	}{{1000, []int{1000, 1200}}, {184, []int{184, 221}}, {1, []int{1, 2}}} {
		if got := admissionSteps(c.capacity, 0.2); !slices.Equal(got, c.want) {
			t.Errorf("admissionSteps(%d, 0.2) = %v, want %v", c.capacity, got, c.want)
		}
	}
}

// TestAdmissionAccounting: the refusal line is met only when every failed join was a
// "server busy" answer and the server counted each one.
func TestAdmissionAccounting(t *testing.T) {
	cfg := config{admissionOver: 0.2}
	for _, c := range []struct {
		name                     string
		filled                   int // refused busy while filling to the capacity
		failed, busy, serverBusy int
		want                     string
	}{
		{"all refused busy, all counted", 0, 40, 40, 40, "yes"},
		{"none refused", 0, 0, 0, 0, "yes"},
		{"a failure of another kind", 0, 41, 40, 40, "no"},
		{"the server counted fewer", 0, 40, 40, 39, "no"},
		{"refused while filling too, and tried again", 30, 40, 70, 70, "yes"},
		{"refused while filling, another failure pushed", 30, 41, 70, 70, "no"},
	} {
		runs := []run{{Server: "go", Scenario: scenarioAdmission, Records: []record.Record{
			{Clients: 1000, Joined: 1000 - c.filled, ConnectFailed: c.filled, JoinsRefusedBusy: c.filled, ServerRefusedBusy: c.filled},
			{Clients: 1200, Joined: 1200 - c.failed, ConnectFailed: c.failed, JoinsRefusedBusy: c.busy, ServerRefusedBusy: c.serverBusy,
				SnapshotsPerClientPerSecond: 29.5},
		}}}
		rows := admissionRows(cfg, runs)
		if len(rows) < 3 {
			t.Fatalf("%s: %d rows", c.name, len(rows))
		}
		if got := metOf(rows[1]); got != c.want {
			t.Errorf("%s: refusals met %q, want %q", c.name, got, c.want)
		}
		if got := metOf(rows[2]); got != "yes" {
			t.Errorf("%s: 29.5 snapshots/s met %q, want yes", c.name, got)
		}
	}
}

func metOf(r row) string {
	if r.met == nil {
		return ""
	}
	if r.met(r.ours) {
		return "yes"
	}
	return "no"
}

// TestAdmissionCapacity: the push starts from the most any game run held, or the configured
// figure.
func TestAdmissionCapacity(t *testing.T) {
	held := func(n ...int) run {
		r := run{Server: "go", Scenario: scenarioGame}
		for _, c := range n {
			r.Records = append(r.Records, record.Record{Clients: c, Sustained: true})
		}
		r.Records = append(r.Records, record.Record{Clients: n[len(n)-1] + 100})
		return r
	}
	runs := []run{held(16), held(16, 100, 200, 300, 400)}
	if got := admissionCapacity(config{}, runs); got != 400 {
		t.Errorf("capacity from the game runs = %d, want 400 (the most held)", got)
	}
	if got := admissionCapacity(config{admissionCapacity: 250}, runs); got != 250 {
		t.Errorf("configured capacity = %d, want 250", got)
	}
}
