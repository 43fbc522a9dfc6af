package tanks

import "math"

// Lag compensation for shells.
//
// A player sees the other tanks in the past: the browser draws them an interpolation delay
// behind the newest snapshot, which is itself half a round trip old, and its input needs the
// other half to reach the server. Aiming at what it sees, a player at 150 ms of round trip with
// 100 ms of interpolation aims 250 ms behind the present, some 40 units at a tank's top speed,
// and a tank is 28 across.
//
// So each input may say which tick its player was drawing the others at ([Input.View]). When an
// input with a view fires, the shell is "caught up" in the tick it is fired: it flies the ticks
// between that view and the present at once, its sub-step k tested against the other tanks as
// they were at tick view+1+k (a client that sees tick v acts in tick v+1, as one without
// latency does), from a short per-tank ring of past positions; from the present on it flies and
// hits like any shell. The shell thus meets every tank exactly when, on the shooter's screen,
// it met it, and the catch-up ends in the present, so nothing of the past outlives the tick the
// shot is fired in. The rewind is the last tick run minus the view: 0 for a client that sees
// the newest state.
//
// Bounds. The rewind is at most Config.MaxRewind (250 ms, 15 ticks at 60 Hz): an older claim is
// held to it, so a player cannot hit what went behind a wall longer ago than that. The caught-up
// shell meets walls as usual (walls do not move), so it cannot pass one it hit. A tank counts
// at a past tick only if it was alive then and still is, in the same life; the shell's owner is
// tested only in the present. Damage, shields and kills are those of the present. Bots send no
// view and are not compensated.
//
// The price, as in every shooter-favouring scheme: the other players see the shell appear up
// to 250 ms into its flight, and may be hit a moment after they took cover on their screen.
//
// Everything is counted in ticks; the rings are allocated when a tank joins, so a tick records
// and rewinds without allocating.

// pastPos is where a tank was at one tick, while alive.
type pastPos struct {
	tick uint64
	x, y float64
}

// rewindTicks converts Config.MaxRewind to ticks.
func (c *Config) rewindTicks() int { return int(math.Round(c.MaxRewind * float64(c.TickRate))) }

// rewindFor is how many ticks older than the newest state (the last tick run, the one before
// the tick the input is applied on) the view an input was made in is: 0 for no view or one not
// in the past, at most the configured bound (clamped reports a view beyond it). A client that
// sees the newest state as it makes its input is not rewound: its input and the others' moves
// then meet in the next tick, as in a game without latency.
func (w *World) rewindFor(view uint64) (rewind int, clamped bool) {
	if view == 0 || view >= w.tick {
		return 0, false
	}
	late := w.tick - view
	return int(min(late, uint64(w.maxRewind))), late > uint64(w.maxRewind)
}

// recordPast keeps this tick's positions of living tanks, as shells meet them this tick.
func (w *World) recordPast() {
	for i := range w.tanks {
		t := &w.tanks[i]
		if t.alive && len(t.past) > 0 {
			t.past[w.tick%uint64(len(t.past))] = pastPos{tick: w.tick, x: t.X, y: t.Y}
		}
	}
}

// pastAt returns where t was at tick u, if it was alive then in its current life and u is
// still in its ring.
func (t *tank) pastAt(u uint64) (pastPos, bool) {
	if len(t.past) == 0 || u < t.spawned {
		return pastPos{}, false
	}
	p := t.past[u%uint64(len(t.past))]
	return p, p.tick == u
}

// catchUp flies a new compensated shell through the s.rewind ticks its shooter had not seen,
// testing sub-step k against the other tanks at tick now-rewind+k. It reports false when the
// shell is spent on the way (a wall, a hit or its range).
func (w *World) catchUp(s *shell) bool {
	step := w.cfg.ShellSpeed * w.dt
	for u := w.tick - uint64(s.rewind); u < w.tick; u++ {
		x0, y0 := s.x, s.y
		if !w.flyShell(s, step) || w.shellHitsPast(s, x0, y0, u) || s.travelled >= w.cfg.ShellRange {
			return false
		}
	}
	s.rewind = 0
	return true
}

// shellHitsPast is shellHitsTank against the tanks where they were at tick u. It visits every
// tank rather than the grid (built for the present): it runs for one new shell, a few ticks.
func (w *World) shellHitsPast(s *shell, x0, y0 float64, u uint64) bool {
	reach := w.cfg.TankRadius + w.cfg.ShellRadius
	best, bestIdx := math.Inf(1), -1
	for j := range w.tanks {
		t := &w.tanks[j]
		if !t.tangible() { // a ghost (offline) is not hit in the past either
			continue
		}
		p, ok := t.pastAt(u)
		if t.id == s.owner {
			// The owner is tested where it is now, and only once its shell has bounced: a
			// shell fired point-blank at a wall comes back at its shooter during the
			// catch-up too.
			p, ok = pastPos{x: t.X, y: t.Y}, s.bounces > 0
		}
		if !ok || segmentPointDist2(x0, y0, s.x, s.y, p.x, p.y) > reach*reach {
			continue
		}
		// Nearest the path's start wins, as in the present; the first by index breaks ties.
		if along := (p.x-x0)*(p.x-x0) + (p.y-y0)*(p.y-y0); along < best {
			best, bestIdx = along, j
		}
	}
	if bestIdx < 0 {
		return false
	}
	w.hit(s, &w.tanks[bestIdx])
	return true
}
