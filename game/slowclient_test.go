package game_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/game"
	"tankarena/game/tanks"
	"tankarena/internal/wstest"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// joinAndStall joins over a raw websocket (Engine.IO open, Socket.IO CONNECT, "join" with an
// ack) and then never reads again, like a frozen browser tab.
func joinAndStall(t testing.TB, base, name string) *websocket.Conn {
	t.Helper()
	c, _, err := wstest.StallingDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(waitFor))
	readUntil := func(prefix string) {
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				t.Fatalf("%s waiting for %q: %v", name, prefix, err)
			}
			if strings.HasPrefix(string(data), prefix) {
				return
			}
		}
	}
	readUntil("0{")
	if err := c.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		t.Fatal(err)
	}
	readUntil("40")
	join, _ := json.Marshal([]any{"join", game.JoinRequest{Name: name}})
	if err := c.WriteMessage(websocket.TextMessage, append([]byte("420"), join...)); err != nil {
		t.Fatal(err)
	}
	readUntil("430")
	return c
}

// tickRecorder keeps every tick's duration.
type tickRecorder struct {
	mu    sync.Mutex
	ticks []time.Duration
}

func (r *tickRecorder) observe(_ string, d time.Duration) {
	r.mu.Lock()
	r.ticks = append(r.ticks, d)
	r.mu.Unlock()
}

// take returns the ticks recorded since the last take.
func (r *tickRecorder) take() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.ticks
	r.ticks = nil
	return out
}

// count is the number of ticks recorded since the last take.
func (r *tickRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ticks)
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// stallRig is one arena with healthy players who play at the tick rate, for stalled players
// to join: bots keep it at the same number of tanks throughout (each stalled player takes a
// bot's place), so the simulation costs the same with or without them.
type stallRig struct {
	h       *harness
	ticks   *tickRecorder
	healthy []*tester
}

const rigHealthy, rigStalled = 5, 50

// newStallRig starts the rig on a server whose kernel send buffers are small, so that a
// client that stops reading stalls the server's writes after a few snapshots.
func newStallRig(tb testing.TB, writeTimeout time.Duration) *stallRig {
	rec := &tickRecorder{}
	tb.Cleanup(game.SetTickObserver(rec.observe))
	h := newHarnessWith(tb, func(o *game.Options[tanks.Input]) {
		o.MaxPlayers = rigHealthy + rigStalled
		o.MaxSeatsPerAddress, o.JoinRate = -1, -1 // every player is 127.0.0.1
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		cfg := tanks.DefaultConfig()
		cfg.MaxPlayers = rigHealthy + rigStalled
		o.NewSimulation = tankSimulations(tb, cfg, rigHealthy+rigStalled)
	}, realtime.Options{Engine: engineio.Options{
		WriteTimeout: writeTimeout,
		PingInterval: time.Hour, // the stalled never answer a ping; the heartbeat is not the subject
	}}, func(l net.Listener) net.Listener { return wstest.SmallSendBuffers{Listener: l} })

	r := &stallRig{h: h, ticks: rec, healthy: make([]*tester, rigHealthy)}
	for i := range r.healthy {
		r.healthy[i] = h.join(tb, fmt.Sprintf("Healthy%d", i), "")
	}
	ctx, stop := context.WithCancel(context.Background())
	var driving sync.WaitGroup
	tb.Cleanup(func() { stop(); driving.Wait() })
	for _, p := range r.healthy { // play at the tick rate throughout
		driving.Go(func() {
			tick := time.NewTicker(time.Second / 60)
			defer tick.Stop()
			for ctx.Err() == nil {
				<-tick.C
				_ = p.trySend(1, 0.5, 0, true)
			}
		})
	}
	return r
}

// stall joins the stalled players; each stops reading once it has joined.
func (r *stallRig) stall(tb testing.TB) []*websocket.Conn {
	conns := make([]*websocket.Conn, rigStalled)
	for i := range conns {
		conns[i] = joinAndStall(tb, r.h.url, fmt.Sprintf("Frozen%d", i))
	}
	return conns
}

// snapshotCounts is how many snapshots each healthy player has received so far.
func (r *stallRig) snapshotCounts() []int {
	counts := make([]int, len(r.healthy))
	for i, p := range r.healthy {
		counts[i] = p.snapshotCount()
	}
	return counts
}

// TestStalledClientsDoNotStretchTheTicksOrStarveHealthyPlayers: fifty players stop reading
// and stay connected, their writes blocked (no write timeout ends them during the test), and
// the arena's loop keeps ticking and the healthy players keep getting snapshots. A loop that
// waited on a stalled connection would stop: no deadline below decides what is fast enough,
// it only ends a test whose loop has stopped. How long the ticks take with and without the
// stalled players is BenchmarkTicksWithStalledClients.
func TestStalledClientsDoNotStretchTheTicksOrStarveHealthyPlayers(t *testing.T) {
	const phaseTicks = 180
	r := newStallRig(t, time.Hour)
	dropped := func() int64 { return r.h.rt.EngineStats().VolatileDropped }

	stalled := r.stall(t)
	if n := len(r.h.rt.Of("/").Sockets()); n != rigHealthy+rigStalled {
		t.Fatalf("%d connections, want %d", n, rigHealthy+rigStalled)
	}
	droppedBefore := dropped()
	r.ticks.take()
	counts := r.snapshotCounts()
	// The stalled get stalled: once their kernel buffers are full (how many snapshots that
	// takes depends on their size: the stalled players' tanks stand still, so their deltas
	// are small), their snapshots, volatile, find the connection busy and are dropped.
	eventually(t, "ticks with the stalled clients, and their snapshots dropped", func() bool {
		return r.ticks.count() >= phaseTicks && dropped()-droppedBefore >= rigStalled
	})
	for i, p := range r.healthy {
		eventually(t, fmt.Sprintf("snapshots for healthy player %d", i), func() bool { return p.snapshotCount() >= counts[i]+30 })
	}
	t.Logf("%d snapshots dropped for connections that were busy during %d ticks", dropped()-droppedBefore, r.ticks.count())
	if n := len(r.h.rt.Of("/").Sockets()); n != rigHealthy+rigStalled {
		t.Fatalf("%d connections while the stalled did not read, want %d", n, rigHealthy+rigStalled)
	}

	// The stalled go away; the blocked writes to them end, and the healthy play on.
	for _, c := range stalled {
		c.Close()
	}
	eventually(t, "the stalled connections closed", func() bool { return len(r.h.rt.Of("/").Sockets()) == rigHealthy })
	for i, p := range r.healthy {
		before := p.snapshotCount()
		eventually(t, fmt.Sprintf("snapshots for healthy player %d after the stalled left", i), func() bool { return p.snapshotCount() > before })
	}
}

// BenchmarkTicksWithStalledClients measures the arena's ticks (one op is one tick, at 60 Hz)
// with five healthy players, alone and with fifty more who have stopped reading, and reports
// the percentiles of the time a tick takes and the ticks skipped. A loop that waited on a
// stalled connection would show ticks of WriteTimeout (1 minute here) and runs of skipped
// ticks. Run it on a quiet machine:
//
//	go test -run '^$' -bench TicksWithStalledClients -benchtime 600x ./arena/
func BenchmarkTicksWithStalledClients(b *testing.B) {
	for _, withStalled := range []bool{false, true} {
		name := "healthy-only"
		if withStalled {
			name = fmt.Sprintf("%d-stalled", rigStalled)
		}
		b.Run(name, func(b *testing.B) {
			r := newStallRig(b, time.Minute)
			if withStalled {
				r.stall(b)
			}
			skippedBefore := metric(b, r.h.lobby, "tankarena_ticks_skipped_total")
			r.ticks.take()
			b.ResetTimer()
			for r.ticks.count() < b.N {
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			ticks := r.ticks.take()
			b.ReportMetric(float64(percentile(ticks, 0.5).Microseconds()), "p50-µs/tick")
			b.ReportMetric(float64(percentile(ticks, 0.99).Microseconds()), "p99-µs/tick")
			b.ReportMetric(float64(slices.Max(ticks).Microseconds()), "max-µs/tick")
			b.ReportMetric(metric(b, r.h.lobby, "tankarena_ticks_skipped_total")-skippedBefore, "skipped-ticks")
		})
	}
}
