package main

import (
	"strings"
	"testing"

	"tankarena/internal/prom"
	"tankarena/realtime/engineio"
)

// TestMetricsExportBacklogCloses: connections closed for their send backlog in bytes are on
// /metrics, next to those closed for a full queue of messages.
func TestMetricsExportBacklogCloses(t *testing.T) {
	var out strings.Builder
	writeEngineStats(&prom.Writer{W: &out}, engineio.Stats{QueueFullCloses: 2, QueueBytesCloses: 3})
	for _, want := range []string{
		"# TYPE tankarena_send_backlog_closes_total counter",
		"\ntankarena_send_backlog_closes_total 3\n",
		"\ntankarena_slow_client_closes_total 2\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, out.String())
		}
	}
}
