package game_test

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/tanks"
)

func TestJoinAnswersWithEverythingTheClientNeeds(t *testing.T) {
	h := newHarness(t, nil)
	p := h.join(t, "  Ann\x07  ", "")
	if p.ack.ID == 0 || p.ack.Room == "" || p.ack.Token == "" || p.ack.TickRate != 60 || p.ack.SnapshotRate != 30 {
		t.Fatalf("incomplete ack: %+v", p.ack)
	}
	var welcome struct {
		Map    tanks.Map    `json:"map"`
		Config tanks.Config `json:"config"`
	}
	if err := json.Unmarshal(p.ack.Game, &welcome); err != nil || welcome.Map.Width == 0 || len(welcome.Map.Walls) == 0 || welcome.Config.TankMaxSpeed == 0 {
		t.Fatalf("ack game (map and config) unusable (%v): %s", err, p.ack.Game)
	}
	p.waitSnapshot("the new tank alive", aliveTank(p))
	eventually(t, "the cleaned name in the roster", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.roster) == 1 && p.roster[0].Name == "Ann" && int(p.roster[0].ID) == p.ack.ID
	})
}

func TestJoinRefusesAnEmptyName(t *testing.T) {
	h := newHarness(t, nil)
	p := h.connect(t, nil)
	reply, err := p.s.EmitWithAck(t.Context(), "join", game.JoinRequest{Name: " \x00\t "})
	if err != nil {
		t.Fatal(err)
	}
	var refused game.JoinError
	if err := reply.Decode(0, &refused); err != nil || !strings.Contains(refused.Error, "name") {
		t.Fatalf("want a refusal naming the name, got %s (%v)", reply.Raw(0), err)
	}
	if h.lobby.Rooms() != 0 {
		t.Fatalf("a refused join opened an arena")
	}
}

func TestInputsDriveTheTankAndAreAcknowledged(t *testing.T) {
	h := newHarness(t, nil)
	p := h.join(t, "Driver", "")
	spawn := p.waitSnapshot("the tank alive", aliveTank(p))
	start, _ := tankIn(&spawn, p.ack.ID)

	// Drive and turn at the tick rate for up to a few seconds, until the snapshots show both the
	// tank far from its spawn and the server acknowledging our newest inputs.
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second / 60)
		defer tick.Stop()
		for range 180 {
			<-tick.C
			p.send(1, 0.3, 1.0, false)
		}
	}()
	moved := p.waitSnapshot("the tank moved by its inputs", func(s *tanks.Snapshot) bool {
		tank, ok := tankIn(s, p.ack.ID)
		return ok && math.Hypot(tank.X-start.X, tank.Y-start.Y) > 30 && tank.Seq > 0
	})
	<-done
	tank, _ := tankIn(&moved, p.ack.ID)
	if tank.Seq > p.seq {
		t.Fatalf("server acknowledged seq %d, but only %d were sent", tank.Seq, p.seq)
	}
	last := p.waitSnapshot("the last input acknowledged", func(s *tanks.Snapshot) bool {
		tank, ok := tankIn(s, p.ack.ID)
		return ok && tank.Seq == p.seq
	})
	final, _ := tankIn(&last, p.ack.ID)
	if math.Abs(angleDiff(final.Turret, 1.0)) > 0.05 {
		t.Fatalf("turret at %.3f, aimed at 1.0", final.Turret)
	}
}

func TestSnapshotsReachOnlyTheArenasRoom(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { o.MaxPlayers = 1 })
	a := h.join(t, "A", "")
	b := h.join(t, "B", "")
	lurker := h.connect(t, nil) // connected, never joined
	if a.ack.Room == b.ack.Room {
		t.Fatalf("with one seat per arena, both players share arena %s", a.ack.Room)
	}
	if h.lobby.Rooms() != 2 {
		t.Fatalf("arenas = %d, want 2", h.lobby.Rooms())
	}
	for _, p := range []*tester{a, b} {
		other := a
		if p == a {
			other = b
		}
		for range 10 {
			s := p.waitSnapshot("any", func(*tanks.Snapshot) bool { return true })
			if _, ok := tankIn(&s, p.ack.ID); !ok {
				t.Fatalf("player %d's snapshot lacks its own tank", p.ack.ID)
			}
			if len(s.Tanks) != 1 {
				t.Fatalf("player in arena %s sees %d tanks, want only its own (other arena's tank id %d)", p.ack.Room, len(s.Tanks), other.ack.ID)
			}
		}
	}
	if n := lurker.snapshotCount(); n != 0 {
		t.Fatalf("a socket that never joined got %d snapshots", n)
	}
}

func TestReconnectWithTokenKeepsTankAndScore(t *testing.T) {
	h := newHarness(t, nil)
	p := h.join(t, "Phoenix", "")
	before := p.waitSnapshot("the tank alive", aliveTank(p))
	score, _ := scoreIn(&before, p.ack.ID)
	p.m.Close() // the connection drops

	again := h.join(t, "someone else", p.ack.Token)
	if again.ack.ID != p.ack.ID || again.ack.Room != p.ack.Room || again.ack.Token != p.ack.Token {
		t.Fatalf("reconnect got id %d arena %s, want id %d arena %s", again.ack.ID, again.ack.Room, p.ack.ID, p.ack.Room)
	}
	after := again.waitSnapshot("the same tank", func(s *tanks.Snapshot) bool {
		_, ok := tankIn(s, p.ack.ID)
		return ok
	})
	if got, _ := scoreIn(&after, p.ack.ID); got != score {
		t.Fatalf("score after reconnect %+v, before %+v", got, score)
	}
	if len(after.Tanks) != 1 {
		t.Fatalf("reconnect added a tank: %d tanks", len(after.Tanks))
	}
	eventually(t, "the original name in the roster", func() bool {
		again.mu.Lock()
		defer again.mu.Unlock()
		return len(again.roster) == 1 && again.roster[0].Name == "Phoenix"
	})
}

func TestSeatIsFreedAfterTheReconnectWindowAndTheArenaStops(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { o.ReconnectWindow = 300 * time.Millisecond })
	p := h.join(t, "Gone", "")
	if h.lobby.Rooms() != 1 {
		t.Fatalf("arenas = %d, want 1", h.lobby.Rooms())
	}
	p.m.Close()
	eventually(t, "the empty arena to stop", func() bool { return h.lobby.Rooms() == 0 })
	// The token is no longer valid: joining with it gives a new tank.
	q := h.join(t, "Back", p.ack.Token)
	if q.ack.Token == p.ack.Token {
		t.Fatalf("an expired token was honoured")
	}
}

func TestLeaveStopsTheEmptyArena(t *testing.T) {
	h := newHarness(t, nil)
	a := h.join(t, "A", "")
	b := h.join(t, "B", "")
	if a.ack.Room != b.ack.Room {
		t.Fatalf("players in different arenas although there is room")
	}
	if err := a.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	b.waitSnapshot("A's tank gone", func(s *tanks.Snapshot) bool {
		_, ok := tankIn(s, a.ack.ID)
		return !ok
	})
	if h.lobby.Rooms() != 1 {
		t.Fatalf("arena stopped while B still plays")
	}
	if err := b.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the empty arena to stop", func() bool { return h.lobby.Rooms() == 0 })
}

func TestInputFloodsAndGarbageAreDroppedAndCounted(t *testing.T) {
	h := newHarness(t, nil)
	p := h.join(t, "Flood", "")
	for _, bad := range []any{"nope", []any{1, 2}, map[string]int{"seq": 1}, []any{1, 0, 0, 0, "x"}} {
		if err := p.s.Emit("input", bad); err != nil {
			t.Fatal(err)
		}
	}
	// Far beyond 2 per tick: batches as fast as the client's bounded send queue takes them.
	sent := 0
	for range 10 {
		for range 40 {
			if p.trySend(0, 0, 0, false) == nil {
				sent++
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	if sent < 100 {
		t.Fatalf("only %d of 400 inputs left the client", sent)
	}
	eventually(t, "drops to be counted", func() bool {
		rate, _, malformed := h.lobby.Metrics().InputsDropped()
		return rate > 0 && malformed == 4
	})
	// The connection still works after all that.
	p.waitSnapshot("the tank still there", func(s *tanks.Snapshot) bool {
		_, ok := tankIn(s, p.ack.ID)
		return ok
	})
	var out strings.Builder
	if err := h.lobby.Metrics().Write(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tankarena_players 1\n", "tankarena_arenas 1\n", `tankarena_inputs_dropped_total{reason="malformed"} 4`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, out.String())
		}
	}
}

func TestLagSimulatorStillDeliversSnapshots(t *testing.T) {
	h := newHarness(t, nil)
	p := h.connect(t, map[string][]string{"lag": {"80"}, "jitter": {"20"}, "loss": {"0.2"}})
	p.join("Laggy", "")
	for range 5 {
		p.waitSnapshot("own tank despite lag and loss", func(s *tanks.Snapshot) bool {
			_, ok := tankIn(s, p.ack.ID)
			return ok
		})
	}
}

// TestLagSimulatorDelaysButNeverLosesSnapshots: through jitter and loss every snapshot
// arrives, in order, each delta on the snapshot before it, as over TCP: no snapshot skipped,
// no resync asked for.
func TestLagSimulatorDelaysButNeverLosesSnapshots(t *testing.T) {
	h := newHarness(t, nil)
	p := h.connect(t, url.Values{"lag": {"150"}, "jitter": {"30"}, "loss": {"0.05"}})
	p.join("Laggy", "")
	var snaps []tanks.Snapshot
	var resyncs int
	eventually(t, "three seconds of snapshots", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		snaps, resyncs = slices.Clone(p.snaps), p.resyncs
		return len(snaps) >= 90
	})
	if resyncs != 0 {
		t.Errorf("%d deltas arrived without their base", resyncs)
	}
	for k := 1; k < len(snaps); k++ {
		if step := snaps[k].Tick - snaps[k-1].Tick; step != 2 {
			t.Fatalf("snapshot %d is %d ticks after the one before, want 2 (every one, at 60/30 Hz)", k, step)
		}
	}
}

func angleDiff(a, b float64) float64 { return math.Remainder(a-b, 2*math.Pi) }

func TestATakenOverConnectionNoLongerSpeaksForTheSeat(t *testing.T) {
	h := newHarness(t, nil)
	old := h.join(t, "Twice", "")
	fresh := h.join(t, "Twice", old.ack.Token) // a reload before the old connection is noticed gone
	if fresh.ack.ID != old.ack.ID {
		t.Fatalf("takeover got tank %d, want %d", fresh.ack.ID, old.ack.ID)
	}
	if err := old.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	// The ack of a later event on the same connection proves "leave" was handled.
	if _, err := old.s.EmitWithAck(t.Context(), "latency", 1); err != nil {
		t.Fatal(err)
	}
	s := fresh.waitSnapshot("any", func(*tanks.Snapshot) bool { return true })
	if _, ok := tankIn(&s, fresh.ack.ID); !ok || h.lobby.Rooms() != 1 {
		t.Fatalf("the old connection's leave removed the taken-over tank")
	}
}

// TestPlayersArePlacedInRoomsOfTheKindTheyAskFor: a game offering two kinds of room (two maps)
// seats a player in a room of the kind its join names, of the first kind when it names none,
// and refuses a kind it does not offer, counted as a bad request.
func TestPlayersArePlacedInRoomsOfTheKindTheyAskFor(t *testing.T) {
	var mu sync.Mutex
	var built []string
	h := newHarness(t, func(o *game.Options[tanks.Input]) {
		o.Kinds = []string{"arena", "bunkers"}
		build := o.NewSimulation
		o.NewSimulation = func(kind string) (game.Simulation[tanks.Input], error) {
			mu.Lock()
			built = append(built, kind)
			mu.Unlock()
			return build(kind)
		}
	})
	ann := h.join(t, "Ann", "")
	bob := h.connect(t, nil)
	bob.joinWith(game.JoinRequest{Name: "Bob", Kind: "bunkers"})
	cid := h.connect(t, nil)
	cid.joinWith(game.JoinRequest{Name: "Cid", Kind: "arena"})
	if ann.ack.Kind != "arena" || bob.ack.Kind != "bunkers" || cid.ack.Kind != "arena" {
		t.Fatalf("kinds: Ann %q, Bob %q, Cid %q; want arena, bunkers, arena", ann.ack.Kind, bob.ack.Kind, cid.ack.Kind)
	}
	if ann.ack.Room != cid.ack.Room || bob.ack.Room == ann.ack.Room {
		t.Fatalf("rooms: Ann %s, Bob %s, Cid %s; want Ann and Cid together, Bob apart", ann.ack.Room, bob.ack.Room, cid.ack.Room)
	}
	mu.Lock()
	if !slices.Equal(built, []string{"arena", "bunkers"}) {
		t.Errorf("simulations built for kinds %q, want arena then bunkers", built)
	}
	mu.Unlock()
	if msg := h.connect(t, nil).refusalOf(game.JoinRequest{Name: "Dan", Kind: "moon"}); !strings.Contains(msg, "no such kind of room") {
		t.Fatalf("a join asking for an unknown kind got %q", msg)
	}
	if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="bad_request"}`); got != 1 {
		t.Fatalf("bad requests counted: %v, want 1", got)
	}
}
