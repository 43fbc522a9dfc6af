package tanks

import (
	"encoding/json"
	"fmt"
)

// Game is Tank Arena as the room runtime (package game) runs it: the rules, the maps and the
// bots every room starts with. Its rooms satisfy game.Simulation[Input] without this package
// importing the runtime: a simulation knows nothing of the network.
type Game struct {
	cfg     Config
	maps    []*Map // the rotation
	start   int    // the map each room starts on
	bots    int
	seed    func() uint64
	welcome json.RawMessage
	lag     LagStats
}

// NewGame is a game on one map: every round plays it again.
func NewGame(cfg Config, m *Map, bots int, seed func() uint64) (*Game, error) {
	return NewRotationGame(cfg, []*Map{m}, 0, bots, seed)
}

// NewRotationGame checks the rules and prepares what every join answer carries: the map rotation
// and the rules (the browser draws the maps and predicts its own tank with the rules). Its rooms
// start on maps[start], and each round plays the next map of the list, round and round. bots
// fill each room up to that many tanks; seed gives each new room's random seed.
func NewRotationGame(cfg Config, maps []*Map, start, bots int, seed func() uint64) (*Game, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("tanks: config: %w", err)
	}
	if start < 0 || start >= len(maps) {
		return nil, fmt.Errorf("tanks: rotation of %d maps has no map %d", len(maps), start)
	}
	// "map" is the room's first map; "maps" the rotation, which snapshots index (RoundState.Map)
	// so the browser switches maps between rounds without asking for them.
	welcome, err := json.Marshal(struct {
		Map    *Map   `json:"map"`
		Maps   []*Map `json:"maps"`
		Config Config `json:"config"`
	}{maps[start], maps, cfg})
	if err != nil {
		return nil, fmt.Errorf("tanks: welcome: %w", err)
	}
	return &Game{cfg: cfg, maps: maps, start: start, bots: bots, seed: seed, welcome: welcome}, nil
}

// NewRoom builds one room's world, with its bots.
func (g *Game) NewRoom() (*Room, error) {
	w, err := NewWorld(g.cfg, g.maps[g.start], g.seed())
	if err != nil {
		return nil, err
	}
	if err := w.SetRotation(g.maps, g.start); err != nil {
		return nil, err
	}
	w.SetBotFill(g.bots, BotNormal)
	w.lagStats = &g.lag
	return &Room{World: w, welcome: g.welcome}, nil
}

// LagStats counts the lag-compensated shells of all the game's rooms.
func (g *Game) LagStats() *LagStats { return &g.lag }

// snapshotHistory is how many captured snapshots a room keeps as bases for deltas: about a
// second at 30 snapshots a second, more than a client's acknowledgement takes on any network
// worth playing on; a client further behind gets a keyframe.
const snapshotHistory = 32

// Room is one arena's world as the runtime drives it: ids as ints, the roster as JSON, and
// snapshots kept by number so that each client's delta is against the one it acknowledged.
type Room struct {
	*World
	history [snapshotHistory]numbered // by number modulo snapshotHistory
	latest  uint32
	welcome json.RawMessage
}

type numbered struct {
	n    uint32
	snap Snapshot
}

func (r *Room) AddPlayer(name string) (int, error) {
	id, err := r.World.AddPlayer(name)
	return int(id), err
}

// RemovePlayer and SetInput ignore an unknown id: the runtime only names players it seated.
func (r *Room) RemovePlayer(id int)       { _ = r.World.RemovePlayer(PlayerID(id)) }
func (r *Room) SetInput(id int, in Input) { _ = r.World.SetInput(PlayerID(id), in) }
func (r *Room) Step()                     { r.World.Step() }

// Starve and CatchUp pace a player's tank by its inputs (game.Pacer): a starved tick holds it
// still, a shed input is an extra step, so every input moves it exactly once, as its client
// predicted. See World.Starve and World.CatchUp.
func (r *Room) Starve(id int)               { _ = r.World.Starve(PlayerID(id)) }
func (r *Room) CatchUp(id int, older Input) { _ = r.World.CatchUp(PlayerID(id), older) }

// SetConnected makes a disconnected player's tank a ghost until it is back (game.Presence).
func (r *Room) SetConnected(id int, connected bool) {
	_ = r.World.SetConnected(PlayerID(id), connected)
}
func (r *Room) Roster() any { return r.World.Players(nil) }

// RoundNumber is the round under way (game.Rounds): each round is recorded to a replay of its
// own.
func (r *Room) RoundNumber() int         { return r.World.Round().Number }
func (r *Room) Welcome() json.RawMessage { return r.welcome }

// LastSnapshot is the latest captured snapshot.
func (r *Room) LastSnapshot() *Snapshot { return &r.history[r.latest%snapshotHistory].snap }

// CaptureSnapshot records the world as snapshot n, in the slot of the one snapshotHistory
// before it (reusing its slices).
func (r *Room) CaptureSnapshot(n uint32) {
	slot := &r.history[n%snapshotHistory]
	slot.n = n
	r.World.Snapshot(&slot.snap)
	r.latest = n
}

// AppendSnapshot encodes the latest snapshot against base while the room still holds it.
func (r *Room) AppendSnapshot(dst []byte, base uint32) ([]byte, uint32) {
	cur := r.LastSnapshot()
	if b := &r.history[base%snapshotHistory]; base != 0 && base != r.latest && b.n == base {
		return EncodeSnapshot(dst, cur, &b.snap), base
	}
	return EncodeSnapshot(dst, cur, nil), 0
}
