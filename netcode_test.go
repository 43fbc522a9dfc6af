package main

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
)

// netcodeWindow is how long, on the page's own clock, each network is measured:
// NETCODE_WINDOW (a duration, e.g. 60s for the README's table) or 8 s.
// NETCODE_QUERIES, a list of queries separated by spaces ("none" for the plain page), measures
// only those rows of the table.
func netcodeWindow(t *testing.T) float64 {
	if v := os.Getenv("NETCODE_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("NETCODE_WINDOW=%q: %v", v, err)
		}
		return float64(d.Milliseconds())
	}
	return 8000
}

// TestSnapshotsSurviveABadNetwork plays the page in Chromium through the network simulator
// (?lag=&jitter=&loss=, TCP's model) and counts the snapshots the page could use: of those the
// room numbered while the page watched, the share it decoded, as snapshots a second of 30
// (the rate itself, on the page's clock, is logged beside it: a busy machine lowers it for
// every row alike). With deltas against acknowledged snapshots and a simulator that stalls
// rather than loses, a late or retransmitted snapshot costs nothing but its own delay: at
// 150 ms with 30 ms of jitter, or with 5% loss, at least 28 of 30 stay usable. The table goes to
// the log; README "Netcode" has the quiet machine's. While it measures, the page drives in
// circles: the log also shows the own tank's prediction corrections (p95, in units, and how
// many were over one unit, which a tick of movement the page did not predict is) and what
// the server did with its inputs (dropped, for any reason; caught up after a stall; ticks that
// found none). A stalled browser moves the corrections, so they are reported, not asserted;
// but on localhost and at lag=150&jitter=30 no input may be dropped (starved ticks and bursts
// after a stall are paced, not dropped), unless the server itself skipped ticks.
func TestSnapshotsSurviveABadNetwork(t *testing.T) {
	base := startServer(t)
	browser := browsertest.New(t)
	window := netcodeWindow(t)
	type row struct {
		query          string
		usable         float64 // of 30 a second: the share of the room's snapshots decoded
		rate           float64 // snapshots decoded a second, on the page's clock
		resyncs        int
		correctionP95  float64
		bigCorrections int // corrections over one unit: a tick of movement is 2.7
		inputs         inputCounters
		mustKeepUsable bool
		// mustKeepInputs: no input may be dropped (issue 15's target for these networks),
		// unless the server skipped ticks meanwhile, a machine too busy to run the room.
		mustKeepInputs bool
	}
	rows := []row{
		{query: "", mustKeepInputs: true},
		{query: "lag=150"},
		{query: "lag=150&jitter=30", mustKeepUsable: true, mustKeepInputs: true},
		{query: "lag=150&loss=0.05", mustKeepUsable: true},
		{query: "lag=100&jitter=20&loss=0.05"},
	}
	if only := os.Getenv("NETCODE_QUERIES"); only != "" {
		queries := strings.Fields(only)
		rows = slices.DeleteFunc(rows, func(r row) bool {
			return !slices.Contains(queries, cmp.Or(r.query, "none"))
		})
	}
	for i := range rows {
		r := &rows[i]
		page, closePage := chromedp.NewContext(browser)
		err := chromedp.Do(page,
			chromedp.EmulateViewport(800, 600),
			chromedp.Navigate(base+"/?"+r.query),
			chromedp.WaitVisible(chromedp.CSS("#name")),
		)
		if err == nil {
			_, err = browsertest.Eval[string](page, `document.querySelector('#name').value = 'Net'`)
		}
		if err == nil {
			err = chromedp.Do(page, chromedp.Click(chromedp.CSS("#join button")))
		}
		if err != nil {
			t.Fatalf("?%s: join: %v", r.query, err)
		}
		start := waitView(t, page, "?"+r.query+": snapshots arriving", func(v pageView) bool { return v.Me != 0 && v.Snapshots > 30 })
		hold(t, page, "KeyW", "w", "w")
		hold(t, page, "KeyD", "d", "d")
		before := readInputCounters(t, base)
		// Ten seconds of the page's clock at a time, each within waitView's deadline, so a
		// long NETCODE_WINDOW waits as long as it needs while a page that stopped still fails.
		end := start
		for end.Now-start.Now < window {
			from := end.Now
			end = waitView(t, page, "?"+r.query+": the measuring window", func(v pageView) bool {
				return v.Now-start.Now >= window || v.Now-from >= 10000
			})
		}
		r.inputs = readInputCounters(t, base).minus(before)
		errs, err := browsertest.Eval[[]float64](page, fmt.Sprintf(`tankArena.correctionsSince(%d)`, start.Corrections))
		if err != nil {
			t.Fatal(err)
		}
		r.correctionP95 = percentile(errs, 0.95)
		for _, e := range errs {
			if e > 1 {
				r.bigCorrections++
			}
		}
		r.rate = float64(end.Snapshots-start.Snapshots) * 1000 / (end.Now - start.Now)
		r.usable = 30 * float64(end.Snapshots-start.Snapshots) / float64(max(end.Acked-start.Acked, 1))
		r.resyncs = end.Resyncs - start.Resyncs
		closePage()
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| query | usable snapshots/s (of 30) | decoded a second | keyframe requests in %.0f s | correction p95 (units) | corrections over 1 unit | inputs dropped | inputs caught up | ticks without an input |\n|---|---|---|---|---|---|---|---|---|\n", window/1000)
	for _, r := range rows {
		q := cmp.Or(r.query, "none")
		fmt.Fprintf(&table, "| `%s` | %.1f | %.1f | %d | %.2f | %d | %d | %d | %d |\n", q, r.usable, r.rate, r.resyncs, r.correctionP95, r.bigCorrections, r.inputs.dropped, r.inputs.caughtUp, r.inputs.starved)
	}
	t.Logf("snapshots through the simulated network:\n%s", table.String())
	for _, r := range rows {
		if r.mustKeepUsable && r.usable < 28 {
			t.Errorf("?%s: %.1f of 30 snapshots usable, want at least 28", r.query, r.usable)
		}
		if r.mustKeepInputs && r.inputs.dropped > 0 && r.inputs.skippedTicks == 0 {
			t.Errorf("?%s: %d inputs dropped while the server skipped no tick, want none", r.query, r.inputs.dropped)
		}
	}
}

// inputCounters are the server's input counters that matter here (/metrics): inputs dropped
// for any reason, inputs shed to give back latency by catching up (none lost), starved ticks,
// and the ticks the server skipped for running too far behind (a stalled machine).
type inputCounters struct{ dropped, caughtUp, starved, skippedTicks int }

func (c inputCounters) minus(o inputCounters) inputCounters {
	return inputCounters{c.dropped - o.dropped, c.caughtUp - o.caughtUp, c.starved - o.starved, c.skippedTicks - o.skippedTicks}
}

func readInputCounters(t *testing.T, base string) inputCounters {
	t.Helper()
	var c inputCounters
	for _, line := range strings.Split(getBody(t, base+"/metrics"), "\n") {
		name, value, ok := strings.Cut(line, " ")
		n, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(name, "tankarena_inputs_dropped_total{"):
			c.dropped += int(n)
		case name == "tankarena_inputs_caught_up_total":
			c.caughtUp += int(n)
		case name == "tankarena_ticks_skipped_total":
			c.skippedTicks += int(n)
		case name == "tankarena_input_starved_ticks_total":
			c.starved += int(n)
		}
	}
	return c
}

// percentile is the p-quantile of xs (0 for none).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}
