package arena

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

const (
	// maxCatchUpTicks bounds how many ticks one wake-up may run after a stall (GC, a busy
	// machine): beyond it the arena drops time instead of spiralling ever further behind.
	maxCatchUpTicks = 5
	// inputsPerTick is the sustained input rate a client may send (it sends one per tick; the
	// slack absorbs clock drift), and inputBurst how many may arrive at once after a network hiccup.
	inputsPerTick = 2
	inputBurst    = 16
	// maxQueuedInputs bounds the inputs waiting to be applied (one per tick): 8 ticks at 60 Hz is
	// 133 ms; when more wait, the oldest are dropped so a lagging client does not build latency.
	maxQueuedInputs = 8
)

// player is one tank's seat in an arena. Guarded by Arena.mu.
type player struct {
	id     int
	name   string
	token  string
	peer   Peer // nil while the player is disconnected and may still reconnect
	lag    LagProfile
	queue  []Input
	budget float64 // inputs the player may still send now (the rate limiter's bucket)
	gen    int     // bumped on every (re)connect, so a stale reconnect timer does nothing
	// lastSeq and lastAim are from the newest queued input, for the neutral input on disconnect.
	lastSeq uint32
	lastAim float64
}

// Arena is one running match: a world stepped by its own goroutine at a fixed tick rate.
type Arena struct {
	ID   int
	room string
	opts *Options
	log  *slog.Logger

	mu      sync.Mutex
	players map[int]*player
	added   []int // tanks to add to the world on the next tick
	removed []int // tanks to remove on the next tick

	world  World
	cancel context.CancelFunc
	done   chan struct{}
	snap   []byte // reused snapshot buffer; only the arena goroutine touches it
}

func newArena(id int, world World, opts *Options) *Arena {
	return &Arena{
		ID:      id,
		room:    "arena-" + strconv.Itoa(id),
		opts:    opts,
		log:     opts.Logger.With("arena", id),
		players: make(map[int]*player),
		world:   world,
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

// run is the fixed-timestep loop: a ticker wakes it, an accumulator of real (monotonic) time
// decides how many ticks are due, so ticker jitter never makes the simulation drift.
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
			steps := 0
			for acc >= tick && steps < maxCatchUpTicks {
				begin := time.Now()
				a.step()
				// Snapshots go out snapshotRate times per tickRate ticks, spread evenly.
				snapAcc += a.opts.SnapshotRate
				if snapAcc >= a.opts.TickRate {
					snapAcc -= a.opts.TickRate
					a.broadcastSnapshot()
				}
				a.opts.Metrics.observeTick(time.Since(begin))
				acc -= tick
				steps++
			}
			if acc >= tick {
				a.opts.Metrics.skippedTicks.Add(uint64(acc / tick))
				acc %= tick
			}
		}
	}
}

// step applies pending joins and leaves, gives each tank its next input and advances the world.
func (a *Arena) step() {
	a.mu.Lock()
	added, removed := a.added, a.removed
	a.added, a.removed = nil, nil
	for _, id := range removed {
		a.world.RemoveTank(id)
	}
	for _, id := range added {
		if err := a.world.AddTank(id); err != nil {
			a.log.Warn("add tank", "tank", id, "err", err)
		}
	}
	for _, p := range a.players {
		p.budget = min(p.budget+inputsPerTick, inputBurst)
		if len(p.queue) == 0 {
			continue // the held input stays in force
		}
		a.world.SetInput(p.id, p.queue[0])
		p.queue = p.queue[1:]
	}
	a.mu.Unlock()
	a.world.Step()
}

// broadcastSnapshot encodes the world once and sends it to the room; players with a simulated
// bad network get their copy through their LagProfile instead.
func (a *Arena) broadcastSnapshot() {
	a.snap = a.world.AppendSnapshot(a.snap[:0])
	// The bytes leave this goroutine (queued in connections, or held by lag timers): send a copy
	// so the next tick can reuse the buffer.
	data := append([]byte(nil), a.snap...)
	a.mu.Lock()
	recipients := 0
	for _, p := range a.players {
		if p.peer == nil {
			continue
		}
		recipients++
		if p.lag.Active() {
			peer := p.peer
			p.lag.Deliver(func() { peer.EmitVolatile("snapshot", data) })
		}
	}
	a.mu.Unlock()
	a.opts.Out.BroadcastVolatile(a.room, "snapshot", data)
	a.opts.Metrics.snapshots.Add(1)
	a.opts.Metrics.bytesSent.Add(uint64(len(data) * recipients))
}

// addPlayer seats a new player; the tank enters the world on the next tick.
func (a *Arena) addPlayer(p *player) {
	a.mu.Lock()
	p.budget = inputBurst
	a.players[p.id] = p
	a.added = append(a.added, p.id)
	a.mu.Unlock()
	a.attach(p, p.peer)
}

// attach binds a connection to the player's seat (on join and on reconnect).
func (a *Arena) attach(p *player, peer Peer) {
	a.mu.Lock()
	p.peer = peer
	p.gen++
	p.queue = p.queue[:0]
	lagged := p.lag.Active()
	a.mu.Unlock()
	// A player on a simulated bad network is kept out of the room: its snapshots are sent one by
	// one through the lag simulator instead of with the room broadcast.
	if !lagged {
		peer.Join(a.room)
	}
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
	// Stop driving and firing: the world keeps the last input held, so queue a neutral one
	// carrying the last seq (the client reconciles against it if it comes back).
	p.queue = append(p.queue[:0], Input{Seq: p.lastSeq, Aim: p.lastAim})
	return p.gen
}

// removePlayer takes the tank out of the world on the next tick. It reports how many players remain.
func (a *Arena) removePlayer(p *player) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.peer != nil {
		p.peer.Leave(a.room)
		p.peer = nil
	}
	delete(a.players, p.id)
	a.removed = append(a.removed, p.id)
	return len(a.players)
}

// input queues one parsed input from the player, enforcing the rate limit and the queue bound.
func (a *Arena) input(p *player, in Input) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.peer == nil {
		return
	}
	if p.budget < 1 {
		a.opts.Metrics.droppedRate.Add(1)
		return
	}
	p.budget--
	if len(p.queue) >= maxQueuedInputs {
		p.queue = append(p.queue[:0], p.queue[1:]...)
		a.opts.Metrics.droppedStale.Add(1)
	}
	p.queue = append(p.queue, in)
	p.lastSeq, p.lastAim = in.Seq, in.Aim
	a.opts.Metrics.inputs.Add(1)
}

// roster lists the players, sorted by id, for the "roster" event.
func (a *Arena) roster() []RosterEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	list := make([]RosterEntry, 0, len(a.players))
	for _, p := range a.players {
		list = append(list, RosterEntry{ID: p.id, Name: p.name})
	}
	sortRoster(list)
	return list
}

// sendRoster tells everyone in the arena who is in it.
func (a *Arena) sendRoster() {
	list := a.roster()
	a.opts.Out.Broadcast(a.room, "roster", list)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.players {
		if p.peer != nil && p.lag.Active() {
			peer := p.peer
			_ = peer.Emit("roster", list)
		}
	}
}

// playerCount is the number of seats, including players inside their reconnect window.
func (a *Arena) playerCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.players)
}

func (a *Arena) String() string { return fmt.Sprintf("arena %d", a.ID) }

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

func (a *Arena) setLag(p *player, lag LagProfile) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p.lag = lag
}
