package tanks

// Snapshot is what a client needs to draw one tick: every tank, shell and score, plus the events
// since the previous snapshot. Names are not included (the host sends the roster separately).
// Tanks and Shells are sorted by ID; Scores[i] belongs to Tanks[i].
type Snapshot struct {
	Tick uint64 `json:"tick"`
	// TickRate is the world's steps per second; decoders need it to advance shells that a
	// delta snapshot leaves out.
	TickRate int `json:"tickRate"`
	// ShellSpeed is every shell's speed (Config.ShellSpeed): the wire sends only a shell's
	// direction, and decoders rebuild its velocity from this.
	ShellSpeed float64      `json:"shellSpeed"`
	Tanks      []TankState  `json:"tanks"`
	Shells     []ShellState `json:"shells"`
	Scores     []Score      `json:"scores"`
	Events     []Event      `json:"events"`
	Round      RoundState   `json:"round"`
}

// TankState is one tank as clients see it. Velocity is included because a predicting client
// restarts its own tank's simulation from the server state.
type TankState struct {
	ID       PlayerID `json:"id"`
	X        float64  `json:"x"`
	Y        float64  `json:"y"`
	VX       float64  `json:"vx"`
	VY       float64  `json:"vy"`
	Hull     float64  `json:"hull"`
	Turret   float64  `json:"turret"`
	Health   int      `json:"health"`
	Alive    bool     `json:"alive"`
	Shielded bool     `json:"shielded"`
	// Offline is set while the player is disconnected: the tank is a ghost (see
	// World.SetConnected) that clients draw faded.
	Offline bool `json:"offline"`
	// Seq is the last input sequence number the server applied for this tank.
	Seq uint32 `json:"seq"`
}

// ShellState is one shell in flight.
type ShellState struct {
	ID    uint32   `json:"id"`
	Owner PlayerID `json:"owner"`
	X     float64  `json:"x"`
	Y     float64  `json:"y"`
	VX    float64  `json:"vx"`
	VY    float64  `json:"vy"`
}

// Snapshot fills dst with the current state, reusing its slices, and hands over the events
// produced since the previous call (so each event goes into exactly one snapshot).
func (w *World) Snapshot(dst *Snapshot) {
	dst.Tick = w.tick
	dst.TickRate = w.cfg.TickRate
	dst.ShellSpeed = w.cfg.ShellSpeed
	dst.Round = w.round
	dst.Tanks = dst.Tanks[:0]
	dst.Scores = dst.Scores[:0]
	for i := range w.tanks {
		t := &w.tanks[i]
		dst.Tanks = append(dst.Tanks, TankState{
			ID: t.id, X: t.X, Y: t.Y, VX: t.VX, VY: t.VY, Hull: t.Hull, Turret: t.Turret,
			Health: t.health, Alive: t.alive, Shielded: t.alive && t.shieldTicks > 0, Offline: t.offline, Seq: t.applied,
		})
		dst.Scores = append(dst.Scores, t.score())
	}
	dst.Shells = dst.Shells[:0]
	for i := range w.shells {
		s := &w.shells[i]
		dst.Shells = append(dst.Shells, ShellState{ID: s.id, Owner: s.owner, X: s.x, Y: s.y, VX: s.vx, VY: s.vy})
	}
	dst.Events = append(dst.Events[:0], w.pending...)
	w.pending = w.pending[:0]
}
