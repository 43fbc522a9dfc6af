package game

import (
	"encoding/json"
	"time"
)

// replayState is a room's side of its recording, kept by the tick (under simMu).
type replayState struct {
	open  bool   // the writer was sent the current round's header
	round int    // the round being recorded (Rounds), 0 without rounds
	last  uint32 // the snapshot recorded last, the base of the next delta; 0: the next is a keyframe
}

// record hands this send's snapshot to the recorder, after the players got theirs: a delta
// against the snapshot recorded before, which is usually the frame some player was just sent
// (frameFor encodes each base once per send), or a keyframe at every periodic keyframe, so a
// viewer can seek. Constant work a send, no waiting: see Recorder.send.
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
	base := rs.last
	if keyframe {
		base = 0
	}
	frame := r.frameFor(base)[0].([]byte)
	_, used, _, err := ParseSnapshotFrame(frame)
	if err != nil || !rec.send(replayMsg{room: r.ID, kind: recordSnapshot, tick: r.ticks, data: frame, key: used == 0}) {
		rs.last = 0
		return
	}
	rs.last = r.stream.n
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
