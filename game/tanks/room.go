package tanks

import (
	"encoding/json"
	"fmt"
)

// Game is Tank Arena as the room runtime (package game) runs it: the rules, the map and the
// bots every room starts with. Its rooms satisfy game.Simulation[Input] without this package
// importing the runtime: a simulation knows nothing of the network.
type Game struct {
	cfg     Config
	m       *Map
	bots    int
	seed    func() uint64
	welcome json.RawMessage
}

// NewGame checks the rules and prepares what every join answer carries: the map and the rules
// (the browser draws the one and predicts its own tank with the other). bots fill each room up
// to that many tanks; seed gives each new room's random seed.
func NewGame(cfg Config, m *Map, bots int, seed func() uint64) (*Game, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("tanks: config: %w", err)
	}
	welcome, err := json.Marshal(struct {
		Map    *Map   `json:"map"`
		Config Config `json:"config"`
	}{m, cfg})
	if err != nil {
		return nil, fmt.Errorf("tanks: welcome: %w", err)
	}
	return &Game{cfg: cfg, m: m, bots: bots, seed: seed, welcome: welcome}, nil
}

// NewRoom builds one room's world, with its bots.
func (g *Game) NewRoom() (*Room, error) {
	w, err := NewWorld(g.cfg, g.m, g.seed())
	if err != nil {
		return nil, err
	}
	w.SetBotFill(g.bots, BotNormal)
	return &Room{World: w, welcome: g.welcome}, nil
}

// Room is one arena's world as the runtime drives it: ids as ints, the roster as JSON, and
// snapshots encoded as deltas against the one captured before.
type Room struct {
	*World
	cur, prev Snapshot // the snapshot being sent and the one sent before (the deltas' base)
	welcome   json.RawMessage
}

func (r *Room) AddPlayer(name string) (int, error) {
	id, err := r.World.AddPlayer(name)
	return int(id), err
}

// RemovePlayer and SetInput ignore an unknown id: the runtime only names players it seated.
func (r *Room) RemovePlayer(id int)       { _ = r.World.RemovePlayer(PlayerID(id)) }
func (r *Room) SetInput(id int, in Input) { _ = r.World.SetInput(PlayerID(id), in) }
func (r *Room) Step()                     { r.World.Step() }
func (r *Room) Roster() any               { return r.World.Players(nil) }
func (r *Room) Welcome() json.RawMessage  { return r.welcome }
func (r *Room) LastSnapshot() *Snapshot   { return &r.cur }
func (r *Room) CaptureSnapshot()          { r.cur, r.prev = r.prev, r.cur; r.World.Snapshot(&r.cur) }
func (r *Room) AppendSnapshot(dst []byte, delta bool) []byte {
	if delta {
		return EncodeSnapshot(dst, &r.cur, &r.prev)
	}
	return EncodeSnapshot(dst, &r.cur, nil)
}
