package host

import (
	"net/http/httptest"
	"strings"
	"testing"

	"tankarena/realtime/engineio"
)

// TestMetricsExportBacklogCloses: connections closed for their send backlog in bytes are on
// /metrics, next to those closed for a full queue of messages.
func TestMetricsExportBacklogCloses(t *testing.T) {
	engine := func() engineio.Stats { return engineio.Stats{QueueFullCloses: 2, QueueBytesCloses: 3} }
	h, err := metricsHandler("tankarena", nil, engine, func() httpStats { return httpStats{} })
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out := rec.Body.String()
	for _, want := range []string{
		"# TYPE tankarena_send_backlog_closes_total counter",
		"\ntankarena_send_backlog_closes_total 3\n",
		"\ntankarena_slow_client_closes_total 2\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q:\n%s", want, out)
		}
	}
}
