package main

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/host"
	"tankarena/internal/gametest"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// startNode is startServer that also returns the server, for a test to broadcast from it.
func startNode(t *testing.T, flags ...string) (*host.Server, string) {
	t.Helper()
	return gametest.Serve(t, tankArena(), append([]string{"-admit-when-busy"}, flags...)...)
}

// player is a client seated on a node, recording what it hears.
type player struct {
	s         *client.Socket
	snapshots atomic.Int64

	mu      sync.Mutex
	rosters []string // each roster as it came, raw
	notes   []string
}

// connectPlayer connects a player to the node at base, without joining: it counts the
// snapshots and keeps the rosters and notes it gets.
func connectPlayer(t *testing.T, base string) *player {
	t.Helper()
	m, err := client.NewManager(base, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &player{s: s}
	s.On("snapshot", func(*client.Event) { p.snapshots.Add(1) })
	s.On("roster", func(ev *client.Event) {
		p.mu.Lock()
		p.rosters = append(p.rosters, string(ev.Raw(0)))
		p.mu.Unlock()
	})
	s.On("note", func(ev *client.Event) {
		var note string
		_ = ev.Decode(0, &note)
		p.mu.Lock()
		p.notes = append(p.notes, note)
		p.mu.Unlock()
	})
	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

// seat connects a player to base and joins the game as name.
func seat(t *testing.T, base, name string) *player {
	t.Helper()
	p := connectPlayer(t, base)
	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	reply, err := p.s.EmitWithAck(ctx, "join", game.JoinRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		game.JoinAck
		game.JoinError
	}
	if err := reply.Decode(0, &answer); err != nil || answer.Error != "" {
		t.Fatalf("join %s: %s (%v)", name, reply.Raw(0), err)
	}
	return p
}

// heard reports whether the player got a roster naming name, and its notes so far.
func (p *player) heard(name string) (inRoster bool, notes []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.rosters {
		if strings.Contains(r, `"`+name+`"`) {
			inRoster = true
		}
	}
	return inRoster, append([]string(nil), p.notes...)
}

// waitFor polls cond until it holds, failing the test after waitLong.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", waitLong, what)
		}
		time.Sleep(20 * time.Millisecond) // polling a condition, with a deadline
	}
}

// TestTwoNodesOnOneRedis: two tank servers started with -redis on one Redis. A broadcast to
// the namespace on one node reaches the players of the other; the game's own broadcasts (each
// node's arena-1 roster) stay on their node, though both nodes run a room of that name.
func TestTwoNodesOnOneRedis(t *testing.T) {
	r := testenv.Redis(t)
	a, urlA := startNode(t, "-redis", r.URL())
	_, urlB := startNode(t, "-redis", r.URL())
	alice := seat(t, urlA, "alice")
	bob := seat(t, urlB, "bob")
	waitFor(t, "alice's roster naming her", func() bool { in, _ := alice.heard("alice"); return in })
	waitFor(t, "bob's roster naming him", func() bool { in, _ := bob.heard("bob"); return in })

	// One publish queue: had the local note crossed, it would arrive before the public one.
	ns := a.Realtime().Of("/")
	if err := ns.Local().Emit("note", "local"); err != nil {
		t.Fatal(err)
	}
	if err := ns.Emit("note", "everyone"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the note from node A on node B", func() bool { _, notes := bob.heard(""); return len(notes) > 0 })
	if in, notes := bob.heard("alice"); in || notes[0] != "everyone" {
		t.Errorf("bob on node B heard notes %q, alice in his roster: %v; want only the broadcast to everyone", notes, in)
	}
	if _, notes := alice.heard(""); len(notes) != 2 {
		waitFor(t, "both notes on node A", func() bool { _, notes := alice.heard(""); return len(notes) == 2 })
	}
	metrics := getBody(t, urlA+"/metrics")
	for _, want := range []string{"tankarena_redis_up 1", `tankarena_redis_messages_total{outcome="published"}`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if got := getBody(t, urlA+"/healthz"); got != "ok\n" {
		t.Errorf("/healthz = %q, want ok", got)
	}
}

// TestUnreachableRedisStopsTheStart: a node told to use a Redis that does not answer refuses
// to start, naming the address, instead of running alone (which would split the cluster).
func TestUnreachableRedisStopsTheStart(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // a port nothing listens on
	_, err = host.NewGame(t.Context(), tankArena(), []string{"-redis", "redis://" + addr + "/0"})
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("NewGame with an unreachable Redis: %v; want an error naming %s", err, addr)
	}
	if _, err := host.NewGame(t.Context(), tankArena(), []string{"-redis", "http://" + addr}); err == nil || !strings.Contains(err.Error(), "redis") {
		t.Fatalf("NewGame with a bad -redis URL: %v; want an error naming the flag", err)
	}
}

// TestRedisLostMidGame: Redis stops while players play. Each node's game goes on (its
// players keep getting snapshots), /healthz says the node is degraded and /metrics has
// redis_up 0 and the broadcasts that could not cross; once Redis is back, the nodes are
// healthy and broadcasts cross again.
func TestRedisLostMidGame(t *testing.T) {
	r := testenv.Redis(t)
	a, urlA := startNode(t, "-redis", r.URL())
	_, urlB := startNode(t, "-redis", r.URL())
	alice := seat(t, urlA, "alice")
	bob := seat(t, urlB, "bob")

	r.Stop()
	waitFor(t, "node A's /healthz to say it is degraded", func() bool {
		return getBody(t, urlA+"/healthz") == "degraded: redis unreachable at "+r.Addr()+"\n"
	})
	if !strings.Contains(getBody(t, urlA+"/metrics"), "tankarena_redis_up 0") {
		t.Error("/metrics lacks tankarena_redis_up 0 while Redis is away")
	}
	before := alice.snapshots.Load()
	waitFor(t, "alice's snapshots to go on without Redis", func() bool { return alice.snapshots.Load() > before+10 })
	_ = a.Realtime().Of("/").Emit("note", "lost")
	waitFor(t, "the lost broadcast to be counted", func() bool {
		m := getBody(t, urlA+"/metrics")
		return metricValue(m, `tankarena_redis_messages_total{outcome="failed"}`)+metricValue(m, `tankarena_redis_messages_total{outcome="dropped"}`) > 0
	})

	r.Start()
	for _, url := range []string{urlA, urlB} {
		waitFor(t, url+"/healthz to say ok again", func() bool { return getBody(t, url+"/healthz") == "ok\n" })
	}
	// The subscriptions come back with the connection: keep broadcasting until one crosses.
	waitFor(t, "a broadcast from node A to reach node B again", func() bool {
		_ = a.Realtime().Of("/").Emit("note", "back")
		_, notes := bob.heard("")
		return len(notes) > 0
	})
	if _, notes := bob.heard(""); notes[0] != "back" {
		t.Errorf("bob heard %q after Redis came back, want only \"back\"", notes)
	}
	before = bob.snapshots.Load()
	waitFor(t, "bob's snapshots to go on", func() bool { return bob.snapshots.Load() > before+10 })
}
