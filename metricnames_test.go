package main

import (
	"strings"
	"testing"
)

// TestMetricsKeepTheirNames: the series operators' dashboards and alerts are built on keep
// their names and types, whichever package exports them (arena's, or game/host's connection
// layer, which took them over from this package). New series may join them.
func TestMetricsKeepTheirNames(t *testing.T) {
	metrics := getBody(t, startServer(t)+"/metrics")
	for _, family := range []string{
		"go_goroutines gauge",
		"go_gc_duration_seconds summary",
		"process_resident_memory_bytes gauge",
		"tankarena_arena_panics_total counter",
		"tankarena_arena_restarts_total counter",
		"tankarena_arenas gauge",
		"tankarena_bytes_received_total counter",
		"tankarena_bytes_sent_total counter",
		"tankarena_client_lag_limited_total counter",
		"tankarena_connections_closed_total counter",
		"tankarena_connections_open gauge",
		"tankarena_handshakes_total counter",
		"tankarena_held_seats_evicted_total counter",
		"tankarena_http_bad_host_total counter",
		"tankarena_http_connections_open gauge",
		"tankarena_http_connections_refused_total counter",
		"tankarena_http_quiet_connections_closed_total counter",
		"tankarena_http_request_timeouts_total counter",
		"tankarena_input_buffer_depth histogram",
		"tankarena_input_starved_ticks_total counter",
		"tankarena_inputs_caught_up_total counter",
		"tankarena_inputs_dropped_total counter",
		"tankarena_inputs_total counter",
		"tankarena_joins_refused_total counter",
		"tankarena_lag_dropped_total counter",
		"tankarena_latency_refused_total counter",
		"tankarena_messages_received_total counter",
		"tankarena_messages_sent_total counter",
		"tankarena_names_cut_total counter",
		"tankarena_oversize_payloads_total counter",
		"tankarena_parse_errors_total counter",
		"tankarena_players gauge",
		"tankarena_requests_refused_total counter",
		"tankarena_seats_replaced_total counter",
		"tankarena_shot_rewind_seconds_total counter",
		"tankarena_shots_compensated_total counter",
		"tankarena_shots_rewind_clamped_total counter",
		"tankarena_send_backlog_closes_total counter",
		"tankarena_slow_client_closes_total counter",
		"tankarena_snapshot_bytes_sent_total counter",
		"tankarena_spectates_refused_total counter",
		"tankarena_spectators gauge",
		"tankarena_snapshots_total counter",
		"tankarena_tick_duration_seconds histogram",
		"tankarena_ticks_skipped_total counter",
		"tankarena_upgrades_total counter",
		"tankarena_volatile_dropped_total counter",
		"tankarena_write_timeouts_total counter",
	} {
		if !strings.Contains(metrics, "\n# TYPE "+family+"\n") {
			t.Errorf("/metrics lacks # TYPE %s", family)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", metrics)
	}
}
