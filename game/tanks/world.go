package tanks

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// PlayerID names a tank (human or bot) in one world. IDs are handed out by the world, never 0,
// and not reused until the 16-bit space wraps, so a client never confuses a newcomer with a
// tank that just left.
type PlayerID uint16

const maxPlayerID = math.MaxUint16

// Errors returned by the player API.
var (
	ErrFull          = errors.New("game: world is full")
	ErrUnknownPlayer = errors.New("game: unknown player")
)

// tank is one player's whole state. Bots are tanks whose input a botBrain writes every step.
type tank struct {
	id   PlayerID
	name string
	bot  *botBrain // nil for humans
	// joined orders tanks by arrival; the newest bot leaves first.
	joined uint64

	body
	health       int
	alive        bool
	shieldTicks  int
	reloadTicks  int
	respawnTicks int

	input   Input  // held input, repeated until a newer one arrives
	applied uint32 // Seq of the input simulated in the last step
	// For the next step only (see Starve and CatchUp): starved holds the tank still, as no
	// input of its player arrived for it; catchingUp moves it by catchUp first, an input its
	// player's buffer gives up to shed latency.
	starved    bool
	catchingUp bool
	catchUp    Input
	// offline is set while the player's connection is down (SetConnected): the tank idles as
	// a ghost that shells pass through, tanks drive through and bots ignore, and cannot fire,
	// so a dropped player is nobody's free target and nobody's obstacle.
	offline bool
	// lag is how many ticks behind the present the held input was aimed (lagcomp.go); a
	// repeated input keeps it, as its player's latency does not grow while it is held.
	lag        int
	lagClamped bool // the held input's view was older than the bound

	spawned uint64    // tick of the latest respawn: older past positions are another life
	past    []pastPos // positions of the last Config.MaxRewind, by tick modulo its length

	kills, deaths, streak int
	best                  int // the longest streak of the round
	shots, hits           int // shells fired this round, and those that hit another tank
}

// World is one arena match. It is not safe for concurrent use: the host owns it and calls
// SetInput, Step and Snapshot from one goroutine.
type World struct {
	cfg  Config
	m    *Map
	maps []*Map // the rotation m is part of (rounds.go)
	dt   float64
	rng  rng
	tick uint64

	tanks     []tank // sorted by id
	shells    []shell
	nextShell uint32
	nextID    PlayerID
	joins     uint64

	events  []Event // produced by the current step
	pending []Event // produced since the last Snapshot

	grid   tankGrid
	nav    navScratch
	roster uint64

	botFill  int // -1 until SetBotFill is called: bots added by AddBot stay
	botLevel BotLevel

	maxRewind int       // Config.MaxRewind in ticks
	lagStats  *LagStats // nil outside a Game

	round RoundState
}

// NewWorld creates an empty world on map m. Equal seeds give equal matches for equal inputs.
func NewWorld(cfg Config, m *Map, seed uint64) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if m == nil || len(m.Spawns) == 0 {
		return nil, errors.New("game: map with at least one spawn required")
	}
	w := &World{cfg: cfg, m: m, maps: []*Map{m}, dt: cfg.Dt(), rng: rng{s: seed}, botFill: -1, maxRewind: cfg.rewindTicks()}
	w.tanks = make([]tank, 0, cfg.MaxPlayers)
	w.shells = make([]shell, 0, min(cfg.MaxShells, 4096))
	w.events = make([]Event, 0, 64)
	w.pending = make([]Event, 0, 256)
	w.useMap(m)
	w.startRounds()
	return w, nil
}

// Config returns the world's tuning (send it to browsers as JSON).
func (w *World) Config() Config { return w.cfg }

// Map returns the arena.
func (w *World) Map() *Map { return w.m }

// Tick returns how many steps the world has run.
func (w *World) Tick() uint64 { return w.tick }

// PlayerInfo describes a tank for the roster the host sends to clients.
type PlayerInfo struct {
	ID   PlayerID `json:"id"`
	Name string   `json:"name"`
	Bot  bool     `json:"bot"`
}

// Players appends the current roster, ordered by ID, to dst.
func (w *World) Players(dst []PlayerInfo) []PlayerInfo {
	for i := range w.tanks {
		t := &w.tanks[i]
		dst = append(dst, PlayerInfo{ID: t.id, Name: t.name, Bot: t.bot != nil})
	}
	return dst
}

// RosterVersion changes whenever a tank joins or leaves (including bots coming and going), so
// the host knows when to resend the roster.
func (w *World) RosterVersion() uint64 { return w.roster }

// AddPlayer adds a human tank, which spawns on the next step. If the world is full, a bot
// leaves to make room; ErrFull means every slot is taken by humans.
func (w *World) AddPlayer(name string) (PlayerID, error) {
	if len(w.tanks) >= w.cfg.MaxPlayers && !w.removeNewestBot() {
		return 0, ErrFull
	}
	id := w.addTank(name, nil)
	w.renameBotCalled(name)
	return id, nil
}

// renameBotCalled gives a bot called name (ignoring case, as the runtime compares players'
// names) a fresh call sign, so that a human who picks a bot's name is the only one with it:
// the runtime keeps humans' names unique but does not know the bots'.
func (w *World) renameBotCalled(name string) {
	for i := range w.tanks {
		if t := &w.tanks[i]; t.bot != nil && strings.EqualFold(t.name, name) {
			t.name = w.botName()
			w.roster++
		}
	}
}

// RemovePlayer removes a tank (human or bot); its shells keep flying but score for nobody.
func (w *World) RemovePlayer(id PlayerID) error {
	i, ok := w.find(id)
	if !ok {
		return fmt.Errorf("remove %d: %w", id, ErrUnknownPlayer)
	}
	w.tanks = slices.Delete(w.tanks, i, i+1)
	w.roster++
	return nil
}

// SetInput sets the controls tank id holds from the next step on. Inputs whose Seq is not newer
// than the last one given are stale (reordered packets) and ignored. Non-finite or out-of-range
// values are clamped (see Input).
func (w *World) SetInput(id PlayerID, in Input) error {
	i, ok := w.find(id)
	if !ok {
		return fmt.Errorf("input for %d: %w", id, ErrUnknownPlayer)
	}
	t := &w.tanks[i]
	if t.input.Seq != 0 && !seqNewer(in.Seq, t.input.Seq) {
		return nil
	}
	t.input = in.sanitize(t.input.Aim)
	t.lag, t.lagClamped = w.rewindFor(in.View)
	return nil
}

// Starve tells the world that no input of tank id's player arrived for the next step: the tank
// does not act in it (it neither moves, nor turns, nor fires; its reload and shield still count
// down) and its applied seq stays. The input that arrives late is then applied on the state the
// one before it left, which is what the player's client predicted (web/js/predict.js replays
// every input once on top of the snapshot's state), so a late input costs its player no
// correction; the others see the tank pause for a tick. Without Starve the held input repeats
// (bots, and World used on its own). See game.Pacer.
func (w *World) Starve(id PlayerID) error {
	i, ok := w.find(id)
	if !ok {
		return fmt.Errorf("starve %d: %w", id, ErrUnknownPlayer)
	}
	w.tanks[i].starved = true
	return nil
}

// CatchUp moves tank id by in as an extra step of its movement in the next step, before the
// input SetInput gives it: the player's input buffer applies two inputs in one tick to give back
// the latency a stall left, and neither is lost, so the client, which predicted both, is not
// corrected. Only the movement: a shot of in must be carried by the next input (Input.Absorb).
// An input not newer than the held one is ignored, as in SetInput. See game.Pacer.
func (w *World) CatchUp(id PlayerID, in Input) error {
	i, ok := w.find(id)
	if !ok {
		return fmt.Errorf("catch up %d: %w", id, ErrUnknownPlayer)
	}
	t := &w.tanks[i]
	if t.input.Seq != 0 && !seqNewer(in.Seq, t.input.Seq) {
		return nil
	}
	t.catchUp, t.catchingUp = in.sanitize(t.input.Aim), true
	return nil
}

// LastInputSeq returns the Seq of the input tank id had applied in the last step.
func (w *World) LastInputSeq(id PlayerID) (uint32, bool) {
	i, ok := w.find(id)
	if !ok {
		return 0, false
	}
	return w.tanks[i].applied, true
}

// SetConnected tells the world whether tank id's player is connected (see tank.offline).
func (w *World) SetConnected(id PlayerID, connected bool) error {
	i, ok := w.find(id)
	if !ok {
		return fmt.Errorf("connected %d: %w", id, ErrUnknownPlayer)
	}
	w.tanks[i].offline = !connected
	return nil
}

// tangible reports whether t takes part in the fight: alive, and not a disconnected ghost.
func (t *tank) tangible() bool { return t.alive && !t.offline }

func (w *World) find(id PlayerID) (int, bool) {
	return slices.BinarySearchFunc(w.tanks, id, func(t tank, id PlayerID) int { return int(t.id) - int(id) })
}

// addTank inserts a new tank with the next free ID; it starts dead with no delay, so it spawns
// at the best spawn point on the next step.
func (w *World) addTank(name string, brain *botBrain) PlayerID {
	id := w.nextID
	for {
		id++
		if id == 0 {
			continue
		}
		if _, taken := w.find(id); !taken {
			break
		}
	}
	w.nextID = id
	w.joins++
	i, _ := w.find(id)
	var past []pastPos
	if w.maxRewind > 0 {
		// Ticks now-maxRewind .. now: the present is recorded before shells catch up.
		past = make([]pastPos, w.maxRewind+1)
	}
	w.tanks = slices.Insert(w.tanks, i, tank{id: id, name: name, bot: brain, joined: w.joins, health: 0, past: past})
	w.roster++
	return id
}

// Step advances the world by one tick and returns what happened. The returned slice is reused by
// the next Step; copy what you keep. Events also queue up for the next Snapshot.
func (w *World) Step() []Event {
	w.tick++
	w.events = w.events[:0]
	w.stepRound()
	w.fillBots()
	w.thinkBots()
	for i := range w.tanks {
		w.stepTank(&w.tanks[i])
	}
	w.grid.build(w.tanks)
	w.separateTanks()
	w.grid.build(w.tanks)
	w.recordPast()
	w.stepShells()
	return w.events
}

// stepTank applies one tank's held input (after an input to catch up, or none on a starved
// step), or counts down its respawn.
func (w *World) stepTank(t *tank) {
	starved, catchingUp := t.starved, t.catchingUp
	t.starved, t.catchingUp = false, false
	if !t.alive {
		// A dead tank's inputs are used up doing nothing (its client predicts nothing until
		// the respawn), so its seq follows them, starved or not.
		t.applied = t.input.Seq
		if t.respawnTicks--; t.respawnTicks <= 0 {
			w.respawn(t)
		}
		return
	}
	if catchingUp {
		stepBody(&t.body, t.catchUp, &w.cfg, w.m, w.dt)
	}
	if !starved {
		t.applied = t.input.Seq
		stepBody(&t.body, t.input, &w.cfg, w.m, w.dt)
	}
	if t.shieldTicks > 0 {
		t.shieldTicks--
	}
	if t.reloadTicks > 0 {
		t.reloadTicks--
	}
	if !starved && t.input.Fire && !t.offline && t.reloadTicks == 0 && len(w.shells) < w.cfg.MaxShells && w.armed() {
		w.fire(t)
	}
}

// separateTanks pushes overlapping tanks apart, half each, removes their closing speed, and keeps
// both out of walls. Pairs come from the spatial grid, so this is near linear in tank count.
func (w *World) separateTanks() {
	r := w.cfg.TankRadius
	minD := 2 * r
	for i := range w.tanks {
		a := &w.tanks[i]
		if !a.tangible() {
			continue
		}
		w.grid.visit(a.X-minD, a.Y-minD, a.X+minD, a.Y+minD, func(j int32) {
			if int(j) <= i {
				return
			}
			b := &w.tanks[j]
			if b.offline {
				return
			}
			dx, dy := b.X-a.X, b.Y-a.Y
			d2 := dx*dx + dy*dy
			if d2 >= minD*minD {
				return
			}
			nx, ny, d := 1.0, 0.0, 0.0
			if d2 > 0 {
				d = math.Sqrt(d2)
				nx, ny = dx/d, dy/d
			}
			push := (minD - d) / 2
			a.X -= nx * push
			a.Y -= ny * push
			b.X += nx * push
			b.Y += ny * push
			if closing := (b.VX-a.VX)*nx + (b.VY-a.VY)*ny; closing < 0 {
				a.VX += nx * closing / 2
				a.VY += ny * closing / 2
				b.VX -= nx * closing / 2
				b.VY -= ny * closing / 2
			}
			collideWalls(&a.body, r, w.m)
			collideWalls(&b.body, r, w.m)
		})
	}
}
