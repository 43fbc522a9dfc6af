package host

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tankarena/realtime/engineio"
)

// metricsHandler serves /metrics: the game's series (registered by registerGame, if not nil)
// and the connection layer's, so one scrape shows players and ticks next to refused connections
// and slow clients, and the standard Go runtime and process collectors (goroutines, GC, resident
// memory, open files) that operators' dashboards expect, and more (the cluster's, with
// -redis). The connection layer's series are named namespace_…. They live in a registry of this server's own rather than the library's
// global one, so nothing else linked into the binary adds to or clashes with them.
func metricsHandler(namespace string, registerGame func(prometheus.Registerer) error, engine func() engineio.Stats, conns func() httpStats, more ...prometheus.Collector) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if registerGame != nil {
		if err := registerGame(reg); err != nil {
			return nil, fmt.Errorf("host: the game's metrics: %w", err)
		}
	}
	for _, c := range append(append(engineMetrics(namespace, engine), httpMetrics(namespace, conns)...), more...) {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("host: the connection metrics (a name the game's metrics use too?): %w", err)
		}
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
}

// engineMetrics are the Engine.IO server's counters, each read from engine at every scrape.
// A new counter is one more line: its name, help text, labels and the Stats field it reports.
func engineMetrics(namespace string, engine func() engineio.Stats) []prometheus.Collector {
	m := statsMetrics[engineio.Stats]{namespace, engine}
	counter, gauge := m.counter, m.gauge
	const (
		openHelp    = "Open connections, by transport."
		closedHelp  = "Connections closed, by reason."
		refusedHelp = "Requests refused before reaching a connection, by cause."
	)
	closed := func(reason string) prometheus.Labels { return prometheus.Labels{"reason": reason} }
	refused := func(cause string) prometheus.Labels { return prometheus.Labels{"cause": cause} }
	return []prometheus.Collector{
		gauge("connections_open", openHelp, prometheus.Labels{"transport": "polling"}, func(s *engineio.Stats) int64 { return s.OpenPolling }),
		gauge("connections_open", openHelp, prometheus.Labels{"transport": "websocket"}, func(s *engineio.Stats) int64 { return s.OpenWebSocket }),
		counter("handshakes_total", "Connections opened.", nil, func(s *engineio.Stats) int64 { return s.Handshakes }),
		counter("upgrades_total", "Connections moved from polling to websocket.", nil, func(s *engineio.Stats) int64 { return s.Upgrades }),

		counter("connections_closed_total", closedHelp, closed(engineio.ReasonTransportClose), func(s *engineio.Stats) int64 { return s.Closes.TransportClose }),
		counter("connections_closed_total", closedHelp, closed(engineio.ReasonTransportError), func(s *engineio.Stats) int64 { return s.Closes.TransportError }),
		counter("connections_closed_total", closedHelp, closed(engineio.ReasonPingTimeout), func(s *engineio.Stats) int64 { return s.Closes.PingTimeout }),
		counter("connections_closed_total", closedHelp, closed(engineio.ReasonParseError), func(s *engineio.Stats) int64 { return s.Closes.ParseError }),
		counter("connections_closed_total", closedHelp, closed(engineio.ReasonForcedClose), func(s *engineio.Stats) int64 { return s.Closes.ForcedClose }),
		counter("connections_closed_total", closedHelp, closed(engineio.ReasonServerShutdown), func(s *engineio.Stats) int64 { return s.Closes.ServerShutdown }),
		counter("connections_closed_total", closedHelp, closed("other"), func(s *engineio.Stats) int64 { return s.Closes.Other }),

		counter("requests_refused_total", refusedHelp, refused("server_full"), func(s *engineio.Stats) int64 { return s.Rejected.ServerFull }),
		counter("requests_refused_total", refusedHelp, refused("per_ip_limit"), func(s *engineio.Stats) int64 { return s.Rejected.PerIPLimit }),
		counter("requests_refused_total", refusedHelp, refused("handshake_rate"), func(s *engineio.Stats) int64 { return s.Rejected.HandshakeRate }),
		counter("requests_refused_total", refusedHelp, refused("bad_request"), func(s *engineio.Stats) int64 { return s.Rejected.BadRequest }),
		counter("requests_refused_total", refusedHelp, refused("forbidden"), func(s *engineio.Stats) int64 { return s.Rejected.Forbidden }),
		counter("requests_refused_total", refusedHelp, refused("unknown_sid"), func(s *engineio.Stats) int64 { return s.Rejected.UnknownSID }),
		counter("requests_refused_total", refusedHelp, refused("shutting_down"), func(s *engineio.Stats) int64 { return s.Rejected.ShuttingDown }),
		counter("requests_refused_total", refusedHelp, refused("upgrade_failed"), func(s *engineio.Stats) int64 { return s.Rejected.UpgradeFailed }),

		counter("messages_received_total", "Engine.IO messages received.", nil, func(s *engineio.Stats) int64 { return s.MessagesReceived }),
		counter("messages_sent_total", "Engine.IO messages written to the network.", nil, func(s *engineio.Stats) int64 { return s.MessagesSent }),
		counter("bytes_received_total", "Payload bytes received (without HTTP or websocket framing).", nil, func(s *engineio.Stats) int64 { return s.BytesReceived }),
		counter("bytes_sent_total", "Payload bytes sent (without HTTP or websocket framing).", nil, func(s *engineio.Stats) int64 { return s.BytesSent }),
		counter("volatile_dropped_total", "Volatile messages (snapshots) dropped for a busy connection.", nil, func(s *engineio.Stats) int64 { return s.VolatileDropped }),
		counter("slow_client_closes_total", "Connections closed for a full send queue.", nil, func(s *engineio.Stats) int64 { return s.QueueFullCloses }),
		counter("send_backlog_closes_total", "Connections closed for a send backlog over its byte limit.", nil, func(s *engineio.Stats) int64 { return s.QueueBytesCloses }),
		counter("write_timeouts_total", "Connections closed because a write stayed blocked.", nil, func(s *engineio.Stats) int64 { return s.WriteTimeouts }),
		counter("parse_errors_total", "Malformed packets (each closes its connection).", nil, func(s *engineio.Stats) int64 { return s.ParseErrors }),
		counter("oversize_payloads_total", "Messages or bodies over the maximum payload.", nil, func(s *engineio.Stats) int64 { return s.OversizePayloads }),
	}
}

// statsMetrics makes the series of one stats source: each reads its field from a fresh copy at
// every scrape. Stats are a handful of atomic loads (or one short lock), so taking them once per
// series rather than once per scrape costs nothing worth sharing a copy for.
type statsMetrics[S any] struct {
	namespace string // the series' names are namespace_name
	read      func() S
}

func (m statsMetrics[S]) counter(name, help string, labels prometheus.Labels, field func(*S) int64) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: m.namespace, Name: name, Help: help, ConstLabels: labels}, m.value(field))
}

func (m statsMetrics[S]) gauge(name, help string, labels prometheus.Labels, field func(*S) int64) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: m.namespace, Name: name, Help: help, ConstLabels: labels}, m.value(field))
}

func (m statsMetrics[S]) value(field func(*S) int64) func() float64 {
	return func() float64 {
		st := m.read()
		return float64(field(&st))
	}
}

// httpStats are the HTTP connections' gauges and counters (connTracker, server).
type httpStats struct {
	conns                  connStats
	badHosts, bodyTimeouts int64
}

// httpMetrics are the HTTP server's connection gauges and counters.
func httpMetrics(namespace string, conns func() httpStats) []prometheus.Collector {
	m := statsMetrics[httpStats]{namespace, conns}
	const (
		openHelp    = "Open TCP connections, by phase (upgraded: websockets)."
		refusedHelp = "TCP connections closed at accept, over a limit with no quiet connection to close instead."
		quietHelp   = "Idle or silent TCP connections closed to make room for a new one, by limit."
		timeoutHelp = "Connections cut because a request's headers (or, for a new connection, any request) or body came too slowly."
	)
	phase := func(name string, p connPhase) prometheus.Collector {
		return m.gauge("http_connections_open", openHelp, prometheus.Labels{"phase": name}, func(s *httpStats) int64 { return int64(s.conns.phases[p]) })
	}
	limit := func(name string) prometheus.Labels { return prometheus.Labels{"limit": name} }
	part := func(name string) prometheus.Labels { return prometheus.Labels{"part": name} }
	return []prometheus.Collector{
		phase("new", phaseNew), phase("active", phaseActive), phase("idle", phaseIdle), phase("upgraded", phaseUpgraded),
		m.counter("http_connections_refused_total", refusedHelp, limit("per_address"), func(s *httpStats) int64 { return s.conns.refusedPerAddress }),
		m.counter("http_connections_refused_total", refusedHelp, limit("open_files"), func(s *httpStats) int64 { return s.conns.refusedBudget }),
		m.counter("http_quiet_connections_closed_total", quietHelp, limit("per_address"), func(s *httpStats) int64 { return s.conns.closedPerAddress }),
		m.counter("http_quiet_connections_closed_total", quietHelp, limit("open_files"), func(s *httpStats) int64 { return s.conns.closedBudget }),
		m.counter("http_request_timeouts_total", timeoutHelp, part("header"), func(s *httpStats) int64 { return s.conns.headerTimeouts }),
		m.counter("http_request_timeouts_total", timeoutHelp, part("body"), func(s *httpStats) int64 { return s.bodyTimeouts }),
		m.counter("http_bad_host_total", "Requests refused for a Host the server does not answer to.", nil, func(s *httpStats) int64 { return s.badHosts }),
	}
}
