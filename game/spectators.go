package game

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Spectators watch a room instead of playing in it: they get its snapshot stream and its
// roster, and hold no seat, no place in the simulation and no input buffer. Spectators do not
// count against Settings.MaxPlayers; Settings.MaxSpectators bounds them per room.
//
// A spectator gets its snapshots as a player does (snapshots.go): a keyframe first, then deltas
// against the last snapshot its connection took (a spectator sends no inputs, so no
// acknowledgements). Each distinct base is encoded once a send for players and spectators
// alike: the spectators that took every snapshot share one encoding, usually the players'
// (those on a quick connection acknowledge the snapshot before), and a send allocates what it
// does without them. A connection too busy to take a snapshot misses it and gets the next as a
// delta against one it holds, so it never has to ask for a keyframe. (A first version sent the
// spectators who held the latest snapshot one volatile broadcast, a delta against the snapshot
// before: near a node's limit each one missed left a spectator unable to decode the next, its
// resync asked for a keyframe of its own, which the busy connection missed more often still,
// and at 500 bot players and 99% of a core the spectators decoded 20 snapshots a second of 30
// while the players got 28.)

// DefaultMaxSpectators bounds one room's spectators unless Settings.MaxSpectators says
// otherwise: twice its players, a LAN party's worth of onlookers on the big screen and phones.
const DefaultMaxSpectators = 32

var (
	// ErrNothingToWatch is returned by a spectate when no room of the kind runs.
	ErrNothingToWatch = errors.New("nothing to watch yet")
	// ErrSpectatorsFull is returned by a spectate when every room that could be watched has
	// Settings.MaxSpectators spectators, or spectating is off.
	ErrSpectatorsFull = errors.New("no room for more spectators")
)

// SpectateRequest is the payload of the "spectate" event. Both fields are optional.
type SpectateRequest struct {
	// Kind asks for a room of one kind (Options.Kinds); "": any kind.
	Kind string `json:"kind,omitempty"`
	// Room asks for one room by its id (JoinAck.Room); "": the busiest room with space.
	Room string `json:"room,omitempty"`
}

// SpectateAck answers "spectate": what the client needs to draw the room (Game, as in
// JoinAck), and no seat.
type SpectateAck struct {
	Room         string          `json:"room"`
	Kind         string          `json:"kind"`
	TickRate     int             `json:"tickRate"`
	SnapshotRate int             `json:"snapshotRate"`
	Game         json.RawMessage `json:"game"`
}

// UnwatchedNotice is the payload of the "unwatched" event: the watched room closed (its last
// player left, or it could not restart after a panic) or restarted after a panic, whose fresh
// world counts its ticks from the start again. The client may spectate again.
type UnwatchedNotice struct {
	Message string `json:"message"`
}

// Spectator is a connection watching a room, from "spectate" until it joins, leaves,
// disconnects or the room closes.
type Spectator[In Input[In]] struct {
	room *room[In]
	w    *watcher
}

// watcher is a spectator's connection as its room sees it. Guarded by room.mu.
type watcher struct{ receiver }

// Room is the id of the watched room.
func (s *Spectator[In]) Room() string { return s.room.ID }

// spectate makes connection c a spectator of the busiest room (the most seats) of the kind
// asked for that has space for one; it never opens a room, and is not refused for the node's
// load (a spectator adds a send, not an encoding). The caller gave up the connection's seat
// first: a connection plays or watches.
func (l *Lobby[In]) spectate(c *connection, req SpectateRequest) (*Spectator[In], SpectateAck, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.opts.Metrics
	if l.opts.MaxSpectators < 0 {
		m.spectatesRefusedFull.Add(1)
		return nil, SpectateAck{}, fmt.Errorf("%w: spectating is off on this server", ErrSpectatorsFull)
	}
	now := time.Now()
	if !l.joinsByConn.take(c.id, now) || !l.joinsByAddr.take(c.addr, now) {
		m.spectatesRefusedRate.Add(1)
		return nil, SpectateAck{}, ErrJoinRate
	}
	var best *room[In]
	seen := false
	for _, r := range l.rooms {
		if (req.Kind != "" && r.kind != req.Kind) || (req.Room != "" && r.ID != req.Room) {
			continue
		}
		seen = true
		if r.spectators() < l.opts.MaxSpectators && (best == nil || r.humans() > best.humans()) {
			best = r
		}
	}
	switch {
	case !seen && req.Kind == "" && req.Room == "":
		m.spectatesRefusedNone.Add(1)
		return nil, SpectateAck{}, fmt.Errorf("%w: no %s is running, press Play to start one", ErrNothingToWatch, l.opts.RoomName)
	case !seen:
		m.spectatesRefusedNone.Add(1)
		return nil, SpectateAck{}, fmt.Errorf("%w: no such %s is running", ErrNothingToWatch, l.opts.RoomName)
	case best == nil:
		m.spectatesRefusedFull.Add(1)
		return nil, SpectateAck{}, fmt.Errorf("%w: every %s has its %d spectators, try again later", ErrSpectatorsFull, l.opts.RoomName, l.opts.MaxSpectators)
	}
	w := best.watch(c.peer, c.lag)
	ack := SpectateAck{Room: best.ID, Kind: best.kind, TickRate: l.opts.TickRate, SnapshotRate: l.opts.SnapshotRate, Game: best.welcome}
	return &Spectator[In]{room: best, w: w}, ack, nil
}

// unwatch ends a spectator's watch (the connection joined, left or dropped). It does nothing
// for a watch that already ended.
func (l *Lobby[In]) unwatch(s *Spectator[In]) { s.room.unwatch(s.w) }

// resyncWatch makes the spectator's next snapshot a keyframe ("resync" on connection c).
func (l *Lobby[In]) resyncWatch(s *Spectator[In], c *connection) {
	c.lag.up.deliver(func() { s.room.resyncWatcher(s.w, c.peer) })
}

// watch adds a spectator on peer and sends it the roster; its first snapshot is a keyframe.
func (r *room[In]) watch(peer Peer, lag *lagLine) *watcher {
	r.simMu.Lock() // the roster as of a tick, and no send between adding and telling
	defer r.simMu.Unlock()
	w := &watcher{receiver: receiver{peer: peer, lag: lag, needKey: true}}
	r.mu.Lock()
	r.watchers = append(r.watchers, w)
	r.mu.Unlock()
	r.opts.Metrics.spectators.Add(1)
	roster := r.sim.Roster()
	if lag.active() {
		lag.down.deliver(func() { _ = peer.Emit("roster", roster) })
		return w
	}
	peer.Join(r.name) // later rosters come with the room's broadcast
	_ = peer.Emit("roster", roster)
	return w
}

// unwatch removes the spectator w, if it still watches.
func (r *room[In]) unwatch(w *watcher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := slices.Index(r.watchers, w)
	if i < 0 {
		return
	}
	r.watchers = slices.Delete(r.watchers, i, i+1)
	r.opts.Metrics.spectators.Add(-1)
	w.peer.Leave(r.name)
}

// dismissWatchers ends every watch of a room that closes and tells its spectators.
func (r *room[In]) dismissWatchers(why string) {
	r.mu.Lock()
	gone := r.watchers
	r.watchers = nil
	r.mu.Unlock()
	r.opts.Metrics.spectators.Add(-int64(len(gone)))
	notice := UnwatchedNotice{Message: why}
	for _, w := range gone {
		w.peer.Leave(r.name)
		_ = w.peer.Emit("unwatched", notice)
	}
}

// resyncWatcher makes the spectator's next snapshot a keyframe, if peer is still its connection:
// its copy went wrong in a way the server cannot see.
func (r *room[In]) resyncWatcher(w *watcher, peer Peer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.peer == peer {
		w.needKey = true
	}
}

// spectators is the number of the room's spectators.
func (r *room[In]) spectators() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.watchers)
}

// rosterToWatchers sends the roster to the spectators on a simulated bad network: they stay out
// of the broadcast room, so the roster keeps its place among their snapshots. The caller holds
// room.mu.
func (r *room[In]) rosterToWatchers(roster any) {
	for _, w := range r.watchers {
		if w.lag.active() {
			peer := w.peer
			w.lag.down.deliver(func() { _ = peer.Emit("roster", roster) })
		}
	}
}
