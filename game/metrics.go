package game

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// Metrics counts what an operator wants to see at /metrics. All fields are updated atomically
// by the rooms; Register hands them to a Prometheus registry, which reads them at each scrape.
type Metrics struct {
	namespace, room string // name parts: <namespace>_players, <namespace>_<room>s

	players          atomic.Int64
	spectators       atomic.Int64
	rooms            atomic.Int64
	ticks            atomic.Uint64
	tickNanos        atomic.Uint64
	tickBuckets      [len(tickBucketBounds)]atomic.Uint64
	skippedTicks     atomic.Uint64
	snapshots        atomic.Uint64
	bytesSent        atomic.Uint64
	inputs           atomic.Uint64
	droppedRate      atomic.Uint64
	droppedBurst     atomic.Uint64                             // shed by an input buffer to give back latency, merged away (see inputBuffer)
	inputsCaughtUp   atomic.Uint64                             // shed by an input buffer to give back latency, applied as an extra step (Pacer)
	droppedFull      atomic.Uint64                             // merged on arrival, the input buffer full
	inputStarved     atomic.Uint64                             // player ticks that found the input buffer empty
	depthSum         atomic.Uint64                             // input buffer depths observed, summed
	depthBuckets     [len(depthBucketBounds) + 1]atomic.Uint64 // per bound, not cumulative; the last is +Inf
	droppedBroken    atomic.Uint64
	refusedFull      atomic.Uint64
	refusedRoomFull  atomic.Uint64 // the room the player picked (JoinRequest.Room) is full
	refusedName      atomic.Uint64
	refusedBadReq    atomic.Uint64
	refusedRate      atomic.Uint64 // over the join rate of the connection or the address
	refusedAddr      atomic.Uint64 // the address holds Options.MaxSeatsPerAddress live seats
	refusedBusy      atomic.Uint64 // new players while the node was busy (capacity.go)
	snapshotsDropped atomic.Uint64 // snapshot deliveries a connection could not take
	evictedFull      atomic.Uint64 // held seats given up early to seat a new player on a full server
	evictedAddr      atomic.Uint64 // held seats given up early to seat a new player of the same address
	replaced         atomic.Uint64 // seats taken over by a join with their token from another connection
	latencyRefused   atomic.Uint64
	acksRefused      atomic.Uint64 // snapshot acknowledgements of a snapshot not sent to the client, or too old
	lagOverflow      atomic.Uint64 // messages the lag simulator dropped because a line held maxLagHeld
	clientLagLimited atomic.Uint64 // handshakes that asked for more simulated lag than allowed
	namesCut         atomic.Uint64
	panics           atomic.Uint64
	restarts         atomic.Uint64
	// Replays (replayrecorder.go).
	replaysWritten    atomic.Uint64
	replaysRemoved    atomic.Uint64
	replayBytes       atomic.Uint64
	replayDropped     atomic.Uint64 // messages the writer's queue could not take
	replayWriteErrors atomic.Uint64

	spectatesRefusedFull atomic.Uint64 // every room to watch had its spectators, or spectating is off
	spectatesRefusedNone atomic.Uint64 // no room of the kind ran
	spectatesRefusedRate atomic.Uint64 // over the join rate of the connection or the address
}

// NewMetrics returns counters whose series are named <namespace>_… and call a room what the
// game calls it: NewMetrics("tankarena", "arena") exports tankarena_arenas.
func NewMetrics(namespace, room string) *Metrics {
	return &Metrics{namespace: namespace, room: room}
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

// depthBucketBounds are the input buffer depth histogram's upper bounds, in inputs waiting
// (ticks of latency): 0 is a starved tick, 1 no latency added, up to the target cap and bursts.
var depthBucketBounds = [...]int{0, 1, 2, 3, 4, 6, 8, 12, 16, 32}

// observeInputDepth counts the depth of one player's input buffer at one tick: two atomic adds,
// once per player per tick.
func (m *Metrics) observeInputDepth(depth int) {
	m.depthSum.Add(uint64(depth))
	i := 0
	for i < len(depthBucketBounds) && depth > depthBucketBounds[i] {
		i++
	}
	m.depthBuckets[i].Add(1)
}

// InputBuffers returns the player ticks that found an input buffer empty, the inputs shed by
// buffers to give back latency (merged away, or applied as an extra step in a paced simulation:
// InputsCaughtUp), and those merged on arrival at a full buffer.
func (m *Metrics) InputBuffers() (starved, shed, full uint64) {
	return m.inputStarved.Load(), m.droppedBurst.Load() + m.inputsCaughtUp.Load(), m.droppedFull.Load()
}

// InputsCaughtUp returns the inputs a paced simulation (Pacer) applied as an extra step of
// their player's movement to give back latency; unlike a merged input none of them is lost.
func (m *Metrics) InputsCaughtUp() uint64 { return m.inputsCaughtUp.Load() }

// InputsDropped returns the inputs dropped so far for arriving too fast, for being superseded
// (merged into a newer input: skipped to drain a burst, or pushed out of a full queue), and for
// being malformed.
func (m *Metrics) InputsDropped() (rate, superseded, malformed uint64) {
	return m.droppedRate.Load(), m.droppedBurst.Load() + m.droppedFull.Load(), m.droppedBroken.Load()
}

// Register adds the metrics to reg. Each series reads its counter when reg is gathered (at
// every scrape), so nothing is counted twice; a new counter is one more line in the list.
func (m *Metrics) Register(reg prometheus.Registerer) error {
	const droppedHelp = "Inputs dropped, by reason: over the rate limit; shed by a player's input buffer to give back latency after a stall in a game that is not paced (burst; merged into the next input, a shot kept; a paced game counts inputs_caught_up_total instead); merged on arrival at a full input buffer (queue_full); malformed."
	const refusedHelp = "Joins refused, by reason."
	const spectateHelp = "Requests to watch a room refused, by reason: every room had its -max-spectators (or spectating is off), no room was running, over the join rate."
	const evictedHelp = "Seats of disconnected players given up before their reconnect window ended, to seat a new player: on a full server, or from an address at its seat limit."
	ns, room := m.namespace+"_", m.namespace+"_"+m.room
	for _, c := range []prometheus.Collector{
		gaugeFunc(ns+"players", "Players in all rooms, including those inside the reconnect window.", nil, m.players.Load),
		gaugeFunc(room+"s", "Running rooms.", nil, m.rooms.Load),
		gaugeFunc(ns+"spectators", "Connections watching a room: no seat, not counted in players.", nil, m.spectators.Load),
		counterFunc(ns+"spectates_refused_total", spectateHelp, prometheus.Labels{"reason": "full"}, m.spectatesRefusedFull.Load),
		counterFunc(ns+"spectates_refused_total", spectateHelp, prometheus.Labels{"reason": "nothing_to_watch"}, m.spectatesRefusedNone.Load),
		counterFunc(ns+"spectates_refused_total", spectateHelp, prometheus.Labels{"reason": "join_rate"}, m.spectatesRefusedRate.Load),
		tickHistogram{m: m, desc: prometheus.NewDesc(ns+"tick_duration_seconds", "Time one simulation tick took (inputs, step, snapshot).", nil, nil)},
		counterFunc(ns+"ticks_skipped_total", "Ticks dropped because a room fell too far behind.", nil, m.skippedTicks.Load),
		counterFunc(ns+"snapshots_total", "Snapshots encoded (one per room per send).", nil, m.snapshots.Load),
		counterFunc(ns+"snapshot_deliveries_dropped_total", "Snapshots a player's connection could not take at once (its send queue backed up), so it skipped them; many of them make the node refuse new players (busy).", nil, m.snapshotsDropped.Load),
		counterFunc(ns+"snapshot_bytes_sent_total", "Snapshot bytes handed to connections (size times recipients).", nil, m.bytesSent.Load),
		counterFunc(ns+"inputs_total", "Inputs accepted.", nil, m.inputs.Load),
		counterFunc(ns+"inputs_dropped_total", droppedHelp, prometheus.Labels{"reason": "rate"}, m.droppedRate.Load),
		counterFunc(ns+"inputs_dropped_total", droppedHelp, prometheus.Labels{"reason": "burst"}, m.droppedBurst.Load),
		counterFunc(ns+"inputs_dropped_total", droppedHelp, prometheus.Labels{"reason": "queue_full"}, m.droppedFull.Load),
		counterFunc(ns+"inputs_dropped_total", droppedHelp, prometheus.Labels{"reason": "malformed"}, m.droppedBroken.Load),
		counterFunc(ns+"input_starved_ticks_total", "Ticks at which a connected player's input buffer was empty: a paced game (the tanks) holds the player still for the tick, so its next input is applied a tick later as its client predicted; any other game applies the last input again (its client sees a correction).", nil, m.inputStarved.Load),
		counterFunc(ns+"inputs_caught_up_total", "Inputs a player's input buffer shed to give back latency after a stall, in a paced game (the tanks): applied as an extra step of the player's movement within a tick, so none is lost (a game that is not paced merges them away: inputs_dropped_total{reason=\"burst\"}).", nil, m.inputsCaughtUp.Load),
		depthHistogram{m: m, desc: prometheus.NewDesc(ns+"input_buffer_depth", "Inputs waiting in a connected player's input buffer when a tick takes one, per player per tick: 0 is a starved tick, 1 adds no latency, each one more a tick of input latency.", nil, nil)},
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "server_full"}, m.refusedFull.Load),
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "room_full"}, m.refusedRoomFull.Load),
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "bad_name"}, m.refusedName.Load),
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "bad_request"}, m.refusedBadReq.Load),
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "join_rate"}, m.refusedRate.Load),
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "seats_per_address"}, m.refusedAddr.Load),
		counterFunc(ns+"joins_refused_total", refusedHelp, prometheus.Labels{"reason": "busy"}, m.refusedBusy.Load),
		counterFunc(ns+"held_seats_evicted_total", evictedHelp, prometheus.Labels{"reason": "server_full"}, m.evictedFull.Load),
		counterFunc(ns+"held_seats_evicted_total", evictedHelp, prometheus.Labels{"reason": "seats_per_address"}, m.evictedAddr.Load),
		counterFunc(ns+"seats_replaced_total", "Seats taken over by a join with their token from another connection (the old one is told \"replaced\").", nil, m.replaced.Load),
		counterFunc(ns+"snapshot_acks_refused_total", "Snapshot acknowledgements ignored: a number never sent to that client, or too old (the client keeps its base).", nil, m.acksRefused.Load),
		counterFunc(ns+"latency_refused_total", "Ping (\"latency\") requests refused for carrying more than a small value.", nil, m.latencyRefused.Load),
		counterFunc(ns+"lag_dropped_total", "Messages the lag simulator dropped because it already held its bound for the connection.", nil, m.lagOverflow.Load),
		counterFunc(ns+"client_lag_limited_total", "Connections that asked for more simulated lag than -max-client-lag allows (cut, or ignored when it is off).", nil, m.clientLagLimited.Load),
		counterFunc(ns+"names_cut_total", "Names cut to the maximum name length.", nil, m.namesCut.Load),
		counterFunc(room+"_panics_total", "Panics recovered in room loops (logged with their stack).", nil, m.panics.Load),
		counterFunc(ns+"replays_written_total", "Replay files finished (a round each, or a part of one).", nil, m.replaysWritten.Load),
		counterFunc(ns+"replays_removed_total", "Old replay files removed to keep the folder within -replays-max-mb and -replays-max-files.", nil, m.replaysRemoved.Load),
		counterFunc(ns+"replay_bytes_written_total", "Bytes written to replay files.", nil, m.replayBytes.Load),
		counterFunc(ns+"replay_records_dropped_total", "Replay records dropped because the writer fell behind (the tick never waits for it); the room's next snapshot is recorded as a keyframe.", nil, m.replayDropped.Load),
		counterFunc(ns+"replay_write_errors_total", "Replay writes that failed (a full disk): recording stops until a restart, the game carries on.", nil, m.replayWriteErrors.Load),
		counterFunc(room+"_restarts_total", "Rooms restarted with a fresh simulation after a panic.", nil, m.restarts.Load),
	} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("game: register metrics: %w", err)
		}
	}
	return nil
}

// Write writes the metrics alone in the Prometheus text exposition format (what /metrics
// shows of the rooms), for tests and tools that read them without an HTTP server.
func (m *Metrics) Write(w io.Writer) error {
	reg := prometheus.NewPedanticRegistry()
	if err := m.Register(reg); err != nil {
		return err
	}
	families, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("game: gather metrics: %w", err)
	}
	for _, f := range families {
		if _, err := expfmt.MetricFamilyToText(w, f); err != nil {
			return fmt.Errorf("game: write metrics: %w", err)
		}
	}
	return nil
}

// counterFunc is a counter series that reads load at each scrape.
func counterFunc[N int64 | uint64](name, help string, labels prometheus.Labels, load func() N) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
		func() float64 { return float64(load()) })
}

// gaugeFunc is a gauge series that reads load at each scrape.
func gaugeFunc[N int64 | uint64](name, help string, labels prometheus.Labels, load func() N) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels},
		func() float64 { return float64(load()) })
}

// tickHistogram reports the tick durations observeTick counted, as a Prometheus histogram.
type tickHistogram struct {
	m    *Metrics
	desc *prometheus.Desc
}

func (h tickHistogram) Describe(ch chan<- *prometheus.Desc) { ch <- h.desc }

// Collect reads the buckets before the count: observeTick adds to the count first, so a tick
// that lands in between never leaves a bucket above the +Inf one.
func (h tickHistogram) Collect(ch chan<- prometheus.Metric) {
	buckets := make(map[float64]uint64, len(tickBucketBounds))
	for i, b := range tickBucketBounds {
		buckets[b.Seconds()] = h.m.tickBuckets[i].Load()
	}
	count := h.m.ticks.Load()
	hist, err := prometheus.NewConstHistogram(h.desc, count, float64(h.m.tickNanos.Load())/1e9, buckets)
	if err != nil {
		hist = prometheus.NewInvalidMetric(h.desc, err)
	}
	ch <- hist
}

// depthHistogram reports the input buffer depths observeInputDepth counted, as a Prometheus
// histogram. The count is the sum of the buckets, so a depth counted during a scrape never
// leaves a bucket above it.
type depthHistogram struct {
	m    *Metrics
	desc *prometheus.Desc
}

func (h depthHistogram) Describe(ch chan<- *prometheus.Desc) { ch <- h.desc }

func (h depthHistogram) Collect(ch chan<- prometheus.Metric) {
	buckets := make(map[float64]uint64, len(depthBucketBounds))
	var count uint64
	for i, b := range depthBucketBounds {
		count += h.m.depthBuckets[i].Load()
		buckets[float64(b)] = count
	}
	count += h.m.depthBuckets[len(depthBucketBounds)].Load()
	hist, err := prometheus.NewConstHistogram(h.desc, count, float64(h.m.depthSum.Load()), buckets)
	if err != nil {
		hist = prometheus.NewInvalidMetric(h.desc, err)
	}
	ch <- hist
}
