package main

import (
	"encoding/json"
	"fmt"
	"io"

	"tankarena/bench/record"
)

// emitter writes each record as a JSON line for programs and a sentence for people.
type emitter struct {
	enc   *json.Encoder
	human io.Writer
}

func newEmitter(machine, human io.Writer) *emitter {
	return &emitter{enc: json.NewEncoder(machine), human: human}
}

func (e *emitter) emit(r record.Record) {
	_ = e.enc.Encode(r)
	switch r.Kind {
	case record.KindIdle:
		fmt.Fprintf(e.human, "idle: %d/%d clients connected (%d failed, %.0f conn/s), server RSS %.1f MiB\n",
			r.Connected, r.Clients, r.ConnectFailed, r.ConnectPerSecond, float64(r.ServerRSSKB)/1024)
	case record.KindFanout:
		verdict := "sustained"
		if !r.Sustained {
			verdict = "NOT sustained"
		}
		fmt.Fprintf(e.human, "fanout %s %d Hz (saw %.1f) to %d/%d clients: %.0f msg/s, lost %d, p50 %.2f ms, p99 %.2f ms, max %.1f ms, "+
			"server CPU %.1f%% (others %.1f%%), RSS %.1f MiB, %.0f B/client/s, loadgen CPU %.1f%%: %s\n",
			r.Phase, r.TargetHz, r.AchievedHz, r.Connected, r.Clients, r.DeliveredPerSecond, r.Lost, r.P50Ms, r.P99Ms, r.MaxMs,
			r.ServerCPUPercent, r.OthersCPUPercent, float64(r.ServerRSSKB)/1024, r.BytesPerClientPerSecond, r.LoadgenCPUPercent, verdict)
	case record.KindGame:
		verdict := "sustained"
		if !r.Sustained {
			verdict = "NOT sustained"
		}
		if r.Attempts > 1 {
			verdict += fmt.Sprintf(" (window %d)", r.Attempts)
		}
		capped := ""
		if r.TickP99Capped {
			capped = ">"
		}
		watchers := ""
		if r.Spectators > 0 {
			watchers = fmt.Sprintf(" and %d spectators (%d watching, %d failed; %.1f snapshots/s decoded, least %.1f, %d resyncs)",
				r.Spectators, r.Watching, r.SpectateFailed, r.SpectatorSnapshotsPerSecond, r.MinSpectatorSnapshotsPerSecond, r.SpectatorResyncs)
		}
		fmt.Fprintf(e.human, "game %d players (%d joined, %d connected, %d failed, %d of them \"server busy\" (the server counted %d))%s in %d arenas: tick p99 %s%.2f ms, %.1f ticks/arena/s, "+
			"%d skipped; per client %.1f snapshots/s (least %.1f), %.0f snapshot B/s, %.0f B/s in all; %.1f inputs/player/s accepted, "+
			"%d dropped, %d not sent; server CPU %.1f%% (others %.1f%%), RSS %.1f MiB, loadgen CPU %.1f%%, loadgen timer late by up to %.0f ms: %s\n",
			r.Clients, r.Joined, r.Connected, r.ConnectFailed, r.JoinsRefusedBusy, r.ServerRefusedBusy, watchers, r.Arenas, capped, r.TickP99Ms, r.TicksPerArenaPerSecond,
			r.TicksSkipped, r.SnapshotsPerClientPerSecond, r.MinSnapshotsPerClientPerSecond, r.SnapshotBytesPerClientPerSecond,
			r.BytesPerClientPerSecond, r.InputsPerPlayerPerSecond, r.InputsDropped, r.InputsNotSent,
			r.ServerCPUPercent, r.OthersCPUPercent, float64(r.ServerRSSKB)/1024, r.LoadgenCPUPercent, r.LoadgenStallMs, verdict)
	}
}
