package main

import (
	"fmt"
	"io"

	"tankarena/bench/record"
)

// row is one line of the comparison table.
type row struct {
	metric      string
	ours, node  float64
	oursAtLeast bool // the value is a lower bound: the search ran out of rates
	nodeAtLeast bool
	oursOnly    bool                 // no reference figure: met judges ours, not the ratio
	goal        string               // e.g. "≤ 0.4"; empty when the row only informs
	met         func(r float64) bool // nil when there is no goal
}

func (r row) ratio() float64 {
	if r.node == 0 {
		return 0
	}
	return r.ours / r.node
}

// summarize turns the runs into table rows: means over repetitions, except the sustained
// rate, where each server gets the lowest of its runs (it held that rate every time).
func summarize(cfg config, runs []run) []row {
	var rows []row
	if cfg.scenarios[scenarioIdle] {
		rows = append(rows, idleRows(cfg, runs)...)
	}
	if cfg.scenarios[scenarioFanout] {
		rows = append(rows, fanoutRows(cfg, runs)...)
	}
	if cfg.scenarios[scenarioGame] {
		rows = append(rows, gameRows(cfg, runs)...)
	}
	if cfg.scenarios[scenarioAdmission] {
		rows = append(rows, admissionRows(cfg, runs)...)
	}
	return rows
}

func runsOf(runs []run, server, scenario string) []run {
	var out []run
	for _, r := range runs {
		if r.Server == server && r.Scenario == scenario {
			out = append(out, r)
		}
	}
	return out
}

// meanOver averages f over the runs, skipping runs where f has no value.
func meanOver(runs []run, f func(run) (float64, bool)) float64 {
	var sum float64
	var n int
	for _, r := range runs {
		if v, ok := f(r); ok {
			sum += v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func idleRows(cfg config, runs []run) []row {
	ours, node := runsOf(runs, "go", scenarioIdle), runsOf(runs, "node", scenarioIdle)
	slope := func(r run) (float64, bool) {
		var xs, ys []float64
		for _, rec := range r.Records {
			xs = append(xs, float64(rec.Connected))
			ys = append(ys, float64(rec.ServerRSSKB))
		}
		return linearSlope(xs, ys)
	}
	var rows []row
	for i, n := range cfg.idleSteps {
		rss := func(r run) (float64, bool) {
			if i >= len(r.Records) {
				return 0, false
			}
			return float64(r.Records[i].ServerRSSKB) / 1024, true
		}
		rows = append(rows, row{metric: fmt.Sprintf("idle: RSS with %d clients (MiB, after GC)", n),
			ours: meanOver(ours, rss), node: meanOver(node, rss)})
	}
	rows = append(rows, row{metric: "idle: memory per connection (KB/conn, slope of a linear fit)",
		ours: meanOver(ours, slope) * 1.024, node: meanOver(node, slope) * 1.024, // KiB to KB
		goal: "≤ 0.4", met: func(r float64) bool { return r <= 0.4 }})
	return rows
}

// linearSlope is the least-squares slope of ys over xs.
func linearSlope(xs, ys []float64) (float64, bool) {
	n := float64(len(xs))
	if len(xs) < 2 {
		return 0, false
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0, false
	}
	return (n*sxy - sx*sy) / den, true
}

func headline(r run) (record.Record, bool) {
	for _, rec := range r.Records {
		if rec.Phase == record.PhaseHeadline {
			return rec, true
		}
	}
	return record.Record{}, false
}

// sustainedRate is the highest broadcast rate a server actually kept up (as the clients saw
// it, not as asked for) in one run, over the steps before the first that was not sustained,
// and whether the search stopped only because it ran out of rates.
func sustainedRate(cfg config, r run) (hz float64, atLeast bool) {
	last := 0
	for _, rec := range r.Records {
		if !rec.Sustained {
			return hz, false
		}
		hz, last = max(hz, rec.AchievedHz), rec.TargetHz
	}
	lastSearched := len(cfg.search) > 0 && last == cfg.search[len(cfg.search)-1]
	return hz, lastSearched && len(r.Records) > len(cfg.search)
}

func fanoutRows(cfg config, runs []run) []row {
	ours, node := runsOf(runs, "go", scenarioFanout), runsOf(runs, "node", scenarioFanout)
	field := func(get func(record.Record) float64) func(run) (float64, bool) {
		return func(r run) (float64, bool) {
			rec, ok := headline(r)
			return get(rec), ok
		}
	}
	at := fmt.Sprintf("fan-out %d clients, %d/s × %d B", cfg.clients, cfg.rate, cfg.payload)
	rows := []row{
		{metric: "connect rate (clients/s, " + fmt.Sprint(cfg.connectConcurrency) + " handshakes in flight)",
			ours: meanOver(ours, field(func(r record.Record) float64 { return r.ConnectPerSecond })),
			node: meanOver(node, field(func(r record.Record) float64 { return r.ConnectPerSecond }))},
		{metric: at + ": server CPU (% of one core)",
			ours: meanOver(ours, field(func(r record.Record) float64 { return r.ServerCPUPercent })),
			node: meanOver(node, field(func(r record.Record) float64 { return r.ServerCPUPercent })),
			goal: "≤ 0.5", met: func(r float64) bool { return r <= 0.5 }},
		{metric: at + ": server CPU per 1000 delivered messages (ms)",
			ours: meanOver(ours, field(cpuPerThousand)), node: meanOver(node, field(cpuPerThousand))},
		{metric: at + ": p50 latency (ms)",
			ours: meanOver(ours, field(func(r record.Record) float64 { return r.P50Ms })),
			node: meanOver(node, field(func(r record.Record) float64 { return r.P50Ms }))},
		{metric: at + ": p99 latency (ms)",
			ours: meanOver(ours, field(func(r record.Record) float64 { return r.P99Ms })),
			node: meanOver(node, field(func(r record.Record) float64 { return r.P99Ms })),
			goal: "≤ 1.0", met: func(r float64) bool { return r <= 1.0 }},
		{metric: at + ": server RSS (MiB)",
			ours: meanOver(ours, field(func(r record.Record) float64 { return float64(r.ServerRSSKB) / 1024 })),
			node: meanOver(node, field(func(r record.Record) float64 { return float64(r.ServerRSSKB) / 1024 }))},
		{metric: at + ": loadgen CPU (% of its core)",
			ours: meanOver(ours, field(func(r record.Record) float64 { return r.LoadgenCPUPercent })),
			node: meanOver(node, field(func(r record.Record) float64 { return r.LoadgenCPUPercent }))},
	}
	if len(cfg.search) == 0 {
		return rows
	}
	lowest := func(rs []run) (float64, bool) {
		best, atLeast := -1.0, false
		for i, r := range rs {
			hz, al := sustainedRate(cfg, r)
			if i == 0 || hz < best {
				best, atLeast = hz, al
			}
		}
		return max(best, 0), atLeast
	}
	oursHz, oursAL := lowest(ours)
	nodeHz, nodeAL := lowest(node)
	rows = append(rows, row{
		metric: fmt.Sprintf("fan-out %d clients: highest rate kept with p99 < %v, no loss (broadcasts/s seen)", cfg.clients, cfg.maxP99),
		ours:   oursHz, node: nodeHz, oursAtLeast: oursAL, nodeAtLeast: nodeAL,
		goal: "≥ 2", met: func(r float64) bool { return r >= 2 },
	})
	return rows
}

// cpuPerThousand is server CPU time per 1000 messages delivered, which stays comparable when
// a server could not keep the asked-for rate.
func cpuPerThousand(r record.Record) float64 {
	if r.DeliveredPerSecond == 0 {
		return 0
	}
	return r.ServerCPUPercent * 10 / r.DeliveredPerSecond * 1000 // % of a core is 10 ms per second
}

// printTable writes the rows as a Markdown table; labels head the two figures and their ratio.
func printTable(w io.Writer, rows []row, labels []string) {
	fmt.Fprintf(w, "| scenario | %s | %s | %s | goal | met |\n", labels[0], labels[1], labels[2])
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | --- | --- |")
	for _, r := range rows {
		ratio, met, node := "—", "", "—"
		judged := r.ratio()
		if r.oursOnly {
			judged = r.ours
		} else {
			node = number(r.node, r.nodeAtLeast)
			if r.node != 0 {
				ratio = fmt.Sprintf("%.2f", r.ratio())
			}
			if r.oursAtLeast || r.nodeAtLeast {
				ratio = "~" + ratio // a bound hides in one side; the ratio is not exact
			}
		}
		if r.met != nil {
			met = "no"
			if r.met(judged) {
				met = "yes"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.metric, number(r.ours, r.oursAtLeast), node, ratio, r.goal, met)
	}
}

func number(v float64, atLeast bool) string {
	var s string
	switch a := max(v, -v); {
	case a >= 100:
		s = fmt.Sprintf("%.0f", v)
	case a >= 10:
		s = fmt.Sprintf("%.1f", v)
	default:
		s = fmt.Sprintf("%.2f", v)
	}
	if atLeast {
		s = "≥ " + s
	}
	return s
}

// labelsOf returns the table headings of the two servers and of their ratio.
func labelsOf(cfg config) []string {
	var out []string
	for _, k := range cfg.kinds() {
		out = append(out, k.label)
	}
	return append(out, "ours ÷ Node")
}

// baselineLabels head the table of the game server against the baseline build.
var baselineLabels = []string{"this build", "baseline", "this ÷ baseline"}
