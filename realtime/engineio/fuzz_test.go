package engineio

import (
	"bytes"
	"testing"
)

// packetSeeds are real packets and near misses, shared by both fuzz targets.
var packetSeeds = []string{
	"0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}",
	"1", "2", "2probe", "3", "3probe", "4", "4hello", "4héllo 🚀", "5", "6",
	"bAQID/w==", "b", "b=", "bA", "b!!", "", "7", "x", "\xff\xfe", "4\x00\x1e",
}

func FuzzDecodePacket(f *testing.F) {
	for _, s := range packetSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := decodePacket(in)
		if err != nil {
			return
		}
		// Whatever decodes must encode back to something that decodes to the same packet.
		again, err := decodePacket(appendPacket(nil, p))
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", appendPacket(nil, p), err)
		}
		if again.typ != p.typ || again.binary != p.binary || !bytes.Equal(again.data, p.data) {
			t.Fatalf("round trip changed %+v into %+v", p, again)
		}
	})
}

func FuzzDecodePayload(f *testing.F) {
	for _, s := range packetSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		"4a\x1e4b", "4a\x1ebAQID\x1e3", "\x1e", "4a\x1e", "\x1e4a", "2\x1e\x1e2", "b@@@\x1e4a",
		"4ünïcödé\x1ebAAEC/w==\x1e6\x1e1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		packets, err := decodePayload(in)
		if err != nil {
			return
		}
		// Text packets cannot contain the separator, so a decoded payload re-encodes to one
		// that decodes to the same packets.
		again, err := decodePayload(encodePayload(packets))
		if err != nil {
			t.Fatalf("re-encoded payload does not decode: %v", err)
		}
		if len(again) != len(packets) {
			t.Fatalf("round trip gave %d packets, want %d", len(again), len(packets))
		}
		for i := range packets {
			if again[i].typ != packets[i].typ || again[i].binary != packets[i].binary || !bytes.Equal(again[i].data, packets[i].data) {
				t.Fatalf("packet %d changed from %+v to %+v", i, packets[i], again[i])
			}
		}
	})
}
