package soak

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/game"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// tally counts what the bots did, and what the server did to the vandals, for the checks and
// the summary.
type tally struct {
	joins, reconnects, disconnects, malformed atomic.Int64
	snapshots, inputs                         atomic.Int64

	// Server-side effects the vandals expect to find in its counters.
	lagConnects, takeovers, bombs atomic.Int64

	mu       sync.Mutex
	errs     []string
	outcomes map[string]map[string]int64 // vandal kind → what happened → how often
	cycles   map[string]int64            // vandal kind → attack cycles completed
}

func (t *tally) fail(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.errs) < 20 {
		t.errs = append(t.errs, fmt.Sprintf(format, args...))
	}
}

// saw counts an outcome of a vandal's attack: what the server answered or did.
func (t *tally) saw(kind, outcome string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.outcomes == nil {
		t.outcomes = map[string]map[string]int64{}
	}
	if t.outcomes[kind] == nil {
		t.outcomes[kind] = map[string]int64{}
	}
	t.outcomes[kind][outcome]++
}

func (t *tally) cycle(kind string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cycles == nil {
		t.cycles = map[string]int64{}
	}
	t.cycles[kind]++
}

// vandalReport lists, per vandal kind, its cycles and what the server did to it, most frequent
// first.
func (t *tally) vandalReport() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	for _, kind := range slices.Sorted(maps.Keys(t.cycles)) {
		fmt.Fprintf(&b, "\n  vandal %s, %d cycles:", kind, t.cycles[kind])
		seen := t.outcomes[kind]
		outcomes := slices.SortedFunc(maps.Keys(seen), func(a, b string) int {
			return cmp.Or(cmp.Compare(seen[b], seen[a]), cmp.Compare(a, b))
		})
		for i, o := range outcomes {
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s %d", o, seen[o])
		}
	}
	return b.String()
}

// meter measures a bot's snapshot rate over the time it was connected: snapshots arriving
// while it held a seat, and for how long it held one, so the join warm-up and the gaps of its
// deliberate reconnects count for nothing.
type meter struct {
	mu        sync.Mutex
	snapshots int64
	connected time.Duration // in the sessions that ended
	since     time.Time     // when the current session's join was answered; zero between sessions
}

func (m *meter) start() {
	m.mu.Lock()
	m.since = time.Now()
	m.mu.Unlock()
}

func (m *meter) stop() {
	m.mu.Lock()
	if !m.since.IsZero() {
		m.connected += time.Since(m.since)
		m.since = time.Time{}
	}
	m.mu.Unlock()
}

func (m *meter) snapshot() {
	m.mu.Lock()
	if !m.since.IsZero() {
		m.snapshots++
	}
	m.mu.Unlock()
}

// read returns the snapshots so far and the time connected so far.
func (m *meter) read() (int64, time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	connected := m.connected
	if !m.since.IsZero() {
		connected += time.Since(m.since)
	}
	return m.snapshots, connected
}

// bot is an honest player: it joins, sends an input every tick and now and then drops its
// connection and comes back with its reconnect token.
type bot struct {
	url       string
	name      string
	dialer    *websocket.Dialer // from the bot's source address
	tickRate  int
	dropEvery time.Duration // mean time between deliberate disconnects
	tally     *tally
	snapshots atomic.Int64 // received since the start
	meter     meter
}

// session is one connection's life: connect, join (with the token, if any), play until ctx
// ends or the bot decides to drop. It returns the token and tank id to come back with.
func (b *bot) session(ctx context.Context, token string, wantID int) (string, int, error) {
	m, err := client.NewManager(b.url, client.Options{Dialer: b.dialer})
	if err != nil {
		return token, wantID, err
	}
	defer m.Close()
	s, err := m.Socket("/", nil)
	if err != nil {
		return token, wantID, err
	}
	s.On("snapshot", func(*client.Event) {
		b.snapshots.Add(1)
		b.tally.snapshots.Add(1)
		b.meter.snapshot()
	})
	s.On("restart", func(*client.Event) { b.tally.fail("%s: arena restarted (a panic)", b.name) })
	cctx, cancel := context.WithTimeout(ctx, testenv.Patience(20*time.Second))
	defer cancel()
	if err := s.Connect(cctx); err != nil {
		return token, wantID, fmt.Errorf("connect: %w", err)
	}
	reply, err := s.EmitWithAck(cctx, "join", game.JoinRequest{Name: b.name, Token: token})
	if err != nil {
		return token, wantID, fmt.Errorf("join: %w", err)
	}
	var ack game.JoinAck
	if err := reply.Decode(0, &ack); err != nil || ack.Token == "" {
		return token, wantID, fmt.Errorf("join refused: %s", reply.Raw(0))
	}
	if token != "" {
		b.tally.reconnects.Add(1)
		if ack.ID != wantID || ack.Token != token {
			b.tally.fail("%s: reconnect with its token gave tank %d, want %d", b.name, ack.ID, wantID)
		}
	} else {
		b.tally.joins.Add(1)
	}
	b.meter.start()
	defer b.meter.stop()

	drop := time.After(time.Duration(rand.ExpFloat64() * float64(b.dropEvery)))
	tick := time.NewTicker(time.Second / time.Duration(b.tickRate))
	defer tick.Stop()
	seq := ack.Seq
	aim := rand.Float64() * 6
	for {
		select {
		case <-ctx.Done():
			return ack.Token, ack.ID, nil
		case <-drop:
			b.tally.disconnects.Add(1)
			return ack.Token, ack.ID, nil
		case <-tick.C:
			seq++
			aim += 0.02
			if aim > 6 {
				aim = 0
			}
			if s.Emit("input", []any{seq, 1, 0.3, aim, seq % 20 / 19}) == nil {
				b.tally.inputs.Add(1)
			}
		}
	}
}

// run plays sessions until ctx ends, reconnecting after each deliberate drop.
func (b *bot) run(ctx context.Context) {
	token, id := "", 0
	for ctx.Err() == nil {
		var err error
		token, id, err = b.session(ctx, token, id)
		if err != nil && ctx.Err() == nil {
			b.tally.fail("%s: %v", b.name, err)
			return
		}
		select { // a short pause, well inside the reconnect window
		case <-ctx.Done():
		case <-time.After(time.Duration(50+rand.IntN(400)) * time.Millisecond):
		}
	}
}
