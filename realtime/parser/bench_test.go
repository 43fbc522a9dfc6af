package parser

import (
	"testing"
)

type state struct {
	Tick    int       `json:"tick"`
	Players []float64 `json:"players"`
}

func BenchmarkEncodeEvent(b *testing.B) {
	b.ReportAllocs()
	s := state{Tick: 42, Players: []float64{1.5, 2.5, 3.5, 4.5, 5.5, 6.5}}
	for b.Loop() {
		data, atts, err := MarshalArgs("state", s)
		if err != nil {
			b.Fatal(err)
		}
		Encode(&Packet{Type: Event, Namespace: "/arena", Data: data, Attachments: atts})
	}
}

func BenchmarkEncodeBinaryEvent(b *testing.B) {
	b.ReportAllocs()
	frame := make([]byte, 1024)
	for b.Loop() {
		data, atts, err := MarshalArgs("frame", frame)
		if err != nil {
			b.Fatal(err)
		}
		Encode(&Packet{Type: Event, Namespace: "/arena", Data: data, Attachments: atts})
	}
}

func BenchmarkDecodeEvent(b *testing.B) {
	b.ReportAllocs()
	msg := []byte(`2/arena,5["input",{"up":true,"left":false,"fire":true,"aim":1.25}]`)
	var d Decoder
	for b.Loop() {
		if _, err := d.Add(msg, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBinaryEvent(b *testing.B) {
	b.ReportAllocs()
	msg := []byte(`51-/arena,["frame",{"_placeholder":true,"num":0}]`)
	att := make([]byte, 1024)
	var d Decoder
	for b.Loop() {
		if _, err := d.Add(msg, false); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Add(att, true); err != nil {
			b.Fatal(err)
		}
	}
}
