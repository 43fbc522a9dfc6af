package main

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
)

// The field, a square's side (the doubloon's too) and a square's speed a tick, in pixels.
const width, height, size, speed = 640, 480, 20, 4

// Input is a player's held arrows, [seq, dx, dy]: held state only, so a skipped input leaves
// nothing to carry (Absorb), and a player whose connection dropped stands still (Idle).
type Input [3]int64

func (in Input) Sequence() uint32   { return uint32(in[0]) }
func (in Input) Absorb(Input) Input { return in }
func (in Input) Idle() Input        { return Input{in[0] + 1} }

// parseInput reads an "input" payload; the runtime drops and counts one that does not decode.
func parseInput(raw json.RawMessage) (in Input, err error) {
	err = json.Unmarshal(raw, &in) // fractions, strings, objects: an error
	return Input{in[0], min(max(in[1], -1), 1), min(max(in[2], -1), 1)}, err
}

type player struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	X     int64  `json:"x"`
	Y     int64  `json:"y"`
	Score int    `json:"score"`
	in    Input
}

// world is one room, a game.Simulation[Input]: it knows no network and reads no clock. Its
// exported fields are the snapshot, whole JSON every time (a keyframe whatever base is asked
// for; the page decodes with the kit's decodeJSON): enough for a few squares, see game/tanks
// for deltas.
type world struct {
	Tick    int       `json:"tick"`
	Coin    [2]int64  `json:"coin"`
	Players []*player `json:"players"` // in joining order, so a tie goes the same way every run
	rng     *rand.Rand
	version uint64 // the roster's: joins, leaves and scores change it; a join's is its id
	snap    []byte
}

func newWorld(seed uint64) *world {
	w := &world{rng: rand.New(rand.NewPCG(seed, 0))}
	w.Coin[0], w.Coin[1] = w.anywhere()
	return w
}

func (w *world) AddPlayer(name string) (int, error) {
	w.version++
	x, y := w.anywhere()
	w.Players = append(w.Players, &player{ID: int(w.version), Name: name, X: x, Y: y})
	return int(w.version), nil
}

// RemovePlayer and SetInput are only given the ids of players in the room.
func (w *world) RemovePlayer(id int) {
	w.Players = slices.Delete(w.Players, w.at(id), w.at(id)+1)
	w.version++
}
func (w *world) SetInput(id int, in Input) { w.Players[w.at(id)].in = in }
func (w *world) at(id int) int {
	return slices.IndexFunc(w.Players, func(p *player) bool { return p.ID == id })
}
func (w *world) anywhere() (x, y int64) {
	return w.rng.Int64N(width - size), w.rng.Int64N(height - size)
}

// Step moves the squares within the field; one touching the doubloon scores, and it moves.
func (w *world) Step() {
	w.Tick++
	for _, p := range w.Players {
		p.X, p.Y = min(max(p.X+p.in[1]*speed, 0), width-size), min(max(p.Y+p.in[2]*speed, 0), height-size)
		if max(p.X-w.Coin[0], w.Coin[0]-p.X, p.Y-w.Coin[1], w.Coin[1]-p.Y) < size {
			p.Score, w.version = p.Score+1, w.version+1
			w.Coin[0], w.Coin[1] = w.anywhere()
		}
	}
}

// The roster, sent again whenever a score changes, is the page's scoreboard.
func (w *world) Roster() any            { return w.Players }
func (w *world) RosterVersion() uint64  { return w.version }
func (w *world) CaptureSnapshot(uint32) { w.snap, _ = json.Marshal(w) } // numbers and strings always encode
func (w *world) AppendSnapshot(dst []byte, _ uint32) ([]byte, uint32) {
	return append(dst, w.snap...), 0
}
func (w *world) Welcome() json.RawMessage { return json.RawMessage(`{"w":640,"h":480,"size":20}`) }
