package game

import (
	"slices"
	"testing"
	"time"

	"tankarena/game/tanks"
)

// client decodes a peer's snapshot stream as the browser does: each frame against the snapshot
// it names as its base, which the client must hold (it keeps all it decoded, by number).
type client struct {
	peer    *recordingPeer
	decoded map[uint32]*tanks.Snapshot
	latest  uint32   // the newest number decoded: what an acknowledging client sends back
	kinds   []string // "key" or "delta", per snapshot received
	bases   []uint32 // the base of each, 0 for a keyframe
}

func (c *client) receive(t *testing.T) {
	t.Helper()
	if c.decoded == nil {
		c.decoded = map[uint32]*tanks.Snapshot{}
	}
	for _, data := range c.peer.taken() {
		n, base, body, err := ParseSnapshotFrame(data)
		if err != nil {
			t.Fatal(err)
		}
		var s tanks.Snapshot
		if err := tanks.DecodeSnapshot(&s, body, c.decoded[base]); base != 0 && c.decoded[base] == nil || err != nil {
			t.Fatalf("snapshot %d (against %d) does not decode on what the client holds: %v", n, base, err)
		}
		c.decoded[n] = &s
		c.latest = max(c.latest, n)
		c.kinds = append(c.kinds, kindOf(base))
		c.bases = append(c.bases, base)
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

// lastBase is the base of the latest snapshot received.
func (c *client) lastBase() uint32 { return c.bases[len(c.bases)-1] }

func kindOf(base uint32) string {
	if base == 0 {
		return "key"
	}
	return "delta"
}

func kind(t *testing.T, frame []byte) string {
	t.Helper()
	_, base, _, err := ParseSnapshotFrame(frame)
	if err != nil {
		t.Fatal(err)
	}
	return kindOf(base)
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

	// A snapshot the connection could not take costs only itself: Bob's next one is a delta
	// against the last he got (he does not acknowledge: the server counts what his
	// connection took).
	held := bob.latest
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
	if k := bob.next(t); k != "delta" || bob.lastBase() != held {
		t.Fatalf("after a drop Bob got a %s against %d, want a delta against %d", k, bob.lastBase(), held)
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

// Players with the same base share one encoding; a different base is encoded once more.
func TestDeltasAreEncodedOncePerBase(t *testing.T) {
	a := testArena(t, 4)
	ann, _ := joinClient(t, a, "Ann")
	bob, _ := joinClient(t, a, "Bob")
	cid, _ := joinClient(t, a, "Cid")
	a.tick(true)
	cid.peer.setBusy(true)
	a.tick(true)
	cid.peer.setBusy(false)
	a.tick(true) // Ann and Bob: a delta against 2; Cid: against 1
	for range 3 {
		a.tick(true)
	}
	as, bs, cs := ann.peer.taken(), bob.peer.taken(), cid.peer.taken()
	if len(as) != 6 || len(bs) != 6 || len(cs) != 5 {
		t.Fatalf("snapshots received: %d, %d, %d", len(as), len(bs), len(cs))
	}
	for i := range as {
		if &as[i][0] != &bs[i][0] {
			t.Fatalf("send %d: Ann and Bob got separately encoded copies", i+1)
		}
	}
	if &cs[1][0] == &as[2][0] || kind(t, cs[1]) != "delta" || kind(t, as[2]) != "delta" {
		t.Fatalf("send 3: Cid (a %s) and Ann (a %s) share an encoding of different bases", kind(t, cs[1]), kind(t, as[2]))
	}
	if &cs[2][0] != &as[3][0] {
		t.Fatal("send 4: Cid is back on Ann's base but got an encoding of its own")
	}
}

// An acknowledging client gets deltas against the newest snapshot it acknowledged, however
// many sent since were lost or late.
func TestDeltasAreAgainstTheNewestAcknowledgedSnapshot(t *testing.T) {
	a := testArena(t, 4)
	ann, p := joinClient(t, a, "Ann")
	a.tick(true)
	ann.receive(t)
	a.acknowledge(p, ann.peer, ann.latest) // 1
	for range 3 {
		a.tick(true)
		if k := ann.next(t); k != "delta" || ann.lastBase() != 1 {
			t.Fatalf("got a %s against %d, want a delta against the acknowledged 1", k, ann.lastBase())
		}
	}
	a.acknowledge(p, ann.peer, 3)
	a.acknowledge(p, ann.peer, 2) // late, reordered: never moves the base back
	a.tick(true)
	if k := ann.next(t); k != "delta" || ann.lastBase() != 3 {
		t.Fatalf("got a %s against %d, want a delta against 3", k, ann.lastBase())
	}
	// A base older than the room keeps (32 snapshots) gets a keyframe.
	ann.peer.setBusy(true)
	for range 40 {
		a.tick(true)
	}
	ann.peer.setBusy(false)
	a.tick(true)
	if k := ann.next(t); k != "key" {
		t.Fatalf("a client 40 snapshots behind got a %s", k)
	}
}

// A forged or stale acknowledgement never breaks the stream: it is ignored and counted, and the
// client keeps getting snapshots it can decode.
func TestForgedAcknowledgementsAreIgnored(t *testing.T) {
	a := testArena(t, 4)
	ann, p := joinClient(t, a, "Ann")
	a.tick(true)
	ann.receive(t)
	a.acknowledge(p, ann.peer, 1)
	ann.peer.setBusy(true)
	a.tick(true) // 2: never reached Ann
	ann.peer.setBusy(false)
	for _, forged := range []uint32{2, 99, 1 << 31} {
		a.acknowledge(p, ann.peer, forged)
	}
	a.acknowledge(p, &recordingPeer{}, 1) // from a connection that does not hold the seat: ignored
	if got := a.opts.Metrics.acksRefused.Load(); got != 3 {
		t.Fatalf("%d acknowledgements refused, want 3", got)
	}
	a.tick(true)
	if k := ann.next(t); k != "delta" || ann.lastBase() != 1 {
		t.Fatalf("after forged acknowledgements got a %s against %d, want a delta against 1", k, ann.lastBase())
	}
}

func TestSnapshotFramesRoundTrip(t *testing.T) {
	for _, tc := range []struct{ n, base uint32 }{{1, 0}, {2, 1}, {300, 0}, {300, 299}, {1<<32 - 1, 7}} {
		frame := appendFrame(nil, tc.n, tc.base, []byte("body"))
		n, base, body, err := ParseSnapshotFrame(frame)
		if err != nil || n != tc.n || base != tc.base || string(body) != "body" {
			t.Errorf("frame of %d against %d read back as %d against %d, %q (%v)", tc.n, tc.base, n, base, body, err)
		}
	}
	for _, junk := range [][]byte{nil, {0}, {0x80}, {5}, {5, 5}, {5, 9}, {0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0}} {
		if n, base, _, err := ParseSnapshotFrame(junk); err == nil {
			t.Errorf("junk %x read as %d against %d", junk, n, base)
		}
	}
}

func FuzzParseSnapshotFrame(f *testing.F) {
	f.Add(appendFrame(nil, 1, 0, nil))
	f.Add(appendFrame(nil, 300, 299, []byte{1, 2, 3}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		n, base, body, err := ParseSnapshotFrame(data)
		if err != nil {
			return
		}
		if n == 0 || base >= n {
			t.Fatalf("%x: number %d, base %d", data, n, base)
		}
		if again := appendFrame(nil, n, base, body); len(again) > len(data) {
			t.Fatalf("%x re-encodes longer: %x", data, again)
		}
	})
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
