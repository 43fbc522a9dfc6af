package realtime

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"tankarena/realtime/engineio"
)

// countingConn is a connection that only counts what it is given.
type countingConn struct {
	req      *http.Request
	messages atomic.Int64
	bytes    atomic.Int64
}

func (c *countingConn) Request() *http.Request { return c.req }
func (c *countingConn) Transport() string      { return "websocket" }
func (c *countingConn) ID() string             { return "counting" }
func (c *countingConn) ClientIP() string       { return "192.0.2.1" }
func (c *countingConn) Send(msgs ...engineio.Message) error {
	c.messages.Add(int64(len(msgs)))
	for _, m := range msgs {
		c.bytes.Add(int64(len(m.Data)))
	}
	return nil
}
func (c *countingConn) SendVolatile(msgs ...engineio.Message) bool { return c.Send(msgs...) == nil }
func (c *countingConn) Close(string)                               {}

func benchServer(b *testing.B, n int) (*Server, []*countingConn) {
	b.Helper()
	srv := NewServer(Options{})
	var joined sync.WaitGroup
	joined.Add(n)
	srv.OnConnection(func(s *Socket) {
		s.Join("arena")
		joined.Done()
	})
	req := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket", nil)
	conns := make([]*countingConn, n)
	for i := range conns {
		conns[i] = &countingConn{req: req}
		newClient(srv, conns[i]).onMessage(engineio.Message{Data: []byte(`0`)})
	}
	joined.Wait()
	for _, c := range conns {
		c.messages.Store(0) // the CONNECT answers
	}
	return srv, conns
}

type snapshot struct {
	Tick  int       `json:"tick"`
	Tanks []float64 `json:"tanks"`
}

// BenchmarkBroadcast1000 sends one state update to 1000 sockets in a room: the packet is encoded
// once, so allocations per op must not grow with the number of recipients' payload.
func BenchmarkBroadcast1000(b *testing.B) {
	for _, volatile := range []bool{false, true} {
		b.Run("volatile="+strconv.FormatBool(volatile), func(b *testing.B) {
			srv, conns := benchServer(b, 1000)
			state := snapshot{Tick: 1, Tanks: make([]float64, 64)}
			op := srv.To("arena")
			if volatile {
				op = op.Volatile()
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := op.Emit("state", state); err != nil {
					b.Fatal(err)
				}
			}
			var delivered int64
			for _, c := range conns {
				delivered += c.messages.Load()
			}
			if delivered != int64(b.N)*int64(len(conns)) {
				b.Fatalf("delivered %d messages in %d broadcasts to %d sockets", delivered, b.N, len(conns))
			}
			b.ReportMetric(float64(delivered)/float64(b.N), "msgs/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(delivered), "ns/recipient")
		})
	}
}

// BenchmarkBroadcastBinary1000 is the same with a 1 KiB binary attachment.
func BenchmarkBroadcastBinary1000(b *testing.B) {
	srv, conns := benchServer(b, 1000)
	frame := make([]byte, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if err := srv.To("arena").Emit("frame", frame); err != nil {
			b.Fatal(err)
		}
	}
	var delivered int64
	for _, c := range conns {
		delivered += c.messages.Load()
	}
	if delivered != 2*int64(b.N)*int64(len(conns)) {
		b.Fatalf("delivered %d messages in %d binary broadcasts to %d sockets", delivered, b.N, len(conns))
	}
	b.ReportMetric(float64(delivered)/float64(b.N), "msgs/op")
}

// BenchmarkHandleEvent is one incoming event decoded and dispatched to a handler.
func BenchmarkHandleEvent(b *testing.B) {
	srv := NewServer(Options{})
	var x float64
	srv.OnConnection(func(s *Socket) {
		s.On("input", func(ev *Event) {
			var in struct{ Aim float64 }
			if err := ev.Decode(0, &in); err != nil {
				b.Fatal(err)
			}
			x += in.Aim
		})
	})
	c := newClient(srv, &countingConn{req: httptest.NewRequest(http.MethodGet, "/socket.io/", nil)})
	c.onMessage(engineio.Message{Data: []byte(`0`)})
	msg := engineio.Message{Data: []byte(`2["input",{"Up":true,"Fire":false,"Aim":1.5}]`)}
	b.ReportAllocs()
	for b.Loop() {
		c.onMessage(msg)
	}
}

// BenchmarkHandleEventSpaced is a game client's input stream: 42["input",[seq,...]] events,
// each handled (the array decoded as arena.ParseInput does) before the next arrives, as at
// 60 inputs per second, so every event finds the socket's handler queue idle.
func BenchmarkHandleEventSpaced(b *testing.B) {
	srv := NewServer(Options{})
	handled := make(chan struct{}, 1)
	srv.OnConnection(func(s *Socket) {
		s.On("input", func(ev *Event) {
			var in []float64
			if err := ev.Decode(0, &in); err != nil {
				b.Error(err)
			}
			handled <- struct{}{}
		})
	})
	c := newClient(srv, &countingConn{req: httptest.NewRequest(http.MethodGet, "/socket.io/", nil)})
	c.onMessage(engineio.Message{Data: []byte(`0`)})
	msg := engineio.Message{Data: []byte(`2["input",[123456,1,-0.5,1.5707,1]]`)}
	b.ReportAllocs()
	for b.Loop() {
		c.onMessage(msg)
		<-handled
	}
}
