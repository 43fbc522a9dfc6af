package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

// recordedSink keeps what a frameStream delivers.
type recordedSink struct{ got []string }

func (s *recordedSink) message(op byte, payload []byte) error {
	s.got = append(s.got, fmt.Sprintf("%x:%s", op, payload))
	return nil
}

// serverFrame builds one unmasked frame as a server sends it.
func serverFrame(fin bool, op byte, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	out := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		out = append(out, byte(n))
	case n <= 0xFFFF:
		out = append(out, 126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, 127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	return append(out, payload...)
}

func TestFrameStreamSplitAnywhere(t *testing.T) {
	long := bytes.Repeat([]byte("y"), 300)   // 16-bit length
	huge := bytes.Repeat([]byte("z"), 70000) // 64-bit length
	var stream []byte
	stream = append(stream, serverFrame(true, opText, []byte("42[\"tick\"]"))...)
	stream = append(stream, serverFrame(true, opText, long)...)
	stream = append(stream, serverFrame(false, opText, []byte("frag1-"))...)
	stream = append(stream, serverFrame(true, opPing, []byte("p"))...) // between fragments
	stream = append(stream, serverFrame(false, opContinuation, []byte("frag2-"))...)
	stream = append(stream, serverFrame(true, opContinuation, []byte("frag3"))...)
	stream = append(stream, serverFrame(true, opBinary, huge)...)
	stream = append(stream, serverFrame(true, opText, nil)...)
	stream = append(stream, serverFrame(true, opClose, []byte{0x03, 0xE8})...)
	want := []string{
		"1:42[\"tick\"]",
		"1:" + string(long),
		"9:p",
		"1:frag1-frag2-frag3",
		"2:" + string(huge),
		"1:",
		"8:\x03\xe8",
	}
	check := func(t *testing.T, chunks [][]byte) {
		t.Helper()
		var s frameStream
		sink := &recordedSink{}
		for _, c := range chunks {
			if err := s.feed(c, sink); err != nil {
				t.Fatalf("feed: %v", err)
			}
		}
		if len(sink.got) != len(want) {
			t.Fatalf("got %d messages, want %d", len(sink.got), len(want))
		}
		for i := range want {
			if sink.got[i] != want[i] {
				t.Errorf("message %d = %.40q…, want %.40q…", i, sink.got[i], want[i])
			}
		}
		if len(s.pending) != 0 || s.fragmented {
			t.Errorf("left %d pending bytes, fragmented %v", len(s.pending), s.fragmented)
		}
	}
	t.Run("whole", func(t *testing.T) { check(t, [][]byte{stream}) })
	t.Run("byte by byte", func(t *testing.T) {
		chunks := make([][]byte, len(stream))
		for i := range stream {
			chunks[i] = stream[i : i+1]
		}
		check(t, chunks)
	})
	for _, size := range []int{2, 3, 7, 64, 4096} {
		t.Run(fmt.Sprintf("chunks of %d", size), func(t *testing.T) {
			var chunks [][]byte
			for rest := stream; len(rest) > 0; {
				n := min(size, len(rest))
				chunks = append(chunks, rest[:n])
				rest = rest[n:]
			}
			check(t, chunks)
		})
	}
}

func TestFrameStreamRefuses(t *testing.T) {
	big := binary.BigEndian.AppendUint64([]byte{0x82, 127}, maxMessageBytes+1)
	for name, stream := range map[string][]byte{
		"masked":                   {0x81, 0x81, 1, 2, 3, 4, 'x'},
		"reserved bits":            {0xC1, 0x01, 'x'},
		"unknown opcode":           {0x83, 0x00},
		"continuation first":       {0x80, 0x01, 'x'},
		"text inside a fragmented": append(serverFrame(false, opText, []byte("a")), serverFrame(true, opText, []byte("b"))...),
		"fragmented control":       {0x09, 0x00},
		"control over 125 bytes":   append([]byte{0x89, 126, 0, 126}, make([]byte, 126)...),
		"frame over the limit":     big,
		"fragments over the limit": append(serverFrame(false, opBinary, make([]byte, maxMessageBytes)),
			serverFrame(true, opContinuation, []byte("x"))...),
	} {
		t.Run(name, func(t *testing.T) {
			var s frameStream
			if err := s.feed(stream, &recordedSink{}); !errors.Is(err, errFrame) {
				t.Errorf("feed = %v, want a frame error", err)
			}
		})
	}
}

func TestAppendMaskedFrame(t *testing.T) {
	key := [4]byte{0x11, 0x22, 0x33, 0x44}
	for _, n := range []int{0, 1, 125, 126, 65535, 65536} {
		payload := bytes.Repeat([]byte("a"), n)
		frame := appendMaskedFrame(nil, opText, payload, key)
		if frame[0] != 0x81 || frame[1]&0x80 == 0 {
			t.Fatalf("%d bytes: header % x: want FIN, text, MASK", n, frame[:2])
		}
		header := 2
		switch frame[1] & 0x7F {
		case 126:
			header = 4
		case 127:
			header = 10
		}
		if got := frame[header : header+4]; !bytes.Equal(got, key[:]) {
			t.Fatalf("%d bytes: mask % x, want % x", n, got, key)
		}
		body := frame[header+4:]
		if len(body) != n {
			t.Fatalf("%d bytes: body of %d", n, len(body))
		}
		for i := range body {
			if body[i]^key[i&3] != 'a' {
				t.Fatalf("%d bytes: byte %d unmasks to %q", n, i, body[i]^key[i&3])
			}
		}
	}
}

// FuzzFrameStream feeds any bytes, split at any point: the parser must never panic, and a
// split must not change what it delivers.
func FuzzFrameStream(f *testing.F) {
	f.Add(serverFrame(true, opText, []byte(`42["tick",{"t":1,"seq":2,"pad":""}]`)), uint16(3))
	f.Add(append(serverFrame(false, opText, []byte("a")), serverFrame(true, opContinuation, []byte("b"))...), uint16(1))
	f.Add(serverFrame(true, opPing, []byte("2")), uint16(0))
	f.Add([]byte{0x82, 127, 0xFF, 0, 0, 0, 0, 0, 0, 0}, uint16(5))
	f.Fuzz(func(t *testing.T, stream []byte, cut uint16) {
		var whole frameStream
		wholeSink := &recordedSink{}
		wholeErr := whole.feed(stream, wholeSink)

		var split frameStream
		splitSink := &recordedSink{}
		at := int(cut) % (len(stream) + 1)
		splitErr := split.feed(stream[:at], splitSink)
		if splitErr == nil {
			splitErr = split.feed(stream[at:], splitSink)
		}
		if (wholeErr == nil) != (splitErr == nil) {
			t.Fatalf("whole: %v, split at %d: %v", wholeErr, at, splitErr)
		}
		if wholeErr == nil && fmt.Sprint(wholeSink.got) != fmt.Sprint(splitSink.got) {
			t.Fatalf("split at %d delivers %q, whole %q", at, splitSink.got, wholeSink.got)
		}
	})
}
