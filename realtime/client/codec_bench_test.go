package client

import (
	"testing"

	"tankarena/realtime/parser"
)

var benchEvent = []byte(`42/arena,17["move",{"x":1.5,"y":2,"angle":90,"fire":false},"tank-7"]`)

func BenchmarkEncodeEvent(b *testing.B) {
	s := &Socket{nsp: "/arena"}
	args := []any{map[string]any{"x": 1.5, "y": 2, "angle": 90, "fire": false}, "tank-7"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.eventPacket("move", args, 17, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeEventStruct(b *testing.B) {
	type move struct {
		X, Y  float64
		Angle int
		Fire  bool
	}
	s := &Socket{nsp: "/arena"}
	args := []any{move{1.5, 2, 90, false}, "tank-7"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.eventPacket("move", args, 17, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEvent is what the reader does with every event: decode and split it.
func BenchmarkDecodeEvent(b *testing.B) {
	decoder := parser.Decoder{KeepPlaceholders: true}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		p, err := decoder.Add(benchEvent[1:], false)
		if err != nil || p.Event != "move" {
			b.Fatal(p, err)
		}
	}
}

func BenchmarkDecodeEventArgs(b *testing.B) {
	var move struct {
		X, Y  float64
		Angle int
		Fire  bool
	}
	var tank string
	decoder := parser.Decoder{KeepPlaceholders: true}
	b.ReportAllocs()
	for b.Loop() {
		p, err := decoder.Add(benchEvent[1:], false)
		if err != nil {
			b.Fatal(err)
		}
		if err := (Args{raw: p.Args}).Scan(&move, &tank); err != nil {
			b.Fatal(err)
		}
	}
}
