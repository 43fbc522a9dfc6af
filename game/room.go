package game

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// maxCatchUpTicks bounds how many ticks one wake-up may run after a stall (GC, a busy
	// machine): beyond it the room drops time instead of spiralling ever further behind.
	maxCatchUpTicks = 5
	// inputBurst is how many inputs may arrive at once, beyond the sustained rate
	// (Options.InputRate): half a second of them at 60 Hz, what a TCP connection delivers at
	// once after a retransmission stall of up to 500 ms; each of them is then applied.
	inputBurst = 32
)

// errRoomFull means every seat of the room is taken.
var errRoomFull = errors.New("game: room full")

// ReplacedNotice is the payload of the "replaced" event: the seat was taken over by a join with
// its token from another connection (a second tab), and this connection no longer plays.
type ReplacedNotice struct {
	Message string `json:"message"`
}

// player is one player's seat in a room. Guarded by room.mu.
type player[In Input[In]] struct {
	id    int // the simulation's id; it changes when the room restarts after a panic
	name  string
	token string
	// receiver is the player's connection as the snapshot stream sees it; its peer is nil
	// while the player is disconnected and may still reconnect.
	receiver
	inputs inputBuffer[In]
	budget float64 // inputs the player may still send now (the rate limiter's bucket)
	gen    int     // bumped on every (re)connect, so a stale reconnect timer does nothing
	// last is the newest input received: the idle input queued on disconnect follows it, and a
	// reconnecting client continues numbering after it.
	last In
}

// room is one running match: a simulation stepped by its own goroutine at a fixed tick rate.
//
// Locks: simMu guards the simulation (the loop holds it for a whole tick; joins and leaves take
// it briefly); mu guards the seats and input buffers, so socket handlers buffering inputs never
// wait for a tick. When both are needed, simMu is taken first.
type room[In Input[In]] struct {
	ID   string // a version 4 UUID: unique across restarts of the process, and across processes
	kind string // one of Options.Kinds
	name string // the broadcast room of its connected players
	opts *Options[In]
	log  *slog.Logger
	// clock is the input buffers' timing at the room's tick rate.
	clock bufferClock

	simMu   sync.Mutex
	sim     Simulation[In]
	welcome []byte // sim.Welcome(), for every join answer
	roster  uint64 // the roster version last broadcast
	// rosterSent is false until the simulation's roster was broadcast once (a new or
	// restarted room), whatever its version.
	rosterSent bool
	crashes    int // panics recovered in this room's loop
	stream     snapshotStream[In]
	ticks      uint64 // steps taken since the room opened: replays time their records by it
	rec        replayState

	// tickCost is the smoothed duration of a tick (smoothTick), for admission; written by
	// the loop only.
	tickCost atomic.Int64

	mu       sync.Mutex
	players  map[int]*player[In]
	watchers []*watcher // spectators (spectators.go): snapshots and roster, no seat
	latest   uint32     // the number of the latest snapshot sent (stream.n, for acknowledge)

	// retire removes the room and its seats from the lobby when it cannot restart.
	retire func(*room[In])
	cancel context.CancelFunc
	done   chan struct{}
}

func newRoom[In Input[In]](id, kind string, sim Simulation[In], opts *Options[In], retire func(*room[In])) *room[In] {
	return &room[In]{
		retire:  retire,
		ID:      id,
		kind:    kind,
		name:    opts.RoomName + "-" + id,
		opts:    opts,
		log:     opts.Logger.With(opts.RoomName, id),
		clock:   newBufferClock(opts.TickRate),
		sim:     sim,
		welcome: sim.Welcome(),
		players: make(map[int]*player[In]),
		done:    make(chan struct{}),
	}
}

// start runs the room's loop until ctx ends or stop is called.
func (r *room[In]) start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	go func() {
		defer close(r.done)
		r.run(ctx)
	}()
}

// stop ends the loop and waits for it.
func (r *room[In]) stop() {
	r.cancel()
	<-r.done
	r.endReplay()
}

// run is the fixed-timestep loop: a ticker wakes it, and an accumulator of real (monotonic)
// time decides how many ticks are due, so ticker jitter never makes the simulation drift.
func (r *room[In]) run(ctx context.Context) {
	tick := time.Second / time.Duration(r.opts.TickRate)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	last := time.Now()
	var acc time.Duration
	snapAcc := 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			acc += now.Sub(last)
			last = now
			ran, skipped := 0, 0
			for steps := 0; acc >= tick && steps < maxCatchUpTicks; steps++ {
				// Snapshots go out snapshotRate times per tickRate ticks, spread evenly.
				snapAcc += r.opts.SnapshotRate
				send := snapAcc >= r.opts.TickRate
				if send {
					snapAcc -= r.opts.TickRate
				}
				begin := time.Now()
				if err := r.safeTick(send); err != nil {
					if !r.recoverFrom(err) {
						return
					}
				}
				took := time.Since(begin)
				r.opts.Metrics.observeTick(took)
				r.tickCost.Store(int64(smoothTick(time.Duration(r.tickCost.Load()), took)))
				if h := hooks.Load(); h != nil && h.afterTick != nil {
					h.afterTick(r.ID, took)
				}
				acc -= tick
				ran++
			}
			if acc >= tick {
				skipped = int(acc / tick)
				r.opts.Metrics.skippedTicks.Add(uint64(skipped))
				acc %= tick
			}
			r.opts.meter.ticked(now, ran, skipped)
		}
	}
}

// tick gives each player its next buffered input, steps the simulation and, when due, sends a
// snapshot. Every lock it takes is released by defer, so a panic leaves none held.
func (r *room[In]) tick(sendSnapshot bool) {
	r.simMu.Lock()
	defer r.simMu.Unlock()
	r.applyInputs()
	if h := hooks.Load(); h != nil && h.beforeStep != nil {
		h.beforeStep(r.ID)
	}
	r.sim.Step()
	r.ticks++
	if !sendSnapshot {
		return
	}
	r.sendSnapshot()
	// The roster goes out after the snapshot, on snapshot ticks only: a reliable message
	// queued on a connection makes the next volatile one wait, and the realtime server drops
	// a volatile message that would wait. Sent before, every roster change (a join, a leave,
	// a bot making way) would cost everyone in the room that tick's snapshot.
	if v := r.sim.RosterVersion(); v != r.roster || !r.rosterSent {
		r.roster, r.rosterSent = v, true
		roster := r.sim.Roster()
		r.sendRoster(roster)
		r.recordRoster(roster)
	}
}

// applyInputs refills every player's rate budget and gives each the next input from its buffer
// (see inputBuffer). A simulation that paces its players (Pacer) is told of a connected
// player's starved tick and gets a shed input as an extra step; any other keeps the held input
// in force on a starved tick and has the shed input merged into the next. The caller holds
// simMu.
func (r *room[In]) applyInputs() {
	r.mu.Lock()
	defer r.mu.Unlock()
	perTick := float64(r.opts.InputRate) / float64(r.opts.TickRate)
	m := r.opts.Metrics
	pacer, paced := r.sim.(Pacer[In])
	for _, p := range r.players {
		p.budget = min(p.budget+perTick, inputBurst)
		in, older, res := p.inputs.take(r.clock)
		if sending := p.peer != nil && p.inputs.fed; sending {
			m.observeInputDepth(res.depth)
			if res.starved {
				m.inputStarved.Add(1)
				if paced {
					pacer.Starve(p.id)
				}
			}
		}
		if res.shed {
			if paced {
				m.inputsCaughtUp.Add(1)
				pacer.CatchUp(p.id, older)
			} else {
				m.droppedBurst.Add(1)
			}
			in = in.Absorb(older)
		}
		if res.applied {
			r.sim.SetInput(p.id, in)
		}
	}
}

// sendRoster tells everyone in the room who is in it.
func (r *room[In]) sendRoster(roster any) {
	r.opts.Out.Broadcast(r.name, "roster", roster)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.players {
		if p.peer != nil && p.lag.active() {
			peer := p.peer
			p.lag.down.deliver(func() { _ = peer.Emit("roster", roster) })
		}
	}
	r.rosterToWatchers(roster)
}

// join adds a player for peer, unless the room's seats are all taken. The player gets name, or
// name numbered ("Bob (2)") when another player of the room has it.
func (r *room[In]) join(name, token string, peer Peer, lag *lagLine) (*player[In], error) {
	r.simMu.Lock()
	defer r.simMu.Unlock()
	if r.humans() >= r.opts.MaxPlayers {
		return nil, errRoomFull
	}
	name = uniqueName(name, r.opts.MaxNameLength, r.nameTaken)
	id, err := r.sim.AddPlayer(name)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.opts.RoomName, r.ID, err)
	}
	p := &player[In]{id: id, name: name, token: token, receiver: receiver{lag: lag}, budget: inputBurst}
	r.mu.Lock()
	r.players[id] = p
	r.mu.Unlock()
	r.attach(p, peer, lag)
	return p, nil
}

// attach binds a connection to the player's seat. The caller holds simMu.
func (r *room[In]) attach(p *player[In], peer Peer, lag *lagLine) {
	r.mu.Lock()
	p.peer = peer
	p.lag = lag
	p.gen++
	p.inputs.reset()
	p.needKey = true
	p.acked, p.acking, p.delivered = 0, false, 0
	r.mu.Unlock()
	r.setConnected(p.id, true)
	// The roster is broadcast when it changes; a (re)connecting client needs it now. A player
	// on a simulated bad network stays out of the broadcast room: its roster goes through the
	// lag simulator, in order with its snapshots.
	roster := r.sim.Roster()
	if lag.active() {
		lag.down.deliver(func() { _ = peer.Emit("roster", roster) })
		return
	}
	peer.Join(r.name)
	_ = peer.Emit("roster", roster)
}

// setConnected tells a simulation that implements Presence. The caller holds simMu.
func (r *room[In]) setConnected(id int, connected bool) {
	if s, ok := r.sim.(Presence); ok {
		s.SetConnected(id, connected)
	}
}

// nameTaken reports whether a player of the room is called name, ignoring case (the names
// differ too little to tell apart in a list).
func (r *room[In]) nameTaken(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.players {
		if strings.EqualFold(p.name, name) {
			return true
		}
	}
	return false
}

// reattach gives a seat kept for reconnection to a new connection, detaching any old one (a
// reload can arrive before the old connection is noticed gone).
func (r *room[In]) reattach(p *player[In], peer Peer, lag *lagLine) {
	r.simMu.Lock()
	defer r.simMu.Unlock()
	if r.peerOf(p) != nil {
		r.detach(p)
	}
	r.attach(p, peer, lag)
}

// disconnect detaches the player whose connection dropped and tells the simulation (see
// Presence). It returns the generation a reconnect timer must still see to remove the player.
func (r *room[In]) disconnect(p *player[In]) int {
	r.simMu.Lock()
	defer r.simMu.Unlock()
	gen := r.detach(p)
	r.setConnected(r.idOf(p), false)
	return gen
}

// detach unbinds the connection; the player stays, idle, until reconnect or removal. It
// returns the generation a reconnect timer must still see to remove the player.
func (r *room[In]) detach(p *player[In]) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.peer != nil {
		p.peer.Leave(r.name)
	}
	p.peer = nil
	// The simulation holds the last input; queue the idle one so the player stops acting.
	p.last = p.last.Idle()
	p.inputs.reset()
	p.inputs.push(p.last)
	return p.gen
}

// leave removes the player from the simulation and reports how many seats remain.
func (r *room[In]) leave(p *player[In]) int {
	r.simMu.Lock()
	defer r.simMu.Unlock()
	r.sim.RemovePlayer(p.id)
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.peer != nil {
		p.peer.Leave(r.name)
		p.peer = nil
	}
	delete(r.players, p.id)
	return len(r.players)
}

// input buffers one parsed input from the player's current connection, enforcing the rate
// limit. Inputs from a connection the seat was taken over from are ignored.
func (r *room[In]) input(p *player[In], from Peer, in In) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.peer == nil || p.peer != from {
		return
	}
	if p.budget < 1 {
		r.opts.Metrics.droppedRate.Add(1)
		return
	}
	p.budget--
	if p.inputs.push(in) {
		r.opts.Metrics.droppedFull.Add(1)
	}
	p.last = in
	r.opts.Metrics.inputs.Add(1)
}

// humans is the number of seats, including players inside their reconnect window.
func (r *room[In]) humans() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.players)
}

// idOf is the player's current id (it changes when the room restarts).
func (r *room[In]) idOf(p *player[In]) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return p.id
}

func (r *room[In]) peerOf(p *player[In]) Peer {
	r.mu.Lock()
	defer r.mu.Unlock()
	return p.peer
}

func (r *room[In]) generation(p *player[In]) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return p.gen
}

// inputDepth is how many of the player's inputs wait for a tick.
func (r *room[In]) inputDepth(p *player[In]) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return p.inputs.n
}

func (r *room[In]) lastSeq(p *player[In]) uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return p.last.Sequence()
}
