package game

import (
	"slices"
	"time"
)

// keyframeInterval is how often every client gets a keyframe although its deltas arrived: a
// safety net for a client whose copy went wrong in a way the server cannot see.
const keyframeInterval = 2 * time.Second

// ackWindow is how many of the latest snapshots a client may acknowledge: those the server
// remembers handing to its connection (player.delivered). Older acknowledgements are stale.
const ackWindow = 64

// snapshotStream is a room's snapshot bookkeeping. Owned by the tick, under simMu.
type snapshotStream[In Input[In]] struct {
	n       uint32 // the number of the latest snapshot captured (numbers count from 1)
	sent    int    // snapshots sent since the room (re)started, for the periodic keyframe
	body    []byte // reused encoding buffers
	frame   []byte
	targets []snapshotTarget
	// encoded are this send's frames, one per distinct base: players whose newest
	// acknowledged snapshot is the same share one encoding.
	encoded []encodedFrame
}

type encodedFrame struct {
	base  uint32 // asked for; 0: a keyframe
	frame Frame
}

// receiver is one connection that gets the room's snapshots: a player's, or a spectator's
// (spectators.go). Guarded by room.mu.
type receiver struct {
	peer Peer     // nil while a player is disconnected
	lag  *lagLine // the connection's simulated network
	// needKey is set while the client holds no snapshot the server may encode against (it is
	// new or reconnected, it asked for a resync): its next snapshot is a keyframe.
	needKey bool
	// acked is the newest snapshot the client acknowledged, the base of its next delta (0:
	// none). acking is set once it acknowledges at all; until then, acked follows the
	// snapshots its connection takes (see sendSnapshot). Bit i of delivered is set when the
	// connection took snapshot room.latest-i: only those may be acknowledged.
	acked     uint32
	acking    bool
	delivered uint64
}

// snapshotTarget is one connected receiver as the tick sends it a snapshot.
type snapshotTarget struct {
	p    *receiver
	peer Peer
	lag  *lagLine
	base uint32 // the snapshot to encode against; 0: a keyframe
	took bool   // the connection (or the lag simulator) took the snapshot
}

// sendSnapshot sends the simulation's state to every connected player, each as a delta against
// the newest snapshot it acknowledged (see snapframe.go), or as a keyframe to those that hold
// none (new, rejoined, asked for a resync) and to everyone every keyframeInterval. Each
// distinct base is encoded once per send, whatever the number of players. A client that does
// not acknowledge (an older client, a bot) is taken to hold the last snapshot its connection
// took, as before acknowledgements.
func (r *room[In]) sendSnapshot() {
	st := &r.stream
	st.n++
	r.sim.CaptureSnapshot(st.n)
	everyone := st.sent%r.keyframeEvery() == 0 // the first send too: there is no base yet
	st.sent++

	r.mu.Lock()
	r.latest = st.n
	st.targets = st.targets[:0]
	for _, p := range r.players {
		st.target(&p.receiver, everyone)
	}
	for _, w := range r.watchers {
		st.target(&w.receiver, everyone)
	}
	r.mu.Unlock()

	// The frames leave this goroutine: a connection queues the slice itself until its writer
	// gets to it (realtime/engineio Session.SendVolatile), and the lag simulator's timers hold
	// it for up to seconds. So each frame gets a copy of its own, which nothing writes again,
	// and the next send can reuse the encoding buffers; that copy is the only allocation of a
	// send per distinct base, whatever the number of players, besides the transport's encoding
	// of the frame (Frame.Encoded), also made once for every connection that gets it.
	st.encoded = st.encoded[:0]
	bytes, dropped := 0, 0
	for i := range st.targets {
		t := &st.targets[i]
		f := r.frameFor(t.base)
		t.took = r.deliverSnapshot(t, f)
		if t.took {
			bytes += len(f.Data)
		} else {
			dropped++
		}
	}
	r.opts.meter.sent(time.Now(), len(st.targets), dropped)
	r.opts.Metrics.snapshotsDropped.Add(uint64(dropped))

	r.mu.Lock()
	for _, t := range st.targets {
		if t.p.peer != t.peer || !t.took {
			continue // reconnected meanwhile (it waits for a keyframe), or not sent
		}
		t.p.delivered |= 1
		if t.base == 0 {
			t.p.needKey = false
		}
		if !t.p.acking {
			t.p.acked = st.n // held if it arrives: the base of its next delta
		}
	}
	r.mu.Unlock()
	r.record(everyone)
	r.opts.Metrics.snapshots.Add(1)
	r.opts.Metrics.bytesSent.Add(uint64(bytes))
}

// target adds a connected receiver to this send's targets. The caller holds room.mu.
func (st *snapshotStream[In]) target(p *receiver, everyone bool) {
	if p.peer == nil {
		return
	}
	p.delivered <<= 1 // the window moves on by this snapshot; its bit is set once taken
	base := p.acked
	if everyone || p.needKey {
		base = 0
	}
	st.targets = append(st.targets, snapshotTarget{p: p, peer: p.peer, lag: p.lag, base: base})
}

// frameFor returns this send's frame against base, encoding it on first use. The pointer is
// good until the next call.
func (r *room[In]) frameFor(base uint32) *Frame {
	st := &r.stream
	for i := range st.encoded {
		if e := &st.encoded[i]; e.base == base {
			return &e.frame
		}
	}
	var used uint32
	st.body, used = r.sim.AppendSnapshot(st.body[:0], base)
	st.frame = appendFrame(st.frame[:0], st.n, used, st.body)
	st.encoded = append(st.encoded, encodedFrame{base: base, frame: Frame{Data: slices.Clone(st.frame)}})
	return &st.encoded[len(st.encoded)-1].frame
}

// deliverSnapshot hands one snapshot to a player's connection and reports whether it was
// taken. Through the lag simulator the simulated network is the player's transport, and it
// is TCP's: a snapshot it takes (all but those past its bound) arrives, late after a "loss"
// and in order. It arrives as TCP hands data over, several at once after a stall or in a bunch
// of jitter, so it is sent reliably then: the real connection would drop all but the first of
// a bunch as volatile. An error there (the connection gone) asks for a keyframe next time.
func (r *room[In]) deliverSnapshot(t *snapshotTarget, f *Frame) bool {
	if !t.lag.active() {
		return t.peer.SendSnapshot(f)
	}
	p, peer, frame := t.p, t.peer, f.Data
	return t.lag.down.deliver(func() {
		if peer.Emit("snapshot", frame) != nil {
			r.resyncReceiver(p, peer)
		}
	})
}

// acknowledge records that the client on connection from decoded snapshot n (sent with its
// inputs). Only a snapshot its connection took, among the last ackWindow, counts; anything else
// (a number never sent to it, too old, forged) is ignored and counted, and the player keeps the
// base it had: its stream never depends on what a client claims.
func (r *room[In]) acknowledge(p *player[In], from Peer, n uint32) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.peer == nil || p.peer != from {
		return
	}
	p.acking = true
	if n == p.acked || n == 0 {
		return // the same acknowledgement again, with the next input; or none decoded yet
	}
	back := r.latest - n
	if n > r.latest || back >= ackWindow || p.delivered&(1<<back) == 0 {
		r.opts.Metrics.acksRefused.Add(1)
		return
	}
	if n > p.acked {
		p.acked = n
	}
}

// resync makes the player's next snapshot a keyframe, if peer still holds the seat.
func (r *room[In]) resync(p *player[In], peer Peer) { r.resyncReceiver(&p.receiver, peer) }

// resyncReceiver makes the receiver's next snapshot a keyframe, if peer is still its connection.
func (r *room[In]) resyncReceiver(p *receiver, peer Peer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.peer == peer {
		p.needKey = true
	}
}

// keyframeEvery is keyframeInterval in snapshots.
func (r *room[In]) keyframeEvery() int {
	return max(1, int(keyframeInterval.Seconds()*float64(r.opts.SnapshotRate)))
}
