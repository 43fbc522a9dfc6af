package game_test

import (
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"tankarena/game"
	"tankarena/game/tanks"
	"tankarena/internal/testenv"
)

// injectPanics makes arena victim's loop panic on the next times ticks.
func injectPanics(t *testing.T, victim string, times int32) {
	var left atomic.Int32
	left.Store(times)
	remove := game.SetStepHook(func(id string) {
		if id == victim && left.Add(-1) >= 0 {
			panic("injected by the test")
		}
	})
	t.Cleanup(remove)
}

// rejoin answers a "restart" as the clients do: join again with the name and token.
func (p *tester) rejoin() {
	p.t.Helper()
	select {
	case <-p.restarts:
	case <-p.t.Context().Done():
	}
	p.join(p.name, p.ack.Token)
}

func TestAPanicInTheLoopRestartsOnlyThatArena(t *testing.T) {
	logs := &testenv.SyncBuffer{} // the arenas' goroutines write it while the test reads it
	h := newHarness(t, func(o *game.Options[tanks.Input]) {
		o.MaxPlayers = 2
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	a, b := h.join(t, "Ann", ""), h.join(t, "Bob", "")
	other := h.join(t, "Cid", "") // the first arena is full: Cid plays in the second
	if a.ack.Room != b.ack.Room || other.ack.Room == a.ack.Room {
		t.Fatalf("arenas: Ann %s, Bob %s, Cid %s", a.ack.Room, b.ack.Room, other.ack.Room)
	}
	before := other.snapshotCount()

	injectPanics(t, a.ack.Room, 1)
	for _, p := range []*tester{a, b} {
		p.rejoin()
		if p.ack.Room != a.ack.Room {
			t.Fatalf("%s re-seated in arena %s, want its own arena back", p.s.ID(), p.ack.Room)
		}
		p.waitSnapshot("the re-seated tank alive", aliveTank(p))
	}
	// The same seat: a second join with the token does not add a tank.
	eventually(t, "the restarted arena's roster with both players", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(a.roster) == 2
	})
	eventually(t, "the other arena playing on", func() bool { return other.snapshotCount() > before+10 })
	select {
	case msg := <-other.restarts:
		t.Fatalf("a player of the healthy arena was told %q", msg)
	default:
	}
	if p, r := metric(t, h.lobby, "tankarena_arena_panics_total"), metric(t, h.lobby, "tankarena_arena_restarts_total"); p != 1 || r != 1 {
		t.Fatalf("panics %v, restarts %v; want 1 and 1", p, r)
	}
	if log := logs.String(); !strings.Contains(log, "injected by the test") || !strings.Contains(log, "recover_test.go") {
		t.Fatalf("the panic was not logged with its stack:\n%s", log)
	}
}

func TestAnArenaThatKeepsPanickingIsRetiredAndItsPlayersPlacedElsewhere(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { o.Logger = slog.New(slog.DiscardHandler) })
	p := h.join(t, "Unlucky", "")
	broken := p.ack.Room
	injectPanics(t, broken, 1000)
	// Every restart is announced; the client re-joins each time, and after the last one the
	// arena is gone and the join places it in a fresh arena.
	for p.ack.Room == broken {
		p.rejoin()
	}
	p.waitSnapshot("the tank alive in the new arena", aliveTank(p))
	if got := metric(t, h.lobby, "tankarena_arenas"); got != 1 {
		t.Fatalf("%v arenas running, want only the new one", got)
	}
	if got := metric(t, h.lobby, "tankarena_players"); got != 1 {
		t.Fatalf("%v players counted, want 1", got)
	}
}
