package main

import (
	"net/http"

	"tankarena/arena"
	"tankarena/internal/prom"
	"tankarena/realtime/engineio"
)

// metricsHandler serves /metrics: the arenas' counters, then the connection layer's, so one
// scrape shows players and ticks next to refused connections and slow clients.
func metricsHandler(game *arena.Metrics, engine func() engineio.Stats) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", prom.ContentType)
		if err := game.Write(w); err != nil {
			return
		}
		writeEngineStats(&prom.Writer{W: w}, engine())
	})
}

// writeEngineStats writes the Engine.IO server's counters.
func writeEngineStats(p *prom.Writer, st engineio.Stats) {
	p.Header("tankarena_connections_open", "gauge", "Open connections, by transport.")
	p.Line(`tankarena_connections_open{transport="polling"}`, float64(st.OpenPolling))
	p.Line(`tankarena_connections_open{transport="websocket"}`, float64(st.OpenWebSocket))
	p.Metric("tankarena_handshakes_total", "counter", "Connections opened.", float64(st.Handshakes))
	p.Metric("tankarena_upgrades_total", "counter", "Connections moved from polling to websocket.", float64(st.Upgrades))

	p.Header("tankarena_connections_closed_total", "counter", "Connections closed, by reason.")
	for _, c := range []struct {
		reason string
		n      int64
	}{
		{engineio.ReasonTransportClose, st.Closes.TransportClose},
		{engineio.ReasonTransportError, st.Closes.TransportError},
		{engineio.ReasonPingTimeout, st.Closes.PingTimeout},
		{engineio.ReasonParseError, st.Closes.ParseError},
		{engineio.ReasonForcedClose, st.Closes.ForcedClose},
		{engineio.ReasonServerShutdown, st.Closes.ServerShutdown},
		{"other", st.Closes.Other},
	} {
		p.Line(`tankarena_connections_closed_total{reason="`+c.reason+`"}`, float64(c.n))
	}

	p.Header("tankarena_requests_refused_total", "counter", "Requests refused before reaching a connection, by cause.")
	for _, c := range []struct {
		cause string
		n     int64
	}{
		{"server_full", st.Rejected.ServerFull},
		{"per_ip_limit", st.Rejected.PerIPLimit},
		{"handshake_rate", st.Rejected.HandshakeRate},
		{"bad_request", st.Rejected.BadRequest},
		{"forbidden", st.Rejected.Forbidden},
		{"unknown_sid", st.Rejected.UnknownSID},
		{"shutting_down", st.Rejected.ShuttingDown},
		{"upgrade_failed", st.Rejected.UpgradeFailed},
	} {
		p.Line(`tankarena_requests_refused_total{cause="`+c.cause+`"}`, float64(c.n))
	}

	p.Metric("tankarena_messages_received_total", "counter", "Engine.IO messages received.", float64(st.MessagesReceived))
	p.Metric("tankarena_messages_sent_total", "counter", "Engine.IO messages written to the network.", float64(st.MessagesSent))
	p.Metric("tankarena_bytes_received_total", "counter", "Payload bytes received (without HTTP or websocket framing).", float64(st.BytesReceived))
	p.Metric("tankarena_bytes_sent_total", "counter", "Payload bytes sent (without HTTP or websocket framing).", float64(st.BytesSent))
	p.Metric("tankarena_volatile_dropped_total", "counter", "Volatile messages (snapshots) dropped for a busy connection.", float64(st.VolatileDropped))
	p.Metric("tankarena_slow_client_closes_total", "counter", "Connections closed for a full send queue.", float64(st.QueueFullCloses))
	p.Metric("tankarena_send_backlog_closes_total", "counter", "Connections closed for a send backlog over its byte limit.", float64(st.QueueBytesCloses))
	p.Metric("tankarena_write_timeouts_total", "counter", "Connections closed because a write stayed blocked.", float64(st.WriteTimeouts))
	p.Metric("tankarena_parse_errors_total", "counter", "Malformed packets (each closes its connection).", float64(st.ParseErrors))
	p.Metric("tankarena_oversize_payloads_total", "counter", "Messages or bodies over the maximum payload.", float64(st.OversizePayloads))
}
