package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
)

// netcodeWindow is how long, on the page's own clock, each network is measured.
const netcodeWindow = 8000 // ms

// TestSnapshotsSurviveABadNetwork plays the page in Chromium through the network simulator
// (?lag=&jitter=&loss=, TCP's model) and counts the snapshots the page could use: of those the
// room numbered while the page watched, the share it decoded, as snapshots a second of 30
// (the rate itself, on the page's clock, is logged beside it: a busy machine lowers it for
// every row alike). With deltas against acknowledged snapshots and a simulator that stalls
// rather than loses, a late or retransmitted snapshot costs nothing but its own delay: at
// 150 ms with 30 ms of jitter, or with 5% loss, at least 28 of 30 stay usable. The table goes to
// the log; README "Netcode" has the quiet machine's.
func TestSnapshotsSurviveABadNetwork(t *testing.T) {
	base := startServer(t)
	browser := browsertest.New(t)
	type row struct {
		query          string
		usable         float64 // of 30 a second: the share of the room's snapshots decoded
		rate           float64 // snapshots decoded a second, on the page's clock
		resyncs        int
		mustKeepUsable bool
	}
	rows := []row{
		{query: ""},
		{query: "lag=150"},
		{query: "lag=150&jitter=30", mustKeepUsable: true},
		{query: "lag=150&loss=0.05", mustKeepUsable: true},
		{query: "lag=100&jitter=20&loss=0.05"},
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
		end := waitView(t, page, "?"+r.query+": the measuring window", func(v pageView) bool { return v.Now-start.Now >= netcodeWindow })
		r.rate = float64(end.Snapshots-start.Snapshots) * 1000 / (end.Now - start.Now)
		r.usable = 30 * float64(end.Snapshots-start.Snapshots) / float64(max(end.Acked-start.Acked, 1))
		r.resyncs = end.Resyncs - start.Resyncs
		closePage()
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| query | usable snapshots/s (of 30) | decoded a second | keyframe requests in %d s |\n|---|---|---|---|\n", netcodeWindow/1000)
	for _, r := range rows {
		q := r.query
		if q == "" {
			q = "none"
		}
		fmt.Fprintf(&table, "| `%s` | %.1f | %.1f | %d |\n", q, r.usable, r.rate, r.resyncs)
	}
	t.Logf("snapshots through the simulated network:\n%s", table.String())
	for _, r := range rows {
		if r.mustKeepUsable && r.usable < 28 {
			t.Errorf("?%s: %.1f of 30 snapshots usable, want at least 28", r.query, r.usable)
		}
	}
}
