package arena

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"tankarena/game/tanks"
)

const (
	// maxCatchUpTicks bounds how many ticks one wake-up may run after a stall (GC, a busy
	// machine): beyond it the arena drops time instead of spiralling ever further behind.
	maxCatchUpTicks = 5
	// inputBurst is how many inputs may arrive at once after a network hiccup; the sustained
	// rate is Options.InputRate.
	inputBurst = 16
	// maxQueuedInputs bounds the inputs arriving between two ticks (a burst): when more arrive,
	// the oldest is merged away (keeping its fire). Each tick then drains the queue down to
	// maxInputBacklog (see nextInput).
	maxQueuedInputs = 8
)

// errArenaFull means every seat of the arena is taken by a human.
var errArenaFull = errors.New("arena: full")

// ReplacedNotice is the payload of the "replaced" event: the seat was taken over by a join with
// its token from another connection (a second tab), and this connection no longer plays.
type ReplacedNotice struct {
	Message string `json:"message"`
}

// player is one human tank's seat in an arena. Guarded by Arena.mu.
type player struct {
	id     tanks.PlayerID // changes when the arena restarts after a panic
	name   string
	token  string
	peer   Peer     // nil while the player is disconnected and may still reconnect
	lag    *lagLine // the connection's simulated network
	queue  []tanks.Input
	budget float64 // inputs the player may still send now (the rate limiter's bucket)
	gen    int     // bumped on every (re)connect, so a stale reconnect timer does nothing
	// lastSeq and lastAim are from the newest queued input: the neutral input queued on
	// disconnect follows it, and a reconnecting client continues numbering after it.
	lastSeq uint32
	lastAim float64
	// needKey is set while the client may not hold the arena's last snapshot (it is new, a
	// snapshot to it was dropped, it asked for a resync): its next snapshot is a keyframe.
	needKey bool
}

// Arena is one running match: a game world stepped by its own goroutine at a fixed tick rate.
//
// Locks: worldMu guards the world (the loop holds it for a whole tick; joins and leaves take it
// briefly); mu guards the seats and input queues, so socket handlers queuing inputs never wait
// for a tick. When both are needed, worldMu is taken first.
type Arena struct {
	ID   int
	room string
	opts *Options
	log  *slog.Logger

	worldMu sync.Mutex
	world   *tanks.World
	roster  uint64 // the world's roster version last broadcast
	crashes int    // panics recovered in this arena's loop
	stream  snapshotStream

	mu      sync.Mutex
	players map[tanks.PlayerID]*player

	// retire removes the arena and its seats from the lobby when it cannot restart.
	retire func(*Arena)
	cancel context.CancelFunc
	done   chan struct{}
}

func newArena(id int, world *tanks.World, opts *Options, retire func(*Arena)) *Arena {
	return &Arena{
		retire:  retire,
		ID:      id,
		room:    "arena-" + strconv.Itoa(id),
		opts:    opts,
		log:     opts.Logger.With("arena", id),
		world:   world,
		players: make(map[tanks.PlayerID]*player),
		done:    make(chan struct{}),
	}
}

// start runs the arena's loop until ctx ends or stop is called.
func (a *Arena) start(ctx context.Context) {
	ctx, a.cancel = context.WithCancel(ctx)
	go func() {
		defer close(a.done)
		a.run(ctx)
	}()
}

// stop ends the loop and waits for it.
func (a *Arena) stop() {
	a.cancel()
	<-a.done
}

// run is the fixed-timestep loop: a ticker wakes it, and an accumulator of real (monotonic)
// time decides how many ticks are due, so ticker jitter never makes the simulation drift.
func (a *Arena) run(ctx context.Context) {
	tick := time.Second / time.Duration(a.opts.TickRate)
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
			for steps := 0; acc >= tick && steps < maxCatchUpTicks; steps++ {
				// Snapshots go out snapshotRate times per tickRate ticks, spread evenly.
				snapAcc += a.opts.SnapshotRate
				send := snapAcc >= a.opts.TickRate
				if send {
					snapAcc -= a.opts.TickRate
				}
				begin := time.Now()
				if err := a.safeTick(send); err != nil {
					if !a.recoverFrom(err) {
						return
					}
				}
				took := time.Since(begin)
				a.opts.Metrics.observeTick(took)
				if h := hooks.Load(); h != nil && h.afterTick != nil {
					h.afterTick(a.ID, took)
				}
				acc -= tick
			}
			if acc >= tick {
				a.opts.Metrics.skippedTicks.Add(uint64(acc / tick))
				acc %= tick
			}
		}
	}
}

// tick gives each tank its next queued input, steps the world and, when due, sends a snapshot.
// Every lock it takes is released by defer, so a panic leaves none held.
func (a *Arena) tick(sendSnapshot bool) {
	a.worldMu.Lock()
	defer a.worldMu.Unlock()
	a.applyInputs()
	if h := hooks.Load(); h != nil && h.beforeStep != nil {
		h.beforeStep(a.ID)
	}
	a.world.Step()
	if !sendSnapshot {
		return
	}
	a.sendSnapshot()
	// The roster goes out after the snapshot, on snapshot ticks only: a reliable message
	// queued on a connection makes the next volatile one wait, and the realtime server drops
	// a volatile message that would wait. Sent before, every roster change (a join, a leave,
	// a bot making way) would cost everyone in the arena that tick's snapshot.
	if v := a.world.RosterVersion(); v != a.roster {
		a.roster = v
		a.sendRoster(a.world.Players(nil))
	}
}

// applyInputs refills every player's rate budget and gives each tank its next queued input.
// The caller holds worldMu.
func (a *Arena) applyInputs() {
	a.mu.Lock()
	defer a.mu.Unlock()
	perTick := float64(a.opts.InputRate) / float64(a.opts.TickRate)
	for _, p := range a.players {
		p.budget = min(p.budget+perTick, inputBurst)
		if len(p.queue) == 0 {
			continue // the world keeps the held input in force
		}
		in, rest, skipped := nextInput(p.queue)
		_ = a.world.SetInput(p.id, in) // the seat and the tank come and go together
		p.queue = rest
		if skipped > 0 {
			a.opts.Metrics.droppedBurst.Add(uint64(skipped))
		}
	}
}

// sendRoster tells everyone in the arena who is in it (humans and bots).
func (a *Arena) sendRoster(players []tanks.PlayerInfo) {
	a.opts.Out.Broadcast(a.room, "roster", players)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.players {
		if p.peer != nil && p.lag.active() {
			_ = p.peer.Emit("roster", players)
		}
	}
}

// join adds a human tank for peer, unless the arena's human seats are all taken.
func (a *Arena) join(name, token string, peer Peer, lag *lagLine) (*player, error) {
	a.worldMu.Lock()
	defer a.worldMu.Unlock()
	if a.humans() >= a.opts.MaxPlayers {
		return nil, errArenaFull
	}
	id, err := a.world.AddPlayer(name)
	if err != nil {
		return nil, fmt.Errorf("arena %d: %w", a.ID, err)
	}
	p := &player{id: id, name: name, token: token, lag: lag, budget: inputBurst}
	a.mu.Lock()
	a.players[id] = p
	a.mu.Unlock()
	a.attach(p, peer, lag)
	return p, nil
}

// attach binds a connection to the player's seat. The caller holds worldMu.
func (a *Arena) attach(p *player, peer Peer, lag *lagLine) {
	a.mu.Lock()
	p.peer = peer
	p.lag = lag
	p.gen++
	p.queue = p.queue[:0]
	p.needKey = true
	a.mu.Unlock()
	// A player on a simulated bad network stays out of the room: its roster goes through the
	// lag simulator instead of with the room broadcast.
	if !lag.active() {
		peer.Join(a.room)
	}
	// The roster is broadcast when it changes; a (re)connecting client needs it now. The
	// caller holds worldMu.
	_ = peer.Emit("roster", a.world.Players(nil))
}

// reattach gives a seat kept for reconnection to a new connection, detaching any old one (a
// reload can arrive before the old connection is noticed gone).
func (a *Arena) reattach(p *player, peer Peer, lag *lagLine) {
	a.worldMu.Lock()
	defer a.worldMu.Unlock()
	if a.peerOf(p) != nil {
		a.detach(p)
	}
	a.attach(p, peer, lag)
}

// detach unbinds the connection; the tank stays, driving nowhere, until reconnect or removal.
// It returns the generation a reconnect timer must still see to remove the player.
func (a *Arena) detach(p *player) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.peer != nil {
		p.peer.Leave(a.room)
	}
	p.peer = nil
	// The world holds the last input; queue a neutral one so the tank stops driving and firing.
	p.lastSeq++
	p.queue = append(p.queue[:0], tanks.Input{Seq: p.lastSeq, Aim: p.lastAim})
	return p.gen
}

// leave removes the tank from the world and reports how many humans remain.
func (a *Arena) leave(p *player) int {
	a.worldMu.Lock()
	defer a.worldMu.Unlock()
	_ = a.world.RemovePlayer(p.id) // only fails for an unknown id, which is already gone
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.peer != nil {
		p.peer.Leave(a.room)
		p.peer = nil
	}
	delete(a.players, p.id)
	return len(a.players)
}

// input queues one parsed input from the player's current connection, enforcing the rate limit
// and the queue bound. Inputs from a connection the seat was taken over from are ignored.
func (a *Arena) input(p *player, from Peer, in tanks.Input) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.peer == nil || p.peer != from {
		return
	}
	if p.budget < 1 {
		a.opts.Metrics.droppedRate.Add(1)
		return
	}
	p.budget--
	if len(p.queue) >= maxQueuedInputs {
		p.queue = skipOldest(p.queue, 1)
		a.opts.Metrics.droppedFull.Add(1)
	}
	p.queue = append(p.queue, in)
	p.lastSeq, p.lastAim = in.Seq, in.Aim
	a.opts.Metrics.inputs.Add(1)
}

// humans is the number of seats, including players inside their reconnect window.
func (a *Arena) humans() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.players)
}

// idOf is the player's current tank id (it changes when the arena restarts).
func (a *Arena) idOf(p *player) tanks.PlayerID {
	a.mu.Lock()
	defer a.mu.Unlock()
	return p.id
}

func (a *Arena) peerOf(p *player) Peer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return p.peer
}

func (a *Arena) generation(p *player) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return p.gen
}

func (a *Arena) lastSeq(p *player) uint32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return p.lastSeq
}
