package arena_test

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

	"tankarena/arena"
	"tankarena/game"
	"tankarena/internal/wstest"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
)

// joinAndStall joins over a raw websocket (Engine.IO open, Socket.IO CONNECT, "join" with an
// ack) and then never reads again, like a frozen browser tab.
func joinAndStall(t *testing.T, base, name string) *websocket.Conn {
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
	join, _ := json.Marshal([]any{"join", arena.JoinRequest{Name: name}})
	if err := c.WriteMessage(websocket.TextMessage, append([]byte("420"), join...)); err != nil {
		t.Fatal(err)
	}
	readUntil("430")
	return c
}

// tickRecorder keeps every tick's duration, per phase of the test.
type tickRecorder struct {
	mu    sync.Mutex
	ticks []time.Duration
}

func (r *tickRecorder) observe(_ int, d time.Duration) {
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

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func TestStalledClientsDoNotStretchTheTicksOrStarveHealthyPlayers(t *testing.T) {
	const healthy, stalled, phaseTicks = 5, 50, 180
	rec := &tickRecorder{}
	t.Cleanup(arena.SetTickObserver(rec.observe))
	h := newHarnessWith(t, func(o *arena.Options) {
		o.MaxPlayers = healthy + stalled
		o.MaxSeatsPerAddress, o.JoinRate = -1, -1 // every player is 127.0.0.1
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		base := o.NewWorld
		// One arena holds everyone, and bots keep it at the same number of tanks throughout
		// (each stalled player takes a bot's place), so both phases simulate the same load.
		o.NewWorld = func() (*game.World, error) {
			w, err := base()
			if err != nil {
				return nil, err
			}
			cfg := w.Config()
			cfg.MaxPlayers = healthy + stalled
			if w, err = game.NewWorld(cfg, w.Map(), 1); err != nil {
				return nil, err
			}
			w.SetBotFill(healthy+stalled, game.BotNormal)
			return w, nil
		}
	}, realtime.Options{Engine: engineio.Options{WriteTimeout: 2 * time.Second}}, func(l net.Listener) net.Listener { return wstest.SmallSendBuffers{Listener: l} })

	players := make([]*tester, healthy)
	for i := range players {
		players[i] = h.join(t, fmt.Sprintf("Healthy%d", i), "")
	}
	ctx, stop := context.WithCancel(t.Context())
	var driving sync.WaitGroup
	defer func() { stop(); driving.Wait() }()
	for _, p := range players { // play at the tick rate throughout
		driving.Go(func() {
			tick := time.NewTicker(time.Second / 60)
			defer tick.Stop()
			for ctx.Err() == nil {
				<-tick.C
				_ = p.trySend(1, 0.5, 0, true)
			}
		})
	}
	skipped := func() float64 { return metric(t, h.lobby, "tankarena_ticks_skipped_total") }

	// Phase 1: healthy players only.
	skippedStart := skipped()
	rec.take()
	eventually(t, "the baseline ticks", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.ticks) >= phaseTicks })
	without := rec.take()
	skippedWithout := skipped() - skippedStart

	// Phase 2: fifty more join and stop reading.
	for i := range stalled {
		joinAndStall(t, h.url, fmt.Sprintf("Frozen%d", i))
	}
	if len(h.rt.Of("/").Sockets()) != healthy+stalled {
		t.Fatalf("%d connections, want %d", len(h.rt.Of("/").Sockets()), healthy+stalled)
	}
	skippedBefore := skipped() // measured from here, as phase 1: the joins themselves are not the subject
	rec.take()
	counts := make([]int, healthy)
	for i, p := range players {
		counts[i] = p.snapshotCount()
	}
	eventually(t, "ticks with the stalled clients", func() bool { rec.mu.Lock(); defer rec.mu.Unlock(); return len(rec.ticks) >= phaseTicks })
	with := rec.take()
	skippedDuring := skipped() - skippedBefore

	p99Without, p99With := percentile(without, 0.99), percentile(with, 0.99)
	t.Logf("tick p50/p99/max: without stalled clients %v/%v/%v (%v ticks skipped), with %d stalled %v/%v/%v (%v skipped)",
		percentile(without, 0.5), p99Without, slices.Max(without), skippedWithout,
		stalled, percentile(with, 0.5), p99With, slices.Max(with), skippedDuring)
	// Generous bounds, each against the same measure without the stalled clients, so a machine
	// busy with other work moves both: a loop that waited on a stalled connection would show
	// ticks of WriteTimeout (2 s) and runs of skipped ticks.
	// The p99 floor is a quarter of the write timeout: far below the ticks of a loop that
	// waits on stalled connections, above the stalls of a machine running the whole suite
	// under -race (100 ms has been seen, in either phase).
	if limit := max(3*p99Without, 500*time.Millisecond); p99With > limit {
		t.Errorf("tick p99 %v with stalled clients, over max(3 × %v, 500ms)", p99With, p99Without)
	}
	if longest, limit := slices.Max(with), max(3*slices.Max(without), time.Second); longest > limit {
		t.Errorf("a tick took %v with stalled clients (limit %v): the loop waited on a connection", longest, limit)
	}
	if limit := 3*skippedWithout + 30; skippedDuring > limit {
		t.Errorf("%v ticks skipped while clients were stalled, %v without", skippedDuring, skippedWithout)
	}
	// The healthy keep receiving snapshots, and the stalled are dropped by the write timeout.
	for i, p := range players {
		eventually(t, fmt.Sprintf("snapshots for healthy player %d", i), func() bool { return p.snapshotCount() >= counts[i]+30 })
	}
	eventually(t, "the stalled connections closed", func() bool { return len(h.rt.Of("/").Sockets()) == healthy })
	for i, p := range players {
		before := p.snapshotCount()
		eventually(t, fmt.Sprintf("snapshots for healthy player %d after the stalled left", i), func() bool { return p.snapshotCount() > before })
	}
}
