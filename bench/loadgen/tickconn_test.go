package main

import (
	"bytes"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
)

// unmaskFrames splits what a client wrote into its frames' opcodes and unmasked payloads.
func unmaskFrames(t *testing.T, wire []byte) (ops []byte, payloads []string) {
	t.Helper()
	for len(wire) > 0 {
		if len(wire) < 6 || wire[1]&0x80 == 0 || wire[1]&0x7F >= 126 {
			t.Fatalf("not a short masked frame: % x", wire)
		}
		n := int(wire[1] & 0x7F)
		key, body := wire[2:6], wire[6:6+n]
		p := make([]byte, n)
		for i := range body {
			p[i] = body[i] ^ key[i&3]
		}
		ops = append(ops, wire[0]&0x0F)
		payloads = append(payloads, string(p))
		wire = wire[6+n:]
	}
	return ops, payloads
}

func TestTickConnSession(t *testing.T) {
	f, err := newFleet("http://unused", receiverGoroutines, 0, stampRead)
	if err != nil {
		t.Fatal(err)
	}
	var bytesIn atomic.Uint64
	var wire bytes.Buffer
	c := newTickConn(f, &bytesIn, &wire)
	feed := func(frames ...[]byte) error {
		t.Helper()
		return c.received(bytes.Join(frames, nil), 1_000_500)
	}
	text := func(s string) []byte { return serverFrame(true, opText, []byte(s)) }

	if err := feed(text(`0{"sid":"e","pingInterval":25000,"pingTimeout":20000}`),
		text(`42["tick",{"t":1000000,"seq":0,"pad":""}]`)); err != nil { // before joining: not counted
		t.Fatal(err)
	}
	if c.state != awaitingConnect {
		t.Fatalf("state %d after open, want awaitingConnect", c.state)
	}
	if err := feed(text(`40{"sid":"s"}`),
		text(`42["tick",{"t":1000000,"seq":1,"pad":"xx"}]`),
		text(`42["other",{"t":1000000,"seq":9}]`),
		text(`2`),
		serverFrame(true, opPing, []byte("hi")),
		text(`2probe`),
		text(`42["tick",{"t":1000000,"seq":4,"pad":"xx"}]`),
		text(`42["tick",{"pad":"no numbers"}]`)); err != nil {
		t.Fatal(err)
	}
	if c.state != joined {
		t.Fatalf("state %d, want joined", c.state)
	}
	if got := f.delivered.Load(); got != 2 {
		t.Errorf("delivered %d, want 2", got)
	}
	if got := f.lost.Load(); got != 2 {
		t.Errorf("lost %d, want 2 (seq 2 and 3)", got)
	}
	if got := f.malformed.Load(); got != 1 {
		t.Errorf("malformed %d, want 1", got)
	}
	if h := f.latencies.Load(); h.Count() != 2 || h.Max().Microseconds() != 500 {
		t.Errorf("latencies: %d, max %v; want 2 of 500µs", h.Count(), h.Max())
	}
	ops, payloads := unmaskFrames(t, wire.Bytes())
	wantOps := []byte{opText, opText, opPong, opText}
	wantPayloads := []string{"40", "3", "hi", "3probe"}
	if !bytes.Equal(ops, wantOps) || len(payloads) != len(wantPayloads) {
		t.Fatalf("client wrote ops %v %q, want %v %q", ops, payloads, wantOps, wantPayloads)
	}
	for i := range wantPayloads {
		if payloads[i] != wantPayloads[i] {
			t.Errorf("frame %d = %q, want %q", i, payloads[i], wantPayloads[i])
		}
	}
	if bytesIn.Load() == 0 {
		t.Error("no bytes counted")
	}
}

func TestTickConnEnds(t *testing.T) {
	for name, frame := range map[string][]byte{
		"websocket close":   serverFrame(true, opClose, []byte{0x03, 0xE8}),
		"Engine.IO close":   serverFrame(true, opText, []byte("1")),
		"Socket.IO discon.": serverFrame(true, opText, []byte("41")),
	} {
		t.Run(name, func(t *testing.T) {
			f, _ := newFleet("http://unused", receiverGoroutines, 0, stampRead)
			var wire bytes.Buffer
			c := newTickConn(f, new(atomic.Uint64), &wire)
			c.state = joined
			if err := c.received(frame, 0); !errors.Is(err, errEnded) {
				t.Errorf("received = %v, want errEnded", err)
			}
		})
	}
	t.Run("connect refused", func(t *testing.T) {
		f, _ := newFleet("http://unused", receiverGoroutines, 0, stampRead)
		c := newTickConn(f, new(atomic.Uint64), new(bytes.Buffer))
		c.state = awaitingConnect
		err := c.received(serverFrame(true, opText, []byte(`44{"message":"no"}`)), 0)
		if err == nil || errors.Is(err, errEnded) {
			t.Errorf("received = %v, want a refusal", err)
		}
	})
}

// BenchmarkTickConnReceived is the user-space share of a received tick: frame parsing, the
// Engine.IO/Socket.IO checks, the tick scanner and the fleet's counters (the read itself is
// the kernel's share and not in here).
func BenchmarkTickConnReceived(b *testing.B) {
	f, err := newFleet("http://unused", receiverGoroutines, 0, stampRead)
	if err != nil {
		b.Fatal(err)
	}
	c := newTickConn(f, new(atomic.Uint64), new(bytes.Buffer))
	c.state = joined
	pad := bytes.Repeat([]byte("x"), 209)
	frames := make([][]byte, 1024)
	for i := range frames {
		frames[i] = serverFrame(true, opText, []byte(`42["tick",{"t":1764000000000000,"seq":`+
			strconv.Itoa(i)+`,"pad":"`+string(pad)+`"}]`))
	}
	b.SetBytes(int64(len(frames[0])))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := c.received(frames[i%len(frames)], 1764000000000500); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
