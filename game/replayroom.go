package game

import (
	"encoding/json"
	"time"
)

// replayState is a room's side of its recording, kept by the tick (under simMu).
type replayState struct {
	open  bool   // the writer was sent the current round's header
	round int    // the round being recorded (Rounds), 0 without rounds
	last  uint32 // the snapshot recorded last; 0: the next is a keyframe
	// key is the keyframe recorded last: every snapshot from it to last is in the file, so a
	// delta may be recorded against any of them (REPLAY.md).
	key uint32
}

// record hands this send's snapshot to the recorder, after the players got theirs: a keyframe
// at every periodic keyframe, so a viewer can seek, else a delta against a snapshot recorded
// since the last keyframe, whichever this send already encoded for some player
// (recordedFrame). No waiting (see Recorder.send), and at most one encoding of its own.
func (r *room[In]) record(keyframe bool) {
	rec := r.opts.recorder
	if rec == nil || rec.stopped.Load() {
		return
	}
	rs := &r.rec
	round := 0
	if s, ok := r.sim.(Rounds); ok {
		round = s.RoundNumber()
	}
	if !rs.open || round != rs.round {
		if !r.beginReplay(round) {
			return // dropped: the next send tries again
		}
		rs.open, rs.round, rs.last = true, round, 0
	}
	frame := r.recordedFrame(keyframe || rs.last == 0)
	_, used, _, err := ParseSnapshotFrame(frame)
	if err != nil || !rec.send(replayMsg{room: r.ID, kind: recordSnapshot, tick: r.ticks, data: frame, key: used == 0}) {
		rs.last = 0
		return
	}
	if used == 0 {
		rs.key = r.stream.n
	}
	rs.last = r.stream.n
}

// recordedFrame picks this send's frame for the recording, encoding one only when no frame the
// players were sent will do. A player that took every snapshot has the one before as its
// base, which was recorded; but near a node's limit, where capacity is decided, connections
// drop snapshots and the players' bases scatter over older ones, and the recording then
// takes any of those recorded since its last keyframe rather than encoding a delta on the
// snapshot before, which no player shares (measured at 600 bots: 0.7% of the node's CPU,
// beside 1.2% for all the players' encodings). It prefers the newest such base (the smallest
// delta), then a keyframe some player got this send.
func (r *room[In]) recordedFrame(keyframe bool) []byte {
	rs := &r.rec
	if keyframe {
		return r.frameFor(0).Data
	}
	base, keyEncoded := uint32(0), false
	for i := range r.stream.encoded {
		b := r.stream.encoded[i].base
		keyEncoded = keyEncoded || b == 0
		if b >= rs.key && b <= rs.last && b > base {
			base = b
		}
	}
	switch {
	case base != 0:
	case keyEncoded:
		// base 0: the keyframe a player (new, or resynced) was sent
	default:
		base = rs.last
	}
	return r.frameFor(base).Data
}

// beginReplay starts the round's file: its header, the welcome and the roster now.
func (r *room[In]) beginReplay(round int) bool {
	roster, err := json.Marshal(r.sim.Roster())
	if err != nil {
		roster = nil
	}
	return r.opts.recorder.send(replayMsg{room: r.ID, kind: recordHeader, tick: r.ticks, welcome: r.welcome, roster: roster,
		header: ReplayHeader{
			Game: r.opts.MetricsNamespace, Room: r.ID, Kind: r.kind, Round: round, Part: 1, Started: time.Now(),
			TickRate: r.opts.TickRate, SnapshotRate: r.opts.SnapshotRate,
		}})
}

// recordRoster records a roster the room broadcast, so a replay names its players.
func (r *room[In]) recordRoster(roster any) {
	rec := r.opts.recorder
	if rec == nil || !r.rec.open || rec.stopped.Load() {
		return
	}
	data, err := json.Marshal(roster)
	if err != nil {
		return
	}
	rec.send(replayMsg{room: r.ID, kind: recordRoster, tick: r.ticks, data: data})
}

// endReplay tells the writer the room stopped, so its last file is finished now rather than
// when it has been idle for replayIdle.
func (r *room[In]) endReplay() {
	if rec := r.opts.recorder; rec != nil {
		rec.send(replayMsg{room: r.ID})
	}
}
