// Package record is the JSON-lines format bench/loadgen writes and bench/benchrun reads: one
// Record per measured step, so a run can be kept, compared and re-tabulated later.
package record

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Kinds of Record.
const (
	KindIdle   = "idle"   // RSS with N idle clients connected, after a forced GC
	KindFanout = "fanout" // one broadcast rate held for a measurement window
	KindGame   = "game"   // N bot players in the game server, measured for a window
)

// Phases of a fan-out run.
const (
	PhaseHeadline = "headline" // the fixed rate whose CPU and latency are compared
	PhaseSearch   = "search"   // a step of the search for the highest sustained rate
)

// Record is one measurement. Fields that do not apply to its Kind are zero.
type Record struct {
	Kind string `json:"kind"`

	// Clients is how many clients were asked for; Connected how many were connected when
	// the measurement ended.
	Clients   int `json:"clients"`
	Connected int `json:"connected"`
	// ConnectFailed counts connection attempts that failed while reaching Clients.
	ConnectFailed int `json:"connect_failed"`
	// ConnectPerSecond is the rate at which the last batch of clients connected.
	ConnectPerSecond float64 `json:"connect_per_s,omitempty"`

	// ServerRSSKB is the server's resident memory at the end of the step.
	ServerRSSKB int64 `json:"server_rss_kb"`

	Phase string `json:"phase,omitempty"`
	// TargetHz is the broadcast rate asked for; AchievedHz the rate the clients saw, from
	// the sequence numbers.
	TargetHz   int     `json:"target_hz,omitempty"`
	AchievedHz float64 `json:"achieved_hz,omitempty"`
	Seconds    float64 `json:"seconds,omitempty"`
	// Delivered counts tick events received by all clients in the window; Lost the sequence
	// numbers clients skipped (a dropped or never-sent broadcast for that client).
	Delivered          uint64  `json:"delivered,omitempty"`
	DeliveredPerSecond float64 `json:"delivered_per_s,omitempty"`
	Lost               uint64  `json:"lost"`
	// BytesPerClientPerSecond counts websocket payload bytes received.
	BytesPerClientPerSecond float64 `json:"bytes_per_client_per_s,omitempty"`
	// Latencies from the server's stamp to the client handler, in milliseconds.
	P50Ms float64 `json:"p50_ms,omitempty"`
	P99Ms float64 `json:"p99_ms,omitempty"`
	MaxMs float64 `json:"max_ms,omitempty"`
	// ServerCPUPercent and LoadgenCPUPercent are CPU time over wall time; 100 is one core.
	ServerCPUPercent  float64 `json:"server_cpu_pct,omitempty"`
	LoadgenCPUPercent float64 `json:"loadgen_cpu_pct,omitempty"`
	// OthersCPUPercent is the CPU time over wall time of the other processes the load
	// generator was told to watch (-other-pids: the other nodes of a cluster, its Redis).
	OthersCPUPercent float64 `json:"others_cpu_pct,omitempty"`
	// Sustained: p99 under the limit, nothing lost, no client dropped. The rate it was
	// sustained at is AchievedHz. For KindGame: tick p99 under the limit, no tick skipped or
	// late, every player joined and still connected.
	Sustained bool `json:"sustained"`

	// Game fields (KindGame), over the window. Clients is the players asked for, Connected
	// those still connected, Joined those whose "join" was acknowledged.
	Joined int `json:"joined,omitempty"`
	// Attempts is the windows the step took: it is sustained if the last was.
	Attempts int `json:"attempts,omitempty"`
	Arenas   int `json:"arenas,omitempty"`
	// TickP99Ms is the 99th percentile of the server's tick duration, interpolated within the
	// buckets of its /metrics histogram; TickP99Capped says it fell in the open top bucket, so
	// the value is that bucket's lower bound.
	TickP99Ms     float64 `json:"tick_p99_ms,omitempty"`
	TickP99Capped bool    `json:"tick_p99_capped,omitempty"`
	// TicksPerArenaPerSecond is the ticks the server ran over arenas and seconds: under the
	// tick rate means the arenas ran late. TicksSkipped counts ticks they dropped to catch up.
	TicksPerArenaPerSecond float64 `json:"ticks_per_arena_per_s,omitempty"`
	TicksSkipped           uint64  `json:"ticks_skipped"`
	// Snapshots and their binary bytes received per client per second (the websocket framing
	// of the event's text header is in BytesPerClientPerSecond, which counts every message);
	// MinSnapshotsPerClientPerSecond is the least any one client got.
	SnapshotsPerClientPerSecond     float64 `json:"snapshots_per_client_per_s,omitempty"`
	MinSnapshotsPerClientPerSecond  float64 `json:"min_snapshots_per_client_per_s,omitempty"`
	SnapshotBytesPerClientPerSecond float64 `json:"snapshot_bytes_per_client_per_s,omitempty"`
	// InputsPerPlayerPerSecond is what the server accepted (its /metrics), InputsDropped what it
	// dropped; InputsNotSent counts inputs the load generator could not queue (a full send
	// queue): if it grows, the load generator, not the server, is the limit.
	InputsPerPlayerPerSecond float64 `json:"inputs_per_player_per_s,omitempty"`
	InputsDropped            uint64  `json:"inputs_dropped"`
	InputsNotSent            uint64  `json:"inputs_not_sent"`
	// JoinsRefusedBusy counts the joins the load generator saw refused with "server busy"
	// since it started; ServerRefusedBusy is the server's own count of them at the end of the
	// window (tankarena_joins_refused_total{reason="busy"}, summed over the nodes).
	JoinsRefusedBusy  int `json:"joins_refused_busy"`
	ServerRefusedBusy int `json:"server_refused_busy"`
	// LoadgenStallMs is the longest the load generator's input timer fired late in the window
	// (on its own CPU): tens of milliseconds there mean the machine stalled, not the server.
	LoadgenStallMs float64 `json:"loadgen_stall_ms"`
	// Spectators is how many spectators were asked for (loadgen -spectators), Watching how
	// many were watching when the window ended, SpectateFailed how many "spectate" attempts
	// failed while reaching Spectators. SpectatorSnapshotsPerSecond is the snapshots a
	// spectator decoded per second on average (a keyframe, or a delta against one it held),
	// MinSpectatorSnapshotsPerSecond the fewest any one decoded; SpectatorResyncs counts the
	// "resync" they sent in the window, after a missed snapshot.
	Spectators                     int     `json:"spectators,omitempty"`
	Watching                       int     `json:"watching,omitempty"`
	SpectateFailed                 int     `json:"spectate_failed,omitempty"`
	SpectatorSnapshotsPerSecond    float64 `json:"spectator_snapshots_per_s,omitempty"`
	MinSpectatorSnapshotsPerSecond float64 `json:"min_spectator_snapshots_per_s,omitempty"`
	SpectatorResyncs               uint64  `json:"spectator_resyncs,omitempty"`
	// JoinMs is the mean time from connecting to a node to holding a seat (the cluster
	// scenario's join measurement).
	JoinMs float64 `json:"join_ms,omitempty"`
}

// Read parses every record in r.
func Read(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // tolerate blank lines
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return out, fmt.Errorf("record: %w in %q", err, line)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("record: %w", err)
	}
	return out, nil
}
