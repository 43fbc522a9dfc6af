package game

import (
	"slices"
	"testing"
	"time"

	"tankarena/game/tanks"
)

// client decodes a peer's snapshot stream as the browser does: each one against the last it
// decoded, a delta whose base it lacks being an error here (the browser would wait for a keyframe).
type client struct {
	peer  *recordingPeer
	last  *tanks.Snapshot
	kinds []string // "key" or "delta", per snapshot received
}

func (c *client) receive(t *testing.T) {
	t.Helper()
	for _, data := range c.peer.taken() {
		var s tanks.Snapshot
		if err := tanks.DecodeSnapshot(&s, data, c.last); err != nil {
			t.Fatalf("snapshot %d (%s) does not decode on what the client holds: %v", len(c.kinds), kind(data), err)
		}
		c.last = &s
		c.kinds = append(c.kinds, kind(data))
	}
}

// next returns the kind of the one snapshot that arrived since the last call.
func (c *client) next(t *testing.T) string {
	t.Helper()
	before := len(c.kinds)
	c.receive(t)
	if len(c.kinds) != before+1 {
		t.Fatalf("got %d snapshots in one send, want 1", len(c.kinds)-before)
	}
	return c.kinds[before]
}

func kind(data []byte) string {
	if data[1]&1 != 0 {
		return "delta"
	}
	return "key"
}

func joinClient(t *testing.T, a *room[tanks.Input], name string) (*client, *player[tanks.Input]) {
	t.Helper()
	peer := &recordingPeer{}
	p, err := a.join(name, name, peer, lagOf(LagProfile{}))
	if err != nil {
		t.Fatal(err)
	}
	return &client{peer: peer}, p
}

func TestSnapshotsAreDeltasUnlessTheClientNeedsAKeyframe(t *testing.T) {
	a := testArena(t, 6)
	ann, _ := joinClient(t, a, "Ann")
	a.tick(true)
	if k := ann.next(t); k != "key" {
		t.Fatalf("a new client's first snapshot is a %s", k)
	}
	a.tick(true)
	if k := ann.next(t); k != "delta" {
		t.Fatalf("second snapshot is a %s, want a delta", k)
	}

	// A client joining mid-stream gets a keyframe; the others stay on deltas, which are
	// encoded once for all of them.
	bob, bobSeat := joinClient(t, a, "Bob")
	cid, _ := joinClient(t, a, "Cid")
	a.tick(true)
	if ka, kb := ann.next(t), bob.next(t); ka != "delta" || kb != "key" {
		t.Fatalf("after Bob joined: Ann got a %s, Bob a %s", ka, kb)
	}
	cid.receive(t)
	a.tick(true)
	ann.receive(t)
	bob.receive(t)
	cid.receive(t)

	// A snapshot the connection could not take: that client's next one is a keyframe.
	bob.peer.setBusy(true)
	a.tick(true)
	bob.peer.setBusy(false)
	if k := ann.next(t); k != "delta" {
		t.Fatalf("Ann got a %s while only Bob dropped one", k)
	}
	if got := len(bob.peer.taken()); got != 0 {
		t.Fatalf("a busy connection took %d snapshots", got)
	}
	a.tick(true)
	if k := bob.next(t); k != "key" {
		t.Fatalf("after a drop Bob got a %s, want a keyframe", k)
	}
	a.tick(true)
	if k := bob.next(t); k != "delta" {
		t.Fatalf("after the keyframe Bob got a %s, want deltas again", k)
	}

	// The client says it lost track (the "resync" event): a keyframe next.
	a.resync(bobSeat, bob.peer)
	a.tick(true)
	if k := bob.next(t); k != "key" {
		t.Fatalf("after a resync Bob got a %s", k)
	}

	// Reconnecting on a new connection: a keyframe for it.
	bob2 := &client{peer: &recordingPeer{}}
	a.reattach(bobSeat, bob2.peer, lagOf(LagProfile{}))
	a.tick(true)
	if k := bob2.next(t); k != "key" {
		t.Fatalf("after a reconnect Bob got a %s", k)
	}
	ann.receive(t)
	cid.receive(t)
}

func TestDeltasAreEncodedOncePerSend(t *testing.T) {
	a := testArena(t, 4)
	ann, _ := joinClient(t, a, "Ann")
	bob, _ := joinClient(t, a, "Bob")
	cid, _ := joinClient(t, a, "Cid")
	a.tick(true)
	cid.peer.setBusy(true)
	a.tick(true)
	cid.peer.setBusy(false)
	a.tick(true) // Ann and Bob: delta; Cid: keyframe
	a.tick(true)
	for range 3 {
		a.tick(true)
	}
	as, bs, cs := ann.peer.taken(), bob.peer.taken(), cid.peer.taken()
	if len(as) != 7 || len(bs) != 7 || len(cs) != 6 {
		t.Fatalf("snapshots received: %d, %d, %d", len(as), len(bs), len(cs))
	}
	for i := range as {
		if &as[i][0] != &bs[i][0] {
			t.Fatalf("send %d: Ann and Bob got separately encoded copies", i)
		}
	}
	if kind(cs[1]) != "key" || kind(as[2]) != "delta" {
		t.Fatalf("send 3: Cid got a %s, Ann a %s", kind(cs[1]), kind(as[2]))
	}
}

// Every keyframeInterval every client gets a keyframe, whether or not its deltas arrived.
func TestEveryoneGetsAKeyframePeriodically(t *testing.T) {
	a := testArena(t, 4)
	ann, _ := joinClient(t, a, "Ann")
	every := a.keyframeEvery()
	if every != 60 {
		t.Fatalf("keyframe every %d snapshots at 30/s, want 60 (2 s)", every)
	}
	for range 2*every + 1 {
		a.tick(true)
	}
	ann.receive(t)
	for i, k := range ann.kinds {
		if want := i%every == 0; (k == "key") != want {
			t.Fatalf("snapshot %d is a %s", i, k)
		}
	}
}

// lastPlayer is the room's only player, or the last of its map's order.
func lastPlayer(a *room[tanks.Input]) *player[tanks.Input] {
	a.mu.Lock()
	defer a.mu.Unlock()
	var p *player[tanks.Input]
	for _, q := range a.players {
		p = q
	}
	return p
}

// TestSimulatedLossDelaysSnapshotsWithoutAKeyframe: as on TCP, a snapshot the lag simulator
// "loses" is retransmitted, and the ones after it wait and arrive in order behind it: every
// delta still decodes on the snapshot before, and no keyframe is asked for.
func TestSimulatedLossDelaysSnapshotsWithoutAKeyframe(t *testing.T) {
	a := testArena(t, 2)
	peer := &recordingPeer{}
	clock := newFakeClock()
	p := LagProfile{Loss: 1}
	if _, err := a.join("Lossy", "tok", peer, newLagLine(p, testMetrics(), clock, 1)); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		a.tick(true)
		clock.advance(10 * time.Millisecond)
	}
	pl := lastPlayer(a)
	a.mu.Lock()
	needKey := pl.needKey
	a.mu.Unlock()
	if needKey || len(peer.snaps) != 0 {
		t.Fatalf("retransmitted snapshots: %d arrived before their timeout, a keyframe asked for: %v", len(peer.snaps), needKey)
	}
	clock.advance(p.RetransmissionTimeout())
	c := &client{peer: peer}
	c.receive(t)
	if !slices.Equal(c.kinds, []string{"key", "delta", "delta"}) {
		t.Fatalf("after the retransmissions got %v", c.kinds)
	}
}

// A snapshot the lag simulator drops for its bound is known at once: the next one is a
// keyframe.
func TestSimulatorOverflowMakesTheNextSnapshotAKeyframe(t *testing.T) {
	a := testArena(t, 2)
	peer := &recordingPeer{}
	line := newLagLine(LagProfile{Lag: time.Hour}, testMetrics(), newFakeClock(), 1)
	if _, err := a.join("Flooded", "tok", peer, line); err != nil {
		t.Fatal(err)
	}
	for line.held.Load() < maxLagHeld {
		line.up.deliver(func() {})
	}
	a.tick(true)
	pl := lastPlayer(a)
	a.mu.Lock()
	needKey := pl.needKey
	pl.lag = newLagLine(LagProfile{Loss: 0.0001}, testMetrics(), newFakeClock(), 1) // active, delivered at once
	a.mu.Unlock()
	if !needKey || len(peer.taken()) != 0 {
		t.Fatal("a dropped snapshot did not leave the player waiting for a keyframe")
	}
	a.tick(true)
	c := &client{peer: peer}
	if k := c.next(t); k != "key" {
		t.Fatalf("after a dropped snapshot got a %s", k)
	}
}
