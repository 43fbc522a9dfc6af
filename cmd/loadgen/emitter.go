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
			"server CPU %.1f%%, RSS %.1f MiB, %.0f B/client/s, loadgen CPU %.1f%%: %s\n",
			r.Phase, r.TargetHz, r.AchievedHz, r.Connected, r.Clients, r.DeliveredPerSecond, r.Lost, r.P50Ms, r.P99Ms, r.MaxMs,
			r.ServerCPUPercent, float64(r.ServerRSSKB)/1024, r.BytesPerClientPerSecond, r.LoadgenCPUPercent, verdict)
	}
}
