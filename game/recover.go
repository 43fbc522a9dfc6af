package game

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"
)

// maxRestarts bounds how often one room is rebuilt after panics: a bug that fires on every
// fresh simulation would otherwise restart it at the tick rate, so after this many the room is
// retired and its players are placed elsewhere.
const maxRestarts = 3

// RestartNotice is the payload of the "restart" event.
type RestartNotice struct {
	Message string `json:"message"`
}

// testHooks let tests reach into the loop (see export_test.go); production code never sets them.
type testHooks struct {
	beforeStep func(roomID string)                  // inside every tick, just before the simulation steps: injects panics
	afterTick  func(roomID string, d time.Duration) // after every tick, with its duration: measures the loop
}

var hooks atomic.Pointer[testHooks]

// errTickPanicked wraps a panic recovered from a tick.
var errTickPanicked = errors.New("game: tick panicked")

// safeTick runs one tick and turns a panic in it (the simulation, encoding, a broadcaster) into
// an error, logged with its stack, so one room's bug does not take the process down.
func (r *room[In]) safeTick(sendSnapshot bool) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v", errTickPanicked, v)
			r.log.Error("game: tick panicked, restarting the "+r.opts.RoomName, "panic", v, "stack", string(debug.Stack()))
			r.opts.Metrics.panics.Add(1)
		}
	}()
	r.tick(sendSnapshot)
	return nil
}

// recoverFrom restarts the room with a fresh simulation after a panic and reports whether its
// loop may go on. When the room cannot restart it is retired: its seats are freed and its
// players told, so their re-join places them in another room.
func (r *room[In]) recoverFrom(cause error) bool {
	r.crashes++
	if r.crashes <= maxRestarts {
		err := r.restart()
		if err == nil {
			r.opts.Metrics.restarts.Add(1)
			return true
		}
		r.log.Error("game: restart failed, retiring the "+r.opts.RoomName, "err", err, "cause", cause)
	} else {
		r.log.Error("game: panicked too often, retiring the "+r.opts.RoomName, "restarts", maxRestarts, "cause", cause)
	}
	peers := r.peers()
	r.retire(r)
	r.tellRestart(peers)
	return false
}

// restart replaces the simulation by a fresh one and re-seats every player in it (new id, same
// name, seat and reconnect token), then tells them: a client answers "restart" by sending
// "join" with its token again, which returns its new id.
func (r *room[In]) restart() (err error) {
	sim, err := r.newSimulation()
	if err != nil {
		return err
	}
	r.simMu.Lock()
	defer r.simMu.Unlock()
	r.mu.Lock()
	players := make([]*player[In], 0, len(r.players))
	for _, p := range r.players {
		players = append(players, p)
	}
	slices.SortFunc(players, func(x, y *player[In]) int { return x.id - y.id })
	seated := make(map[int]*player[In], len(players))
	for _, p := range players {
		id, err := sim.AddPlayer(p.name)
		if err != nil {
			r.mu.Unlock()
			return fmt.Errorf("re-seat %q: %w", p.name, err)
		}
		p.id = id
		if p.peer == nil {
			if s, ok := sim.(Presence); ok {
				s.SetConnected(id, false) // still inside its reconnect window
			}
		}
		p.inputs.reset()
		p.acked, p.delivered = 0, 0 // no client holds a snapshot of the new world
		seated[id] = p
	}
	r.players = seated
	r.sim = sim
	r.rosterSent = false // the next tick broadcasts the new roster
	r.stream.sent = 0    // and sends everyone a keyframe: no client holds a base from the new world
	r.rec.open = false   // and records the new world in a file of its own
	r.mu.Unlock()
	r.tellRestart(r.peers())
	// Spectators hold no seat to re-join with: they are let go, and watch again from scratch.
	r.dismissWatchers("The " + r.opts.RoomName + " had an internal error and was restarted.")
	return nil
}

// newSimulation builds a simulation, turning a panic in the builder into an error.
func (r *room[In]) newSimulation() (sim Simulation[In], err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("new simulation panicked: %v", v)
		}
	}()
	sim, err = r.opts.NewSimulation(r.kind)
	if err != nil {
		return nil, fmt.Errorf("new simulation: %w", err)
	}
	return sim, nil
}

// peers lists the connected players' connections.
func (r *room[In]) peers() []Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Peer
	for _, p := range r.players {
		if p.peer != nil {
			out = append(out, p.peer)
		}
	}
	return out
}

func (r *room[In]) tellRestart(peers []Peer) {
	msg := RestartNotice{Message: "The " + r.opts.RoomName + " had an internal error and was restarted; scores were reset."}
	for _, peer := range peers {
		_ = peer.Emit("restart", msg)
	}
}
