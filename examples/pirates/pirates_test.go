package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/internal/gametest"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// waitFor bounds a wait for something that must happen; it never asserts speed.
var waitFor = testenv.Patience(30 * time.Second)

// startServer runs the game, with the flags args, on a loopback port until the test ends, and
// returns its URL.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	_, url := gametest.Serve(t, pirates, append([]string{"-admit-when-busy"}, args...)...)
	return url
}

// pirate is a test player on a real Socket.IO connection (the Go client). It decodes every
// snapshot into a world, and while sailing it steers to the doubloon on each one, as a player
// at the arrow keys would.
type pirate struct {
	t       *testing.T
	m       *client.Manager
	s       *client.Socket
	ack     game.JoinAck
	fresh   chan struct{} // a snapshot arrived since the last look
	mu      sync.Mutex
	latest  *world
	roster  []player
	sailing bool
	seq     uint32
}

// join connects to url and joins as name, with a reconnect token or "".
func join(t *testing.T, url, name, token string) *pirate {
	t.Helper()
	p := connect(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	reply, err := p.s.EmitWithAck(ctx, "join", game.JoinRequest{Name: name, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if err := reply.Decode(0, &p.ack); err != nil || p.ack.Token == "" {
		t.Fatalf("join as %s: %v, ack %s", name, err, reply.Raw(0))
	}
	p.seq = p.ack.Seq
	return p
}

// connect opens a connection to url that receives snapshots and rosters, without joining.
func connect(t *testing.T, url string) *pirate {
	t.Helper()
	m, err := client.NewManager(url, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &pirate{t: t, m: m, s: s, fresh: make(chan struct{}, 1)}
	s.On("snapshot", p.onSnapshot)
	s.On("roster", func(ev *client.Event) {
		var list []player
		if err := ev.Decode(0, &list); err != nil {
			t.Errorf("roster: %v", err)
		}
		p.mu.Lock()
		p.roster = list
		p.mu.Unlock()
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *pirate) onSnapshot(ev *client.Event) {
	var frame []byte
	w := &world{}
	err := ev.Decode(0, &frame)
	var body []byte
	if err == nil {
		_, _, body, err = game.ParseSnapshotFrame(frame) // the runtime's header, then our JSON
	}
	if err == nil {
		err = json.Unmarshal(body, w)
	}
	if err != nil {
		p.t.Errorf("snapshot %q: %v", frame, err)
		return
	}
	p.mu.Lock()
	p.latest = w
	if p.sailing { // only after join: snapshots come before the ack is read
		if me := w.player(p.ack.ID); me != nil {
			p.seq++
			steer := func(to, at int64) int64 { return max(min((to-at)/speed, 1), -1) } // none within a step
			_ = p.s.Emit("input", Input{int64(p.seq), steer(w.Coin[0], me.X), steer(w.Coin[1], me.Y)})
		}
	}
	p.mu.Unlock()
	select {
	case p.fresh <- struct{}{}:
	default:
	}
}

// sail starts or stops steering to the doubloon; stopping sends one input with no arrows held.
func (p *pirate) sail(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sailing = on
	if !on {
		p.seq++
		_ = p.s.Emit("input", Input{int64(p.seq), 0, 0})
	}
}

// waitSnapshot waits until a snapshot satisfies ok, and returns it.
func (p *pirate) waitSnapshot(what string, ok func(*world) bool) *world {
	p.t.Helper()
	deadline := time.After(waitFor)
	for {
		p.mu.Lock()
		w := p.latest
		p.mu.Unlock()
		if w != nil && ok(w) {
			return w
		}
		select {
		case <-p.fresh:
		case <-deadline:
			p.t.Fatalf("%s: no snapshot in %v shows it; the last: %+v", what, waitFor, w)
		}
	}
}

// player finds a player by id in a decoded snapshot, or nil.
func (w *world) player(id int) *player {
	if i := slices.IndexFunc(w.Players, func(p *player) bool { return p.ID == id }); i >= 0 {
		return w.Players[i]
	}
	return nil
}

// score is the score a snapshot shows for the player id, -1 when it shows no such player.
func (w *world) score(id int) int {
	if p := w.player(id); p != nil {
		return p.Score
	}
	return -1
}

// TestTwoPiratesCollectDoubloons: two players in one room sail to the doubloon in turn; each
// scores, the doubloon moves, and each sees the other's score in the snapshots and the roster.
func TestTwoPiratesCollectDoubloons(t *testing.T) {
	url := startServer(t)
	anne, mary := join(t, url, "Anne", ""), join(t, url, "Mary", "")
	if anne.ack.Room != mary.ack.Room || anne.ack.ID == mary.ack.ID {
		t.Fatalf("acks %+v and %+v: want one room, two players", anne.ack, mary.ack)
	}
	if string(anne.ack.Game) != `{"w":640,"h":480,"size":20}` {
		t.Errorf("welcome %s", anne.ack.Game)
	}
	first := anne.waitSnapshot("both on the field", func(w *world) bool { return len(w.Players) == 2 })
	for _, p := range []*pirate{anne, mary} {
		p.sail(true)
		p.waitSnapshot(fmt.Sprintf("player %d scored", p.ack.ID), func(w *world) bool { return w.score(p.ack.ID) > 0 })
		p.sail(false)
	}
	last := mary.waitSnapshot("Anne's score seen by Mary", func(w *world) bool { return w.score(anne.ack.ID) > 0 })
	if last.Coin == first.Coin {
		t.Errorf("the doubloon stayed at %v", first.Coin)
	}
	rosterScores := func() (a, m int) {
		anne.mu.Lock()
		defer anne.mu.Unlock()
		for _, p := range anne.roster {
			switch p.ID {
			case anne.ack.ID:
				a = p.Score
			case mary.ack.ID:
				m = p.Score
			}
		}
		return a, m
	}
	anne.waitSnapshot("both scores in Anne's roster", func(*world) bool { a, m := rosterScores(); return a > 0 && m > 0 })
}

// TestReconnectKeepsScore: a player who drops and joins again with its token within the
// reconnect window gets back its square, as the same player, with its score.
func TestReconnectKeepsScore(t *testing.T) {
	url := startServer(t)
	anne := join(t, url, "Anne", "")
	anne.sail(true)
	scored := anne.waitSnapshot("Anne scored", func(w *world) bool { return w.score(anne.ack.ID) > 0 })
	anne.sail(false)
	anne.m.Close() // the connection drops, as on a reload

	again := join(t, url, "Anne", anne.ack.Token)
	if again.ack.ID != anne.ack.ID || again.ack.Room != anne.ack.Room || again.ack.Token != anne.ack.Token {
		t.Fatalf("ack after the reconnect %+v, want the seat of %+v", again.ack, anne.ack)
	}
	w := again.waitSnapshot("a snapshot after the reconnect", func(*world) bool { return true })
	if got, want := w.score(anne.ack.ID), scored.score(anne.ack.ID); got < want || len(w.Players) != 1 {
		t.Errorf("after the reconnect: score %d (before %d), %d players; want the score kept, one square", got, want, len(w.Players))
	}
}

// TestASpectatorWatchesThePirates: the runtime's spectating works for this game too: a
// spectator of a full room (-max-players 1) gets its snapshots and roster with no square of its
// own.
func TestASpectatorWatchesThePirates(t *testing.T) {
	url := startServer(t, "-max-players", "1")
	anne := join(t, url, "Anne", "")
	watcher := connect(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	reply, err := watcher.s.EmitWithAck(ctx, "spectate", game.SpectateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var ack game.SpectateAck
	if err := reply.Decode(0, &ack); err != nil || ack.Room != anne.ack.Room || string(ack.Game) != `{"w":640,"h":480,"size":20}` {
		t.Fatalf("spectate answer %s (%v), want Anne's room %s and the welcome", reply.Raw(0), err, anne.ack.Room)
	}
	anne.sail(true)
	w := watcher.waitSnapshot("Anne scoring, seen by the spectator", func(w *world) bool { return w.score(anne.ack.ID) > 0 })
	if len(w.Players) != 1 {
		t.Fatalf("%d squares with a spectator watching, want Anne's alone", len(w.Players))
	}
}

// TestRoomsFillAndOpen: with -max-players 2 the third player gets a room of its own.
func TestRoomsFillAndOpen(t *testing.T) {
	url := startServer(t, "-max-players", "2")
	a, b, c := join(t, url, "A", ""), join(t, url, "B", ""), join(t, url, "C", "")
	if a.ack.Room != b.ack.Room || c.ack.Room == a.ack.Room {
		t.Errorf("rooms %s, %s, %s: want the first two together, the third apart", a.ack.Room, b.ack.Room, c.ack.Room)
	}
}

// TestServesPageKitAndMetrics: the host serves the page, the kit, /healthz and the game's
// series on /metrics under the namespace "pirates".
func TestServesPageKitAndMetrics(t *testing.T) {
	url := startServer(t)
	join(t, url, "Anne", "")
	for path, want := range map[string]string{
		"/":           "/kit/kit.js",
		"/kit/kit.js": "export { Connection }",
		"/healthz":    "ok",
		"/metrics":    "pirates_players 1",
	} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %s, want 200 with %q in:\n%.400s", path, resp.Status, want, body)
		}
	}
}

// TestParseInput: arrows come as -1, 0 or 1 (more is clamped), anything but three integers is
// refused.
func TestParseInput(t *testing.T) {
	for raw, want := range map[string]Input{`[7,1,-1]`: {7, 1, -1}, `[8,5,-9]`: {8, 1, -1}, `[9,0,0]`: {9, 0, 0}} {
		if got, err := parseInput(json.RawMessage(raw)); err != nil || got != want {
			t.Errorf("parseInput(%s) = %v, %v; want %v", raw, got, err, want)
		}
	}
	for _, raw := range []string{`[1.5,0,0]`, `["1",0,0]`, `{"seq":1}`, `null1`} {
		if _, err := parseInput(json.RawMessage(raw)); err == nil {
			t.Errorf("parseInput(%s): no error", raw)
		}
	}
}
