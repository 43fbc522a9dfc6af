package arena

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"

	"tankarena/game/tanks"
)

// maxRestarts bounds how often one arena is rebuilt after panics: a bug that fires on every
// fresh world would otherwise restart it at the tick rate, so after this many the arena is
// retired and its players are placed elsewhere.
const maxRestarts = 3

// RestartNotice is the payload of the "restart" event.
type RestartNotice struct {
	Message string `json:"message"`
}

// testHooks let tests reach into the loop (see export_test.go); production code never sets them.
type testHooks struct {
	beforeStep func(arenaID int)                  // inside every tick, just before the world steps: injects panics
	afterTick  func(arenaID int, d time.Duration) // after every tick, with its duration: measures the loop
}

var hooks atomic.Pointer[testHooks]

// errTickPanicked wraps a panic recovered from a tick.
var errTickPanicked = errors.New("arena: tick panicked")

// safeTick runs one tick and turns a panic in it (the simulation, encoding, a broadcaster) into
// an error, logged with its stack, so one arena's bug does not take the process down.
func (a *Arena) safeTick(sendSnapshot bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errTickPanicked, r)
			a.log.Error("arena: tick panicked, restarting the arena", "panic", r, "stack", string(debug.Stack()))
			a.opts.Metrics.panics.Add(1)
		}
	}()
	a.tick(sendSnapshot)
	return nil
}

// recoverFrom restarts the arena with a fresh world after a panic and reports whether its loop
// may go on. When the arena cannot restart it is retired: its seats are freed and its players
// told, so their re-join places them in another arena.
func (a *Arena) recoverFrom(cause error) bool {
	a.crashes++
	if a.crashes <= maxRestarts {
		err := a.restart()
		if err == nil {
			a.opts.Metrics.restarts.Add(1)
			return true
		}
		a.log.Error("arena: restart failed, retiring the arena", "err", err, "cause", cause)
	} else {
		a.log.Error("arena: panicked too often, retiring the arena", "restarts", maxRestarts, "cause", cause)
	}
	peers := a.peers()
	a.retire(a)
	a.tellRestart(peers)
	return false
}

// restart replaces the world by a fresh one and re-seats every player in it (new tank, same
// name, seat and reconnect token), then tells them: a client answers "restart" by sending
// "join" with its token again, which returns its new tank id.
func (a *Arena) restart() (err error) {
	world, err := a.newWorld()
	if err != nil {
		return err
	}
	a.worldMu.Lock()
	defer a.worldMu.Unlock()
	a.mu.Lock()
	players := make([]*player, 0, len(a.players))
	for _, p := range a.players {
		players = append(players, p)
	}
	slices.SortFunc(players, func(x, y *player) int { return int(x.id) - int(y.id) })
	seated := make(map[tanks.PlayerID]*player, len(players))
	for _, p := range players {
		id, err := world.AddPlayer(p.name)
		if err != nil {
			a.mu.Unlock()
			return fmt.Errorf("re-seat %q: %w", p.name, err)
		}
		p.id = id
		p.queue = p.queue[:0]
		seated[id] = p
	}
	a.players = seated
	a.world = world
	a.roster = 0      // the next tick broadcasts the new roster
	a.stream.sent = 0 // and sends everyone a keyframe: no client holds a base from the new world
	a.mu.Unlock()
	a.tellRestart(a.peers())
	return nil
}

// newWorld builds a world, turning a panic in the builder into an error.
func (a *Arena) newWorld() (w *tanks.World, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("new world panicked: %v", r)
		}
	}()
	w, err = a.opts.NewWorld()
	if err != nil {
		return nil, fmt.Errorf("new world: %w", err)
	}
	return w, nil
}

// peers lists the connected players' connections.
func (a *Arena) peers() []Peer {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []Peer
	for _, p := range a.players {
		if p.peer != nil {
			out = append(out, p.peer)
		}
	}
	return out
}

func (a *Arena) tellRestart(peers []Peer) {
	for _, peer := range peers {
		_ = peer.Emit("restart", RestartNotice{Message: "The arena had an internal error and was restarted; scores were reset."})
	}
}
