package game_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/game"
	"tankarena/game/tanks"
	"tankarena/realtime/client"
)

// spectate asks to watch; it returns the answer, or the refusal's message.
func (p *tester) spectate(req game.SpectateRequest) (game.SpectateAck, string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	reply, err := p.s.EmitWithAck(ctx, "spectate", req)
	if err != nil {
		p.t.Fatalf("spectate: %v", err)
	}
	var refused game.JoinError
	if err := reply.Decode(0, &refused); err == nil && refused.Error != "" {
		return game.SpectateAck{}, refused.Error
	}
	var ack game.SpectateAck
	if err := reply.Decode(0, &ack); err != nil {
		p.t.Fatalf("spectate ack: %v", err)
	}
	return ack, ""
}

// rosterNames lists the names of the last roster received.
func (p *tester) rosterNames() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for _, e := range p.roster {
		names = append(names, e.Name)
	}
	return names
}

// TestSpectatorsWatchWithoutASeat: on a server whose only arena is full, spectators still get
// in: they get its snapshots and roster, hold no seat (a second player is refused "server full"
// all the same, and the players gauge does not move), their inputs do nothing, at most
// MaxSpectators watch, and leaving, dropping or joining frees a spectator's place.
func TestSpectatorsWatchWithoutASeat(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) {
		o.MaxPlayers, o.MaxRooms, o.MaxSpectators = 1, 1, 2
	})
	nobody := h.connect(t, nil)
	if _, refused := nobody.spectate(game.SpectateRequest{}); !strings.Contains(refused, "nothing to watch") {
		t.Fatalf("spectating an empty server: refused %q, want nothing to watch", refused)
	}

	ann := h.join(t, "ann", "")
	ann.waitSnapshot("ann's tank", aliveTank(ann))
	spec := h.connect(t, nil)
	ack, refused := spec.spectate(game.SpectateRequest{})
	if refused != "" || ack.Room != ann.ack.Room || len(ack.Game) == 0 || ack.TickRate != 60 {
		t.Fatalf("spectate: %+v, refused %q; want ann's arena %s with its welcome", ack, refused, ann.ack.Room)
	}
	spec.waitSnapshot("ann's tank, seen by the spectator", aliveTank(ann))
	eventually(t, "the spectator's roster", func() bool { return strings.Join(spec.rosterNames(), ",") == "ann" })

	if h.lobby.Spectators() != 1 {
		t.Fatalf("%d spectators, want 1", h.lobby.Spectators())
	}
	if p, s := metric(t, h.lobby, "tankarena_players"), metric(t, h.lobby, "tankarena_spectators"); p != 1 || s != 1 {
		t.Fatalf("metrics count %v players and %v spectators, want 1 and 1", p, s)
	}
	bob := h.connect(t, nil)
	if _, refused := bob.spectate(game.SpectateRequest{}); refused != "" {
		t.Fatalf("the second spectator was refused: %s", refused)
	}
	if _, refused := nobody.spectate(game.SpectateRequest{}); !strings.Contains(refused, "no room for more spectators") {
		t.Fatalf("a third spectator over -max-spectators 2: refused %q", refused)
	}
	if _, refused := nobody.spectate(game.SpectateRequest{Kind: "moon"}); !strings.Contains(refused, "nothing to watch") {
		t.Fatalf("spectating a kind nobody plays: refused %q", refused)
	}

	// Inputs from a spectator are ignored: no tank of its own, nothing counted as accepted.
	inputsBefore := metric(t, h.lobby, "tankarena_inputs_total")
	for range 30 {
		spec.send(1, 1, 0, true)
	}
	_ = spec.s.Emit("input", "junk", -5)
	_ = spec.s.Emit("resync") // asks for a keyframe: harmless
	from := spec.snapshotCount()
	eventually(t, "snapshots after the spectator's inputs", func() bool { return spec.snapshotCount() > from+10 })
	spec.mu.Lock()
	last := spec.snaps[len(spec.snaps)-1]
	spec.mu.Unlock()
	if len(last.Tanks) != 1 {
		t.Fatalf("after the spectator's inputs the arena has %d tanks, want ann's alone", len(last.Tanks))
	}
	// ann sends none, so nothing may have been accepted since.
	if got := metric(t, h.lobby, "tankarena_inputs_total"); got != inputsBefore {
		t.Fatalf("inputs accepted went from %v to %v while only the spectator sent any", inputsBefore, got)
	}

	// Spectators do not count against -max-players: the arena is still full for a player.
	carl := h.connect(t, nil)
	if refusal := carl.refusal("carl"); !strings.Contains(refusal, "server full") {
		t.Fatalf("a second player with one seat taken and two spectators: refused %q, want server full", refusal)
	}

	// Leaving frees the place, as does a disconnect.
	if err := spec.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the spectator gone after leave", func() bool { return h.lobby.Spectators() == 1 })
	bob.m.Close()
	eventually(t, "the spectator gone after its disconnect", func() bool { return h.lobby.Spectators() == 0 })
	if _, refused := nobody.spectate(game.SpectateRequest{Room: ann.ack.Room}); refused != "" {
		t.Fatalf("spectating the named room once places are free: refused %q", refused)
	}
	if n := metric(t, h.lobby, `tankarena_spectates_refused_total{reason="full"}`); n != 1 {
		t.Fatalf("%v refusals over the limit counted, want 1", n)
	}

	// The arena closing tells its spectator.
	unwatched := nobody.unwatched()
	if err := ann.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	if msg := waitMessage(t, unwatched, "the spectator told its arena closed"); !strings.Contains(msg, "closed") {
		t.Fatalf("unwatched %q", msg)
	}
	eventually(t, "no spectator left", func() bool { return h.lobby.Spectators() == 0 })
	if p, s := metric(t, h.lobby, "tankarena_players"), metric(t, h.lobby, "tankarena_spectators"); p != 0 || s != 0 {
		t.Fatalf("after everyone left the metrics count %v players and %v spectators", p, s)
	}
}

// TestASpectatorJoinsToPlay: a spectator that joins stops watching and plays; a player that
// spectates gives up its seat at once.
func TestASpectatorJoinsToPlay(t *testing.T) {
	h := newHarness(t, nil)
	ann := h.join(t, "ann", "")
	spec := h.connect(t, nil)
	if _, refused := spec.spectate(game.SpectateRequest{}); refused != "" {
		t.Fatal(refused)
	}
	spec.join("sam", "")
	if h.lobby.Spectators() != 0 {
		t.Fatalf("%d spectators after the spectator joined, want 0", h.lobby.Spectators())
	}
	spec.waitSnapshot("sam's tank", aliveTank(spec))
	if spec.ack.Room != ann.ack.Room {
		t.Fatalf("sam plays in %s, ann in %s", spec.ack.Room, ann.ack.Room)
	}
	if _, refused := spec.spectate(game.SpectateRequest{}); refused != "" {
		t.Fatal(refused)
	}
	ann.waitSnapshot("sam's tank gone", func(s *tanks.Snapshot) bool { _, ok := tankIn(s, spec.ack.ID); return !ok })
	if h.lobby.Spectators() != 1 {
		t.Fatalf("%d spectators after the player chose to watch, want 1", h.lobby.Spectators())
	}
}

// TestASpectatorOnASimulatedBadNetwork: a spectator that asks for the lag simulator gets its
// snapshots and the roster through it, in order, as a player does.
func TestASpectatorOnASimulatedBadNetwork(t *testing.T) {
	h := newHarness(t, nil)
	ann := h.join(t, "ann", "")
	spec := h.connect(t, url.Values{"lag": {"60"}, "jitter": {"20"}})
	if _, refused := spec.spectate(game.SpectateRequest{}); refused != "" {
		t.Fatal(refused)
	}
	spec.waitSnapshot("ann's tank through the lag simulator", aliveTank(ann))
	eventually(t, "the roster through the lag simulator", func() bool { return strings.Join(spec.rosterNames(), ",") == "ann" })
	bob := h.join(t, "bob", "")
	eventually(t, "the new roster through the lag simulator", func() bool { return len(spec.rosterNames()) == 2 })
	spec.waitSnapshot("bob's tank", aliveTank(bob))
}

// TestASpectatorIsLetGoWhenItsArenaRestarts: an arena restarted after a panic starts a fresh
// world, so its spectators are told "unwatched" (they hold no seat to re-join) and may watch
// again.
func TestASpectatorIsLetGoWhenItsArenaRestarts(t *testing.T) {
	h := newHarness(t, nil)
	ann := h.join(t, "ann", "")
	spec := h.connect(t, nil)
	unwatched := spec.unwatched()
	if _, refused := spec.spectate(game.SpectateRequest{Room: ann.ack.Room}); refused != "" {
		t.Fatal(refused)
	}
	spec.waitSnapshot("ann's tank", aliveTank(ann))
	injectPanics(t, ann.ack.Room, 1)
	if msg := waitMessage(t, unwatched, "the spectator let go"); !strings.Contains(msg, "restarted") {
		t.Fatalf("unwatched %q", msg)
	}
	eventually(t, "no spectator counted", func() bool { return h.lobby.Spectators() == 0 })
	ann.rejoin()
	if _, refused := spec.spectate(game.SpectateRequest{}); refused != "" {
		t.Fatalf("watching the restarted arena: %s", refused)
	}
	spec.waitSnapshot("ann's re-seated tank", aliveTank(ann))
}

// TestAMalformedSpectateIsRefused: a spectate with a payload that is not an object is refused, and the connection may still
// watch.
func TestAMalformedSpectateIsRefused(t *testing.T) {
	h := newHarness(t, nil)
	h.join(t, "ann", "")
	spec := h.connect(t, nil)
	for _, bad := range []any{42, "arena", []int{1}} {
		reply, err := spec.s.EmitWithAck(t.Context(), "spectate", bad)
		if err != nil {
			t.Fatal(err)
		}
		var refused game.JoinError
		if err := reply.Decode(0, &refused); err != nil || !strings.Contains(refused.Error, "spectate takes") {
			t.Fatalf("spectate %v: answer %s", bad, reply.Raw(0))
		}
	}
	if _, refused := spec.spectate(game.SpectateRequest{}); refused != "" || h.lobby.Spectators() != 1 {
		t.Fatalf("after the malformed ones: refused %q, %d spectators", refused, h.lobby.Spectators())
	}
}

// unwatched returns a channel of the messages of the "unwatched" events the tester gets.
func (p *tester) unwatched() <-chan string {
	ch := make(chan string, 4)
	p.s.On("unwatched", func(ev *client.Event) {
		var notice game.UnwatchedNotice
		_ = ev.Decode(0, &notice)
		ch <- notice.Message
	})
	return ch
}

// waitMessage waits for a message on ch, within the patience.
func waitMessage(t *testing.T, ch <-chan string, what string) string {
	t.Helper()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(waitFor):
		t.Fatalf("timed out waiting for %s", what)
		return ""
	}
}

// BenchmarkTicksWithSpectators measures an arena's ticks (one op is one tick, at 60 Hz) with 15
// bots and a player on a real connection, alone and with 32 spectators on real connections,
// and reports the percentiles of the time a tick takes: what spectators cost a tick is one
// send each on the snapshot ticks, never an encoding. The player decodes its snapshots on the
// same machine, the spectators only read and drop theirs; run it on a quiet machine:
//
//	go test -run '^$' -bench TicksWithSpectators -benchtime 1200x ./game/
func BenchmarkTicksWithSpectators(b *testing.B) {
	for _, spectators := range []int{0, game.DefaultMaxSpectators} {
		b.Run(fmt.Sprintf("%d-spectators", spectators), func(b *testing.B) {
			rec := &tickRecorder{}
			b.Cleanup(game.SetTickObserver(rec.observe))
			h := newHarness(b, func(o *game.Options[tanks.Input]) {
				o.JoinRate = -1 // every spectator is 127.0.0.1
				o.Logger = slog.New(slog.DiscardHandler)
				o.NewSimulation = tankSimulations(b, tanks.DefaultConfig(), 16)
			})
			player := h.join(b, "Player", "")
			for range spectators {
				watchRaw(b, h.url)
			}
			player.waitSnapshot("a snapshot with every spectator in", func(*tanks.Snapshot) bool { return true })
			rec.take()
			b.ResetTimer()
			for rec.count() < b.N {
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			ticks := rec.take()
			b.ReportMetric(float64(percentile(ticks, 0.5).Microseconds()), "p50-µs/tick")
			b.ReportMetric(float64(percentile(ticks, 0.99).Microseconds()), "p99-µs/tick")
		})
	}
}

// watchRaw spectates over a bare websocket that reads and drops everything (answering pings),
// for as long as the test runs: a spectator that costs its machine next to nothing.
func watchRaw(tb testing.TB, base string) {
	tb.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		tb.Fatalf("dial: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(waitFor))
	readUntil := func(prefix string) {
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				tb.Fatalf("waiting for %q: %v", prefix, err)
			}
			if strings.HasPrefix(string(data), prefix) {
				return
			}
		}
	}
	readUntil("0{")
	for _, step := range []struct{ send, await string }{{"40", "40"}, {`420["spectate",{}]`, "430[{\"room\""}} {
		if err := c.WriteMessage(websocket.TextMessage, []byte(step.send)); err != nil {
			tb.Fatal(err)
		}
		readUntil(step.await)
	}
	_ = c.SetReadDeadline(time.Time{})
	go func() {
		for {
			_, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if string(data) == "2" {
				_ = c.WriteMessage(websocket.TextMessage, []byte("3"))
			}
		}
	}()
}
