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
	if n := testing.AllocsPerRun(runs, func() { step(false); step(true) }); n != 1 {
		t.Errorf("with 32 spectators a send allocates %v times, want 1 as without them (one frame)", n)
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

// TestASpectatorThatMissesSnapshotsKeepsDecoding: a spectator whose connection is too busy to
// take some snapshots gets the next as a delta against the last one it took, so it decodes
// every snapshot it gets and never needs a keyframe of its own; and a resync (a copy gone
// wrong) gets it one.
func TestASpectatorThatMissesSnapshotsKeepsDecoding(t *testing.T) {
	a := testArena(t, 0)
	if _, err := a.join("P", "p", &countingPeer{}, lagOf(LagProfile{})); err != nil {
		t.Fatal(err)
	}
	watched := &client{peer: &recordingPeer{}}
	w := a.watch(watched.peer, lagOf(LagProfile{}))
	send := func() {
		a.tick(false)
		a.tick(true)
	}
	for a.stream.sent%a.keyframeEvery() != 1 {
		send()
		watched.receive(t)
	}
	took := watched.latest
	watched.peer.setBusy(true) // three snapshots it cannot take
	for range 3 {
		send()
	}
	watched.peer.setBusy(false)
	send()
	watched.receive(t) // fails unless the snapshot decodes on one the client holds
	if got := watched.lastBase(); got != took {
		t.Fatalf("after missing 3 snapshots the spectator got a %s against %d, want a delta against %d, the last it took", kindOf(got), got, took)
	}
	a.resyncWatcher(w, w.peer)
	send()
	watched.receive(t)
	if watched.lastBase() != 0 {
		t.Fatalf("after a resync the spectator got a delta, want a keyframe")
	}
	send()
	watched.receive(t)
	if watched.lastBase() == 0 {
		t.Fatal("no delta after the resync's keyframe")
	}
}
