package engineio

import (
	"bytes"
	"errors"
	"testing"
)

func TestDecodePacket(t *testing.T) {
	tests := []struct {
		in   string
		want packet
	}{
		{"0{\"sid\":\"x\"}", packet{typ: packetOpen, data: []byte(`{"sid":"x"}`)}},
		{"1", packet{typ: packetClose, data: []byte{}}},
		{"2probe", packet{typ: packetPing, data: []byte("probe")}},
		{"3", packet{typ: packetPong, data: []byte{}}},
		{"4hello", packet{typ: packetMessage, data: []byte("hello")}},
		{"4", packet{typ: packetMessage, data: []byte{}}},
		{"4héllo wörld ✓ 🚀", packet{typ: packetMessage, data: []byte("héllo wörld ✓ 🚀")}},
		{"5", packet{typ: packetUpgrade, data: []byte{}}},
		{"6", packet{typ: packetNoop, data: []byte{}}},
		{"bAQID/w==", packet{typ: packetMessage, binary: true, data: []byte{1, 2, 3, 255}}},
		{"b", packet{typ: packetMessage, binary: true, data: []byte{}}},
	}
	for _, tt := range tests {
		got, err := decodePacket([]byte(tt.in))
		if err != nil {
			t.Errorf("decodePacket(%q): %v", tt.in, err)
			continue
		}
		if got.typ != tt.want.typ || got.binary != tt.want.binary || !bytes.Equal(got.data, tt.want.data) {
			t.Errorf("decodePacket(%q) = %c %v %q, want %c %v %q", tt.in,
				got.typ, got.binary, got.data, tt.want.typ, tt.want.binary, tt.want.data)
		}
	}
}

func TestDecodePacketMalformed(t *testing.T) {
	for _, in := range []string{"", "7", "9x", "x", "\x1e", "b!!!!", "bAQID/w=", "bA", "ÿ"} {
		if p, err := decodePacket([]byte(in)); err == nil {
			t.Errorf("decodePacket(%q) = %+v, want an error", in, p)
		}
	}
	if _, err := decodePacket(nil); !errors.Is(err, errEmptyPacket) {
		t.Errorf("decodePacket(nil) error = %v, want errEmptyPacket", err)
	}
	if _, err := decodePacket([]byte("8")); !errors.Is(err, errUnknownPacket) {
		t.Errorf("decodePacket(8) error = %v, want errUnknownPacket", err)
	}
}

func TestEncodePayload(t *testing.T) {
	tests := []struct {
		name    string
		packets []packet
		want    string
	}{
		{"one text", []packet{{typ: packetMessage, data: []byte("hi")}}, "4hi"},
		{"open then ping", []packet{{typ: packetOpen, data: []byte("{}")}, {typ: packetPing}}, "0{}\x1e2"},
		{"binary as base64", []packet{{typ: packetMessage, binary: true, data: []byte{1, 2, 3, 4}}}, "bAQIDBA=="},
		{"mixed batch", []packet{
			{typ: packetMessage, data: []byte("ünïcödé 🚀")},
			{typ: packetMessage, binary: true, data: []byte{0xff}},
			{typ: packetMessage, data: []byte{}},
			{typ: packetClose},
		}, "4ünïcödé 🚀\x1eb/w==\x1e4\x1e1"},
		{"empty binary", []packet{{typ: packetMessage, binary: true}}, "b"},
		{"no packets", nil, ""},
	}
	for _, tt := range tests {
		if got := string(encodePayload(tt.packets)); got != tt.want {
			t.Errorf("%s: encodePayload = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDecodePayload(t *testing.T) {
	got, err := decodePayload([]byte("4héllo\x1ebAQID\x1e3\x1e4\x1e1"))
	if err != nil {
		t.Fatal(err)
	}
	want := []packet{
		{typ: packetMessage, data: []byte("héllo")},
		{typ: packetMessage, binary: true, data: []byte{1, 2, 3}},
		{typ: packetPong, data: []byte{}},
		{typ: packetMessage, data: []byte{}},
		{typ: packetClose, data: []byte{}},
	}
	if len(got) != len(want) {
		t.Fatalf("decoded %d packets, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].typ != want[i].typ || got[i].binary != want[i].binary || !bytes.Equal(got[i].data, want[i].data) {
			t.Errorf("packet %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestDecodePayloadMalformed(t *testing.T) {
	tests := []struct {
		in        string
		goodFirst int // packets before the malformed record
	}{
		{"", 0},       // an empty body is no packet at all
		{"\x1e", 0},   // empty records
		{"4a\x1e", 1}, // trailing separator leaves an empty record
		{"4a\x1e9\x1e4b", 1},
		{"4a\x1e4b\x1eb@@@", 2},
		{"x4a", 0},
	}
	for _, tt := range tests {
		got, err := decodePayload([]byte(tt.in))
		if err == nil {
			t.Errorf("decodePayload(%q) succeeded, want an error", tt.in)
		}
		if len(got) != tt.goodFirst {
			t.Errorf("decodePayload(%q) returned %d good packets, want %d", tt.in, len(got), tt.goodFirst)
		}
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	in := []packet{
		{typ: packetMessage, data: []byte("multi\nline \"quoted\" text")},
		{typ: packetMessage, binary: true, data: bytes.Repeat([]byte{0, 0x1e, 0xff}, 100)},
		{typ: packetPing, data: []byte("probe")},
	}
	out, err := decodePayload(encodePayload(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("round trip gave %d packets, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].typ != in[i].typ || out[i].binary != in[i].binary || !bytes.Equal(out[i].data, in[i].data) {
			t.Errorf("packet %d = %+v, want %+v", i, out[i], in[i])
		}
	}
}
