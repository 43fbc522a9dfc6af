package main

import (
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// tickOverhead is the size of `42["tick",{"t":1764000000000000,"seq":123456,"pad":""}]`, the
// packet without its pad, as the Node server counts it.
const tickOverhead = 51

// tick is the broadcast event's argument; field order and names match the Node server.
type tick struct {
	T   int64  `json:"t"`
	Seq int64  `json:"seq"`
	Pad string `json:"pad"`
}

// broadcaster owns the realtime server and the timer that broadcasts "tick".
type broadcaster struct {
	io  *realtime.Server
	log *slog.Logger
	pad string

	seq atomic.Int64

	mu      sync.Mutex
	stop    chan struct{} // closing it ends the running broadcast loop; nil when stopped
	stopped chan struct{} // closed by the loop once it has ended
}

// newBroadcaster builds the server; with a Redis adapter's newAdapter (nil: in memory) its
// broadcasts also reach the clients of the other nodes on that Redis.
func newBroadcaster(logger *slog.Logger, payloadBytes int, newAdapter func(realtime.Local) realtime.Adapter) *broadcaster {
	io := realtime.NewServer(realtime.Options{
		NewAdapter: newAdapter,
		Engine: engineio.Options{
			Transports: []string{engineio.TransportWebSocket},
			// The reference server has no connection limits, and every load-generator
			// client comes from 127.0.0.1: lift ours so the two do the same work.
			MaxConnections:      1 << 30,
			MaxConnectionsPerIP: 1 << 30,
			Logger:              logger,
		},
		DisableClientScript: true,
	})
	return &broadcaster{io: io, log: logger, pad: strings.Repeat("x", max(0, payloadBytes-tickOverhead))}
}

func (b *broadcaster) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", b.io)
	mux.HandleFunc("/bench/gc", func(w http.ResponseWriter, _ *http.Request) {
		runtime.GC()
		debug.FreeOSMemory()
		answerOK(w)
	})
	mux.HandleFunc("/bench/rate", func(w http.ResponseWriter, r *http.Request) {
		hz, _ := strconv.Atoi(r.URL.Query().Get("hz")) // like Node's Number(): junk means 0
		b.setRate(hz)
		answerOK(w)
	})
	return mux
}

// setRate restarts broadcasting at hz per second; 0 (or less) stops it. The sequence
// number carries on across rate changes, as in the Node server; the old loop has ended
// before the new one starts, so clients never see sequence numbers out of order.
func (b *broadcaster) setRate(hz int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stop != nil {
		close(b.stop)
		<-b.stopped
		b.stop, b.stopped = nil, nil
	}
	if hz <= 0 {
		return
	}
	b.stop, b.stopped = make(chan struct{}), make(chan struct{})
	go b.loop(time.Second/time.Duration(hz), b.stop, b.stopped)
}

func (b *broadcaster) loop(period time.Duration, stop <-chan struct{}, stopped chan<- struct{}) {
	defer close(stopped)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			seq := b.seq.Add(1) - 1
			if err := b.io.Emit("tick", tick{T: time.Now().UnixMicro(), Seq: seq, Pad: b.pad}); err != nil {
				b.log.Error("broadcast", "err", err)
			}
		}
	}
}

func (b *broadcaster) close() {
	b.setRate(0)
	b.io.Close()
}
