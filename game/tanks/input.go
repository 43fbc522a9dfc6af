package tanks

import "math"

// Input is one player's held controls. The world applies the latest Input it was given on every
// step until a newer one arrives, so a lost or late packet just repeats the last state, unless
// the host says no input arrived for the step (World.Starve: the tank then waits for it).
type Input struct {
	// Seq numbers the client's inputs; the world reports the last one applied per tank so a
	// predicting client knows which of its inputs the server has already simulated.
	Seq uint32 `json:"seq"`
	// Throttle drives forward (1) or backward (-1).
	Throttle float64 `json:"throttle"`
	// Turn turns the hull clockwise (1) or anticlockwise (-1) on screen.
	Turn float64 `json:"turn"`
	// Aim is the turret's target angle in radians; the turret swings towards it at a limited rate.
	Aim float64 `json:"aim"`
	// Fire shoots whenever the gun is reloaded, for as long as it is held.
	Fire bool `json:"fire"`
	// View is the server tick at which the client drew the other tanks when it made this input
	// (interpolation delay plus the way down behind the present), or 0 if it does not say. A
	// shell this input fires is first resolved against the tanks as they were then (lag
	// compensation, see lagcomp.go), never more than Config.MaxRewind back.
	View uint64 `json:"view"`
}

// sanitize makes an input from the network safe to simulate: Throttle and Turn are clamped to
// -1..1 (NaN becomes 0), and a non-finite Aim keeps the previous aim; finite aims are wrapped.
func (in Input) sanitize(prevAim float64) Input {
	in.Throttle = clampAxis(in.Throttle)
	in.Turn = clampAxis(in.Turn)
	if math.IsNaN(in.Aim) || math.IsInf(in.Aim, 0) {
		in.Aim = prevAim
	} else {
		in.Aim = wrapAngle(math.Mod(in.Aim, 2*math.Pi))
	}
	return in
}

func clampAxis(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return clamp(v, -1, 1)
}

// seqNewer reports whether a is after b in a wrapping uint32 sequence.
func seqNewer(a, b uint32) bool { return int32(a-b) > 0 }

// Sequence, Absorb and Idle are what the room runtime needs of an input (game.Input).

// Sequence is the input's Seq.
func (in Input) Sequence() uint32 { return in.Seq }

// Absorb keeps this input's held controls and carries the shot of an older input merged away:
// Fire is an edge the player pressed, while throttle, turn and aim are superseded. A carried
// shot keeps the view it was aimed in.
func (in Input) Absorb(older Input) Input {
	if older.Fire && !in.Fire {
		in.Fire, in.View = true, older.View
	}
	return in
}

// Idle follows this input while the player is disconnected: the tank stops driving and firing
// and keeps its aim.
func (in Input) Idle() Input { return Input{Seq: in.Seq + 1, Aim: in.Aim} }
