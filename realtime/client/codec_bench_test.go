package client

import "testing"

var benchEvent = []byte(`42/arena,17["move",{"x":1.5,"y":2,"angle":90,"fire":false},"tank-7"]`)

func BenchmarkEncodeEvent(b *testing.B) {
	s := &Socket{nsp: "/arena"}
	args := []any{map[string]any{"x": 1.5, "y": 2, "angle": 90, "fire": false}, "tank-7"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.eventPacket("move", args, 17); err != nil {
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
		if _, err := s.eventPacket("move", args, 17); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeEvent(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		p, err := decodePacket(benchEvent[1:])
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := splitEvent(p.data); err != nil {
			b.Fatal(err)
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
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePacket(benchEvent[1:])
		if err != nil {
			b.Fatal(err)
		}
		_, raw, err := splitEvent(p.data)
		if err != nil {
			b.Fatal(err)
		}
		if err := (Args{raw: raw}).Scan(&move, &tank); err != nil {
			b.Fatal(err)
		}
	}
}
