package arena

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"tankarena/internal/prom"
)

// Metrics counts what an operator wants to see at /metrics. All fields are updated atomically
// by the arenas; ServeHTTP writes them in the Prometheus text exposition format.
type Metrics struct {
	players          atomic.Int64
	arenas           atomic.Int64
	ticks            atomic.Uint64
	tickNanos        atomic.Uint64
	tickBuckets      [len(tickBucketBounds)]atomic.Uint64
	skippedTicks     atomic.Uint64
	snapshots        atomic.Uint64
	bytesSent        atomic.Uint64
	inputs           atomic.Uint64
	droppedRate      atomic.Uint64
	droppedBurst     atomic.Uint64 // skipped at a tick to drain a burst (see nextInput)
	droppedFull      atomic.Uint64 // dropped on arrival, maxQueuedInputs already waiting
	droppedBroken    atomic.Uint64
	refusedFull      atomic.Uint64
	refusedName      atomic.Uint64
	refusedBadReq    atomic.Uint64
	refusedRate      atomic.Uint64 // over the join rate of the connection or the address
	refusedAddr      atomic.Uint64 // the address holds Options.MaxSeatsPerAddress live seats
	evictedFull      atomic.Uint64 // held seats given up early to seat a new player on a full server
	evictedAddr      atomic.Uint64 // held seats given up early to seat a new player of the same address
	replaced         atomic.Uint64 // seats taken over by a join with their token from another connection
	latencyRefused   atomic.Uint64
	lagOverflow      atomic.Uint64 // messages the lag simulator lost because a line held maxLagHeld
	clientLagLimited atomic.Uint64 // handshakes that asked for more simulated lag than allowed
	namesCut         atomic.Uint64
	panics           atomic.Uint64
	restarts         atomic.Uint64
}

// tickBucketBounds are the histogram's upper bounds: a 60 Hz tick has 16.7 ms in all, and a
// healthy one takes well under a millisecond.
var tickBucketBounds = [...]time.Duration{
	50 * time.Microsecond, 100 * time.Microsecond, 250 * time.Microsecond, 500 * time.Microsecond,
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond,
}

func (m *Metrics) observeTick(d time.Duration) {
	m.ticks.Add(1)
	m.tickNanos.Add(uint64(d.Nanoseconds()))
	for i, b := range tickBucketBounds {
		if d <= b {
			m.tickBuckets[i].Add(1)
		}
	}
}

// InputsDropped returns the inputs dropped so far for arriving too fast, for being superseded
// (merged into a newer input: skipped to drain a burst, or pushed out of a full queue), and for
// being malformed.
func (m *Metrics) InputsDropped() (rate, superseded, malformed uint64) {
	return m.droppedRate.Load(), m.droppedBurst.Load() + m.droppedFull.Load(), m.droppedBroken.Load()
}

// ServeHTTP writes the metrics as Prometheus text.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", prom.ContentType)
	_ = m.Write(w)
}

// Write writes the metrics in the Prometheus text exposition format.
func (m *Metrics) Write(w io.Writer) error {
	p := &prom.Writer{W: w}
	p.Metric("tankarena_players", "gauge", "Players in all arenas, including those inside the reconnect window.", float64(m.players.Load()))
	p.Metric("tankarena_arenas", "gauge", "Running arenas.", float64(m.arenas.Load()))
	p.Header("tankarena_tick_duration_seconds", "histogram", "Time one simulation tick took (inputs, step, snapshot).")
	for i, b := range tickBucketBounds {
		p.Line(fmt.Sprintf("tankarena_tick_duration_seconds_bucket{le=\"%g\"}", b.Seconds()), float64(m.tickBuckets[i].Load()))
	}
	p.Line(`tankarena_tick_duration_seconds_bucket{le="+Inf"}`, float64(m.ticks.Load()))
	p.Line("tankarena_tick_duration_seconds_sum", float64(m.tickNanos.Load())/1e9)
	p.Line("tankarena_tick_duration_seconds_count", float64(m.ticks.Load()))
	p.Metric("tankarena_ticks_skipped_total", "counter", "Ticks dropped because an arena fell too far behind.", float64(m.skippedTicks.Load()))
	p.Metric("tankarena_snapshots_total", "counter", "Snapshots encoded (one per arena per send).", float64(m.snapshots.Load()))
	p.Metric("tankarena_snapshot_bytes_sent_total", "counter", "Snapshot bytes handed to connections (size times recipients).", float64(m.bytesSent.Load()))
	p.Metric("tankarena_inputs_total", "counter", "Inputs accepted.", float64(m.inputs.Load()))
	p.Header("tankarena_inputs_dropped_total", "counter",
		"Inputs dropped, by reason: over the rate limit; skipped at a tick to drain a burst (a shot in one is kept); pushed out of a full queue; malformed.")
	p.Line(`tankarena_inputs_dropped_total{reason="rate"}`, float64(m.droppedRate.Load()))
	p.Line(`tankarena_inputs_dropped_total{reason="burst"}`, float64(m.droppedBurst.Load()))
	p.Line(`tankarena_inputs_dropped_total{reason="queue_full"}`, float64(m.droppedFull.Load()))
	p.Line(`tankarena_inputs_dropped_total{reason="malformed"}`, float64(m.droppedBroken.Load()))
	p.Header("tankarena_joins_refused_total", "counter", "Joins refused, by reason.")
	p.Line(`tankarena_joins_refused_total{reason="server_full"}`, float64(m.refusedFull.Load()))
	p.Line(`tankarena_joins_refused_total{reason="bad_name"}`, float64(m.refusedName.Load()))
	p.Line(`tankarena_joins_refused_total{reason="bad_request"}`, float64(m.refusedBadReq.Load()))
	p.Line(`tankarena_joins_refused_total{reason="join_rate"}`, float64(m.refusedRate.Load()))
	p.Line(`tankarena_joins_refused_total{reason="seats_per_address"}`, float64(m.refusedAddr.Load()))
	p.Header("tankarena_held_seats_evicted_total", "counter",
		"Seats of disconnected players given up before their reconnect window ended, to seat a new player: on a full server, or from an address at its seat limit.")
	p.Line(`tankarena_held_seats_evicted_total{reason="server_full"}`, float64(m.evictedFull.Load()))
	p.Line(`tankarena_held_seats_evicted_total{reason="seats_per_address"}`, float64(m.evictedAddr.Load()))
	p.Metric("tankarena_seats_replaced_total", "counter", "Seats taken over by a join with their token from another connection (the old one is told \"replaced\").", float64(m.replaced.Load()))
	p.Metric("tankarena_latency_refused_total", "counter", "Ping (\"latency\") requests refused for carrying more than a small value.", float64(m.latencyRefused.Load()))
	p.Metric("tankarena_lag_dropped_total", "counter", "Messages the lag simulator dropped because it already held its bound for the connection.", float64(m.lagOverflow.Load()))
	p.Metric("tankarena_client_lag_limited_total", "counter", "Connections that asked for more simulated lag than -max-client-lag allows (cut, or ignored when it is off).", float64(m.clientLagLimited.Load()))
	p.Metric("tankarena_names_cut_total", "counter", "Names cut to the maximum name length.", float64(m.namesCut.Load()))
	p.Metric("tankarena_arena_panics_total", "counter", "Panics recovered in arena loops (logged with their stack).", float64(m.panics.Load()))
	p.Metric("tankarena_arena_restarts_total", "counter", "Arenas restarted with a fresh world after a panic.", float64(m.restarts.Load()))
	return p.Err()
}
