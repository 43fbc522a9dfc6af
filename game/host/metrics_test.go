package host

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsHaveTheStandardCollectors: /metrics carries the Go runtime and process series that
// operators' dashboards are built on, next to the game's own and the connection layer's, in
// the Prometheus text format.
func TestMetricsHaveTheStandardCollectors(t *testing.T) {
	srv, base, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q, want the Prometheus text format", ct)
	}
	metrics := getBody(t, base+"/metrics")
	for _, want := range []string{
		"# TYPE go_goroutines gauge",
		"# TYPE go_gc_duration_seconds summary",
		"# TYPE process_resident_memory_bytes gauge",
		"# TYPE testgame_players gauge",
		"# TYPE tankarena_handshakes_total counter",
		`tankarena_connections_open{transport="websocket"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", metrics)
	}
}
