package game

import (
	"slices"
	"time"
)

// keyframeInterval is how often every client gets a keyframe although its deltas arrived: a
// safety net for a client whose copy went wrong in a way the server cannot see.
const keyframeInterval = 2 * time.Second

// snapshotStream is a room's snapshot bookkeeping: deltas are encoded against the snapshot sent
// before, which every client that received its last snapshot holds. Owned by the tick, under
// simMu.
type snapshotStream[In Input[In]] struct {
	sent    int    // snapshots sent so far, for the periodic keyframe
	buf     []byte // reused encoding buffer
	targets []snapshotTarget[In]
}

// snapshotTarget is one connected player as the tick sends it a snapshot.
type snapshotTarget[In Input[In]] struct {
	p    *player[In]
	peer Peer
	lag  *lagLine
	key  bool // gets the keyframe
	took bool // the connection (or the lag simulator) took the snapshot
}

// sendSnapshot sends the simulation's state to every connected player: the delta against the
// last snapshot to those whose last snapshot was delivered, a keyframe to the others (new,
// rejoined, dropped one, asked for a resync) and to everyone every keyframeInterval. Each kind
// is encoded at most once per send, whatever the number of players.
func (r *room[In]) sendSnapshot() {
	st := &r.stream
	r.sim.CaptureSnapshot()
	everyone := st.sent%r.keyframeEvery() == 0 // the first send too: there is no base yet
	st.sent++

	r.mu.Lock()
	st.targets = st.targets[:0]
	for _, p := range r.players {
		if p.peer != nil {
			st.targets = append(st.targets, snapshotTarget[In]{p: p, peer: p.peer, lag: p.lag, key: everyone || p.needKey})
		}
	}
	r.mu.Unlock()

	// The bytes leave this goroutine (queued in connections, held by lag timers): each kind
	// gets its own copy, so the next send can reuse the encoding buffer.
	var key, delta []byte
	bytes := 0
	for i := range st.targets {
		t := &st.targets[i]
		var data []byte
		switch {
		case t.key:
			if key == nil {
				st.buf = r.sim.AppendSnapshot(st.buf[:0], false)
				key = slices.Clone(st.buf)
			}
			data = key
		default:
			if delta == nil {
				st.buf = r.sim.AppendSnapshot(st.buf[:0], true)
				delta = slices.Clone(st.buf)
			}
			data = delta
		}
		t.took = r.deliverSnapshot(t, data)
		if t.took {
			bytes += len(data)
		}
	}

	r.mu.Lock()
	for _, t := range st.targets {
		if t.p.peer != t.peer {
			continue // reconnected meanwhile: the new connection already waits for a keyframe
		}
		if !t.took {
			t.p.needKey = true
		} else if t.key {
			t.p.needKey = false
		}
	}
	r.mu.Unlock()
	r.opts.Metrics.snapshots.Add(1)
	r.opts.Metrics.bytesSent.Add(uint64(bytes))
}

// deliverSnapshot hands one snapshot to a player's connection and reports whether it was
// taken. Through the lag simulator the simulated network is the player's transport, and it
// is TCP's: a snapshot it takes (all but those past its bound) arrives, late after a "loss"
// and in order, so the deltas behind it keep their base and no keyframe is needed. It arrives
// as TCP hands data over, several at once after a stall or in a bunch of jitter, so it is
// sent reliably then: the real connection would drop all but the first of a bunch as
// volatile. An error there (the connection gone) asks for a keyframe next time.
func (r *room[In]) deliverSnapshot(t *snapshotTarget[In], data []byte) bool {
	if !t.lag.active() {
		return t.peer.EmitVolatile("snapshot", data)
	}
	p, peer := t.p, t.peer
	return t.lag.down.deliver(func() {
		if peer.Emit("snapshot", data) != nil {
			r.resync(p, peer)
		}
	})
}

// resync makes the player's next snapshot a keyframe, if peer still holds the seat.
func (r *room[In]) resync(p *player[In], peer Peer) {
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
