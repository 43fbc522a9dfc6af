package game

import (
	"strconv"
	"testing"

	"tankarena/game/tanks"
)

// TestSpectatorsShareThePlayersEncodings: a room's spectators get every snapshot its players
// get, from the same encodings: with 32 spectators watching 4 players a send still encodes one
// frame (a delta, all on the same base) and allocates what it does without them, and a
// spectator's stream decodes from its first keyframe on, as a player's does.
func TestSpectatorsShareThePlayersEncodings(t *testing.T) {
	a := testArena(t, 0)
	players := make([]*countingPeer, 4)
	seats := make([]*player[tanks.Input], len(players))
	for i := range players {
		players[i] = &countingPeer{}
		p, err := a.join("P", strconv.Itoa(i), players[i], lagOf(LagProfile{}))
		if err != nil {
			t.Fatal(err)
		}
		seats[i] = p
	}
	watched := &client{peer: &recordingPeer{}}
	a.watch(watched.peer, lagOf(LagProfile{}))
	watchers := make([]*countingPeer, 31)
	for i := range watchers {
		watchers[i] = &countingPeer{}
		a.watch(watchers[i], lagOf(LagProfile{}))
	}
	if got := a.spectators(); got != 32 || a.humans() != 4 {
		t.Fatalf("%d spectators and %d seats, want 32 and 4: spectators hold no seat", got, a.humans())
	}
	tick := 0
	step := func(send bool) {
		tick++
		for i, p := range seats {
			a.input(p, players[i], tanks.Input{Seq: uint32(tick), Throttle: 1, Turn: 0.3})
		}
		a.tick(send)
	}
	for range 240 {
		step(tick%2 == 0)
		watched.receive(t)
	}
	if watched.kinds[0] != "key" || len(watched.kinds) != 120 {
		t.Fatalf("the spectator got %d snapshots starting with a %s, want 120 from a keyframe", len(watched.kinds), watched.kinds[0])
	}
	for a.stream.sent%a.keyframeEvery() != 1 {
		step(false)
		step(true)
	}
	const runs = 20
	if n := testing.AllocsPerRun(runs, func() { step(false); step(true) }); n != 2 {
		t.Errorf("with 32 spectators a send allocates %v times, want 2 as without them (one frame, boxed once)", n)
	}
	if len(a.stream.encoded) != 1 {
		t.Errorf("a steady send encoded %d frames for 4 players and 32 spectators, want 1", len(a.stream.encoded))
	}
	for i, w := range watchers {
		if w.snapshots != players[0].snapshots {
			t.Fatalf("spectator %d got %d snapshots, the players %d", i, w.snapshots, players[0].snapshots)
		}
	}
	// Leaving is clean: the room forgets the spectator, and a second unwatch does nothing.
	w := a.watchers[0]
	a.unwatch(w)
	a.unwatch(w)
	if got := a.spectators(); got != 31 || a.opts.Metrics.spectators.Load() != 31 {
		t.Fatalf("after one left: %d spectators, gauge %d, want 31", got, a.opts.Metrics.spectators.Load())
	}
	a.dismissWatchers("closed")
	if got := a.spectators(); got != 0 || a.opts.Metrics.spectators.Load() != 0 {
		t.Fatalf("after the room closed: %d spectators, gauge %d, want 0", got, a.opts.Metrics.spectators.Load())
	}
}

// TestSyncedSpectatorsGetOneBroadcast: once a spectator's connection took a snapshot of its
// own, it gets the room's snapshots with every other synced spectator in one volatile
// broadcast, deltas it decodes; with 32 of them a send allocates what it does without them,
// and sends nothing to them one by one. One that misses a broadcast asks for a resync and gets
// a keyframe of its own, then is synced again.
func TestSyncedSpectatorsGetOneBroadcast(t *testing.T) {
	a := testArena(t, 0)
	rooms := &broadcastRooms{members: map[string]map[Peer]bool{}}
	a.opts.Out = rooms
	players := make([]*countingPeer, 4)
	for i := range players {
		players[i] = &countingPeer{}
		if _, err := a.join("P", strconv.Itoa(i), players[i], lagOf(LagProfile{})); err != nil {
			t.Fatal(err)
		}
	}
	watched := &client{peer: &recordingPeer{}}
	w := a.watch(rooms.peer(watched.peer), lagOf(LagProfile{}))
	for range 31 {
		a.watch(rooms.peer(&countingPeer{}), lagOf(LagProfile{}))
	}
	step := func(n int) {
		for range n {
			a.tick(false)
			a.tick(true)
			watched.receive(t)
		}
	}
	step(120)
	if watched.kinds[0] != "key" || len(watched.kinds) != 120 {
		t.Fatalf("the spectator decoded %d snapshots starting with a %s, want 120 from a keyframe", len(watched.kinds), watched.kinds[0])
	}
	if len(a.stream.targets) != len(players) || rooms.broadcasts < 118 {
		t.Fatalf("%d sends one by one and %d broadcasts, want the %d players' and a broadcast a send", len(a.stream.targets), rooms.broadcasts, len(players))
	}
	for a.stream.sent%a.keyframeEvery() != 1 {
		step(1)
	}
	if n := testing.AllocsPerRun(20, func() { a.tick(false); a.tick(true); watched.peer.forget() }); n != 2 {
		t.Errorf("with 32 synced spectators a send allocates %v times, want 2 as without them", n)
	}

	// It missed those broadcasts (dropped above): the next delta does not fit, and the client
	// asks for a resync.
	watched.peer.setBusy(true) // and it misses one more, as a connection too busy to take it
	a.tick(false)
	a.tick(true)
	watched.peer.setBusy(false)
	a.tick(false)
	a.tick(true)
	watched.peer.taken() // the delta against a missed one: undecodable, dropped
	a.resyncWatcher(w, w.peer)
	step(1)
	if watched.lastBase() != 0 || !w.synced {
		t.Fatalf("after the resync: a %s, synced %v; want a keyframe of its own, then synced", kindOf(watched.lastBase()), w.synced)
	}
	step(10) // and broadcast deltas it decodes again
	if watched.lastBase() == 0 {
		t.Fatal("no delta after the resync")
	}
}

// broadcastRooms is a VolatileBroadcaster that delivers to the peers that joined a room, as
// the realtime server does.
type broadcastRooms struct {
	nullOut
	members    map[string]map[Peer]bool
	broadcasts int
}

func (b *broadcastRooms) BroadcastVolatile(room, event string, args ...any) {
	b.broadcasts++
	for p := range b.members[room] {
		p.EmitVolatile(event, args...)
	}
}

// peer wraps p so that its Join and Leave go to these rooms.
func (b *broadcastRooms) peer(p Peer) Peer { return roomPeer{Peer: p, rooms: b} }

type roomPeer struct {
	Peer
	rooms *broadcastRooms
}

func (p roomPeer) Join(room string) {
	if p.rooms.members[room] == nil {
		p.rooms.members[room] = map[Peer]bool{}
	}
	p.rooms.members[room][p] = true
}

func (p roomPeer) Leave(room string) { delete(p.rooms.members[room], p) }
