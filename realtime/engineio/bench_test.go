package engineio

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// benchBatch is a typical polling payload: game-state-sized text messages and one binary.
func benchBatch() ([]packet, int64) {
	var packets []packet
	var size int64
	for i := range 10 {
		data := bytes.Repeat([]byte{'a' + byte(i)}, 100)
		packets = append(packets, packet{typ: packetMessage, data: data})
		size += int64(len(data))
	}
	bin := bytes.Repeat([]byte{0xab}, 64)
	packets = append(packets, packet{typ: packetMessage, binary: true, data: bin}, packet{typ: packetPing})
	return packets, size + int64(len(bin))
}

func BenchmarkEncodePayload(b *testing.B) {
	packets, size := benchBatch()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if len(encodePayload(packets)) == 0 {
			b.Fatal("empty payload")
		}
	}
}

func BenchmarkDecodePayload(b *testing.B) {
	packets, size := benchBatch()
	body := encodePayload(packets)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodePayload(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebSocketSend measures Send throughput to one websocket session over loopback,
// counting a message as done when the client has read it.
func BenchmarkWebSocketSend(b *testing.B) {
	for _, size := range []int{64, 1024} {
		b.Run(fmt.Sprintf("%dB", size), func(b *testing.B) {
			sessions := make(chan *Session, 1)
			eio := NewServer(Options{
				SendQueueSize: 1 << 30, // the benchmark outruns the socket on purpose
				Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			eio.OnConnection(func(s *Session) { sessions <- s })
			srv := httptest.NewServer(eio)
			defer srv.Close()
			defer eio.Close()

			c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			if _, _, err := c.ReadMessage(); err != nil { // the open packet
				b.Fatal(err)
			}
			sess := <-sessions
			msg := Message{Data: bytes.Repeat([]byte{'x'}, size)}

			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			read := make(chan error, 1)
			go func() {
				for range b.N {
					if _, _, err := c.ReadMessage(); err != nil {
						read <- err
						return
					}
				}
				read <- nil
			}()
			for range b.N {
				if err := sess.Send(msg); err != nil {
					b.Fatal(err)
				}
			}
			if err := <-read; err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
