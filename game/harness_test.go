package game_test

import (
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/tanks"
	"tankarena/internal/maptest"
	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/client"
)

// waitFor is the patience for anything asynchronous; it bounds a broken test, it never asserts
// speed, and it stretches with the machine's load (testenv.Patience).
var waitFor = testenv.Patience(20 * time.Second)

// harness is a real server: the lobby on a realtime.Server behind an httptest listener.
type harness struct {
	url   string
	lobby *game.Lobby[tanks.Input]
	rt    *realtime.Server
}

func newHarness(t testing.TB, tweak func(*game.Options[tanks.Input])) *harness {
	t.Helper()
	return newHarnessWith(t, tweak, realtime.Options{}, nil)
}

// newHarnessWith is newHarness with realtime options and a listener wrapper (nil: none).
func newHarnessWith(t testing.TB, tweak func(*game.Options[tanks.Input]), rtOpts realtime.Options, wrap func(net.Listener) net.Listener) *harness {
	t.Helper()
	opts := game.Options[tanks.Input]{
		// A loaded test machine's stalls would make the node refuse joins as busy: only the
		// admission tests (capacity_test.go) turn that back on.
		Settings: game.Settings{TickRate: 60, SnapshotRate: 30, MaxPlayers: 16, AdmitWhenBusy: true}, RoomName: "arena", MetricsNamespace: "tankarena",
		NewSimulation: tankSimulations(t, tanks.DefaultConfig(), 0),
		ParseInput:    tanks.ParseInput,
	}
	if tweak != nil {
		tweak(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	lobby, err := game.NewLobby(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	rt := realtime.NewServer(rtOpts)
	lobby.Serve(rt.Of("/"))
	ts := httptest.NewUnstartedServer(rt)
	if wrap != nil {
		ts.Listener = wrap(ts.Listener)
	}
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		rt.Close()
		lobby.Close()
		cancel()
	})
	return &harness{url: ts.URL, lobby: lobby, rt: rt}
}

// tankSimulations builds tank rooms on the shipped arena map with the rules cfg, filled with
// bots up to that many tanks.
func tankSimulations(t testing.TB, cfg tanks.Config, bots int) func(string) (game.Simulation[tanks.Input], error) {
	t.Helper()
	g, err := tanks.NewGame(cfg, maptest.Shipped(t, "arena"), bots, func() uint64 { return 1 })
	if err != nil {
		t.Fatal(err)
	}
	return func(string) (game.Simulation[tanks.Input], error) {
		room, err := g.NewRoom()
		if err != nil {
			return nil, err
		}
		return room, nil
	}
}

// tester is one test player on a real Socket.IO connection.
type tester struct {
	t       testing.TB
	m       *client.Manager
	s       *client.Socket
	ack     game.JoinAck
	mu      sync.Mutex
	snaps   []tanks.Snapshot // decoded in order
	nums    []uint32         // their numbers, the bases the frames name
	resyncs int              // deltas that did not match the last snapshot, answered with "resync"
	roster  []tanks.PlayerInfo
	seq     uint32
	name    string // the name it joined with
	// restarts and replaced receive the message of every "restart" and "replaced" event.
	restarts, replaced chan string
}

// connect opens a connection (query may carry the lag simulator's settings) without joining.
func (h *harness) connect(t testing.TB, query url.Values) *tester {
	t.Helper()
	return h.connectWith(t, client.Options{Query: query})
}

// connectWith is connect with the client's options.
func (h *harness) connectWith(t testing.TB, opts client.Options) *tester {
	t.Helper()
	m, err := client.NewManager(h.url, opts)
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &tester{t: t, m: m, s: s, restarts: make(chan string, 16), replaced: make(chan string, 16)}
	s.On("restart", func(ev *client.Event) {
		var notice game.RestartNotice
		_ = ev.Decode(0, &notice)
		p.restarts <- notice.Message
	})
	s.On("replaced", func(ev *client.Event) {
		var notice game.ReplacedNotice
		_ = ev.Decode(0, &notice)
		p.replaced <- notice.Message
	})
	s.On("snapshot", func(ev *client.Event) {
		var data []byte
		if err := ev.Decode(0, &data); err != nil {
			t.Errorf("snapshot argument: %v", err)
			return
		}
		// As the browser does: decode against the snapshot the frame names as its base; a
		// delta whose base it does not hold is skipped and the server asked for a keyframe.
		n, baseN, body, err := game.ParseSnapshotFrame(data)
		if err != nil {
			t.Errorf("snapshot frame: %v", err)
			return
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		var base *tanks.Snapshot
		for i := len(p.snaps) - 1; i >= 0 && baseN != 0; i-- {
			if p.nums[i] == baseN {
				base = &p.snaps[i]
				break
			}
		}
		if baseN != 0 && base == nil {
			err = tanks.ErrSnapshotBase
		} else {
			var snap tanks.Snapshot
			if err = tanks.DecodeSnapshot(&snap, body, base); err == nil {
				p.snaps = append(p.snaps, snap)
				p.nums = append(p.nums, n)
			}
		}
		if errors.Is(err, tanks.ErrSnapshotBase) {
			p.resyncs++
			_ = p.s.Emit("resync")
			return
		}
		if err != nil {
			t.Errorf("decode snapshot: %v", err)
		}
	})
	s.On("roster", func(ev *client.Event) {
		var list []tanks.PlayerInfo
		if err := ev.Decode(0, &list); err == nil {
			p.mu.Lock()
			p.roster = list
			p.mu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return p
}

// join connects and joins as name (token "" for a new player).
func (h *harness) join(t testing.TB, name, token string) *tester {
	t.Helper()
	p := h.connect(t, nil)
	p.join(name, token)
	return p
}

func (p *tester) join(name, token string) {
	p.t.Helper()
	p.joinWith(game.JoinRequest{Name: name, Token: token})
}

// joinWith joins with the request as it is, and fails the test when the join is refused.
func (p *tester) joinWith(req game.JoinRequest) {
	p.t.Helper()
	p.name = req.Name
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	reply, err := p.s.EmitWithAck(ctx, "join", req)
	if err != nil {
		p.t.Fatalf("join: %v", err)
	}
	var refused game.JoinError
	if err := reply.Decode(0, &refused); err == nil && refused.Error != "" {
		p.t.Fatalf("join refused: %s", refused.Error)
	}
	if err := reply.Decode(0, &p.ack); err != nil {
		p.t.Fatalf("join ack: %v", err)
	}
	p.seq = p.ack.Seq
}

// send emits one input in the documented [seq, throttle, turn, aim, fire] form.
func (p *tester) send(throttle, turn, aim float64, fire bool) {
	if err := p.trySend(throttle, turn, aim, fire); err != nil {
		p.t.Errorf("emit input: %v", err)
	}
}

// trySend is send for floods, where the client's own bounded send queue may refuse some.
func (p *tester) trySend(throttle, turn, aim float64, fire bool) error {
	p.seq++
	f := 0
	if fire {
		f = 1
	}
	return p.s.Emit("input", []any{p.seq, throttle, turn, aim, f})
}

// waitSnapshot waits for a snapshot received from now on that satisfies ok.
func (p *tester) waitSnapshot(what string, ok func(*tanks.Snapshot) bool) tanks.Snapshot {
	p.t.Helper()
	p.mu.Lock()
	from := len(p.snaps)
	p.mu.Unlock()
	deadline := time.Now().Add(waitFor)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		for ; from < len(p.snaps); from++ {
			if ok(&p.snaps[from]) {
				s := p.snaps[from]
				p.mu.Unlock()
				return s
			}
		}
		p.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("timed out waiting for a snapshot with %s", what)
	return tanks.Snapshot{}
}

// lastTick is the tick of the newest snapshot received (0 before the first).
func (p *tester) lastTick() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.snaps) == 0 {
		return 0
	}
	return p.snaps[len(p.snaps)-1].Tick
}

// tickOf is the tick of the i-th snapshot received.
func (p *tester) tickOf(i int) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.snaps[i].Tick
}

// snapshotsBetween counts the snapshots received with a tick strictly between lo and hi.
func (p *tester) snapshotsBetween(lo, hi uint64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, s := range p.snaps {
		if s.Tick > lo && s.Tick < hi {
			n++
		}
	}
	return n
}

func (p *tester) snapshotCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.snaps)
}

func tankIn(s *tanks.Snapshot, id int) (tanks.TankState, bool) {
	for _, t := range s.Tanks {
		if int(t.ID) == id {
			return t, true
		}
	}
	return tanks.TankState{}, false
}

// aliveTank is a waitSnapshot condition: p's tank is in the snapshot and alive.
func aliveTank(p *tester) func(*tanks.Snapshot) bool {
	return func(s *tanks.Snapshot) bool {
		tank, ok := tankIn(s, p.ack.ID)
		return ok && tank.Alive
	}
}

func scoreIn(s *tanks.Snapshot, id int) (tanks.Score, bool) {
	for _, sc := range s.Scores {
		if int(sc.ID) == id {
			return sc, true
		}
	}
	return tanks.Score{}, false
}

// eventually polls cond until it holds or the patience runs out.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
