package game_test

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/tanks"
)

// metric reads one series from the lobby's Prometheus text, as a scraper would.
func metric(t testing.TB, l *game.Lobby[tanks.Input], series string) float64 {
	t.Helper()
	var buf bytes.Buffer
	if err := l.Metrics().Write(&buf); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), " "); ok && name == series {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatalf("%s: %v", series, err)
			}
			return v
		}
	}
	t.Fatalf("no series %s in the metrics", series)
	return 0
}

// refusal joins and returns the error in the ack ("" when the join was accepted).
func (p *tester) refusal(name string) string {
	p.t.Helper()
	return p.refusalOf(game.JoinRequest{Name: name})
}

// refusalOf is refusal for a whole join request.
func (p *tester) refusalOf(req game.JoinRequest) string {
	p.t.Helper()
	reply, err := p.s.EmitWithAck(p.t.Context(), "join", req)
	if err != nil {
		p.t.Fatal(err)
	}
	var refused game.JoinError
	if err := reply.Decode(0, &refused); err != nil {
		p.t.Fatalf("join reply %s: %v", reply.Raw(0), err)
	}
	return refused.Error
}

func TestJoinIsRefusedWhenEveryArenaIsFullAndNoMoreMayOpen(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { o.MaxPlayers = 1; o.MaxRooms = 2 })
	first, second := h.join(t, "One", ""), h.join(t, "Two", "")
	if first.ack.Room == second.ack.Room {
		t.Fatalf("both players in arena %s with one seat per arena", first.ack.Room)
	}
	third := h.connect(t, nil)
	if msg := third.refusal("Three"); !strings.Contains(msg, "server full") || !strings.Contains(msg, "2 arenas") {
		t.Fatalf("third join: want a server-full refusal naming the limit, got %q", msg)
	}
	if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="server_full"}`); got != 1 {
		t.Fatalf("server_full refusals counted: %v, want 1", got)
	}
	if h.lobby.Rooms() != 2 {
		t.Fatalf("%d arenas running, limit 2", h.lobby.Rooms())
	}
	// A seat that frees up is given to the next join.
	if err := first.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the freed seat taken", func() bool { return third.refusal("Three") == "" })
}

func TestNamesAreCutToTheConfiguredLength(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { o.MaxNameLength = 4 })
	p := h.join(t, "Annabelle", "")
	eventually(t, "the cut name in the roster", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.roster) == 1 && p.roster[0].Name == "Anna"
	})
	if got := metric(t, h.lobby, "tankarena_names_cut_total"); got != 1 {
		t.Fatalf("names cut: %v, want 1", got)
	}
}

func TestInputsBeyondTheConfiguredRateAreDroppedAndCounted(t *testing.T) {
	// Inputs are taken on arrival, not through the realtime server's per-socket event queue,
	// so a flood of any size is counted (bursts have a test of their own); the client's send
	// queue may refuse some of it, hence sent.
	const rate, flood = 6, 200
	h := newHarness(t, func(o *game.Options[tanks.Input]) { o.InputRate = rate })
	p := h.join(t, "Flooder", "")
	begin := time.Now()
	sent := 0
	for range flood {
		if p.trySend(0, 0, 0, false) == nil {
			sent++
		}
	}
	eventually(t, "every input accepted or dropped", func() bool {
		accepted := metric(t, h.lobby, "tankarena_inputs_total")
		dropped := metric(t, h.lobby, `tankarena_inputs_dropped_total{reason="rate"}`)
		return int(accepted+dropped) == sent
	})
	// The bucket holds a burst of 32 and refills at rate per second: nothing beyond that passes,
	// however slowly this machine delivered the flood.
	allowed := 32 + rate*time.Since(begin).Seconds() + 1
	if accepted := metric(t, h.lobby, "tankarena_inputs_total"); accepted > allowed {
		t.Fatalf("%v of %d inputs accepted, the limit allows %.0f", accepted, sent, allowed)
	}
}
