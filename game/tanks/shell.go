package tanks

import "math"

// shell is a projectile in flight. It moves at constant speed, ricochets off walls
// Config.ShellBounces times, and expires on the next wall hit or after Config.ShellRange.
type shell struct {
	id        uint32
	owner     PlayerID
	x, y      float64
	vx, vy    float64
	bounces   int
	travelled float64
	rewind    int // ticks to catch up before its first step (lagcomp.go); 0 once in the present
}

// fire launches a shell along the turret. It starts at the tank's centre and immediately flies
// MuzzleOffset, so a gun pressed against a wall ricochets instead of spawning inside it.
func (w *World) fire(t *tank) {
	w.nextShell++
	dx, dy := math.Cos(t.Turret), math.Sin(t.Turret)
	s := shell{id: w.nextShell, owner: t.id, x: t.X, y: t.Y, vx: dx * w.cfg.ShellSpeed, vy: dy * w.cfg.ShellSpeed, rewind: t.lag}
	t.reloadTicks = w.cfg.ticks(w.cfg.ReloadTime)
	t.shots++
	t.shieldTicks = 0 // attacking ends spawn protection
	if t.lag > 0 {
		w.lagStats.count(t.lag, t.lagClamped)
	}
	alive := w.flyShell(&s, w.cfg.MuzzleOffset)
	w.emit(Event{Type: EventFire, Tank: t.id, Shell: s.id, X: s.x, Y: s.y})
	if alive {
		w.shells = append(w.shells, s)
	}
}

// stepShells moves every shell one tick, resolving wall bounces and tank hits, and compacts the
// list in place (order, and so determinism, is preserved). A shell fired this tick with lag
// compensation first catches up with the present.
func (w *World) stepShells() {
	step := w.cfg.ShellSpeed * w.dt
	keep := w.shells[:0]
	for i := range w.shells {
		s := w.shells[i]
		if s.rewind > 0 && !w.catchUp(&s) {
			continue
		}
		x0, y0 := s.x, s.y
		if !w.flyShell(&s, step) {
			continue
		}
		if w.shellHitsTank(&s, x0, y0) {
			continue
		}
		if s.travelled >= w.cfg.ShellRange {
			continue
		}
		keep = append(keep, s)
	}
	w.shells = keep
}

// flyShell moves s by dist in sub-steps of at most a quarter tile, reflecting the velocity
// component that enters a wall tile. It reports false when the shell is spent on a wall.
func (w *World) flyShell(s *shell, dist float64) bool {
	quarter := w.m.TileSize / 4
	n := max(1, int(math.Ceil(dist/quarter)))
	f := dist / w.cfg.ShellSpeed / float64(n) // seconds per sub-step
	for range n {
		nx, ny := s.x+s.vx*f, s.y+s.vy*f
		hitX := w.m.SolidAt(nx, s.y)
		hitY := w.m.SolidAt(s.x, ny)
		if !hitX && !hitY && w.m.SolidAt(nx, ny) {
			hitX, hitY = true, true // exactly into a corner
		}
		if hitX || hitY {
			if s.bounces >= w.cfg.ShellBounces {
				w.emit(Event{Type: EventBounce, Tank: s.owner, Shell: s.id, X: s.x, Y: s.y})
				return false
			}
			s.bounces++
			if hitX {
				s.vx = -s.vx
			}
			if hitY {
				s.vy = -s.vy
			}
			w.emit(Event{Type: EventBounce, Tank: s.owner, Shell: s.id, X: s.x, Y: s.y})
			continue // the sub-step is spent turning around, the shell stays outside the wall
		}
		s.x, s.y = nx, ny
	}
	s.travelled += dist
	return true
}

// shellHitsTank tests the path x0,y0 → s against nearby tanks and applies the first hit.
// A shell cannot hit its owner before its first ricochet, and passes through offline tanks.
func (w *World) shellHitsTank(s *shell, x0, y0 float64) bool {
	reach := w.cfg.TankRadius + w.cfg.ShellRadius
	best, bestIdx := math.Inf(1), int32(-1)
	w.grid.visit(min(x0, s.x)-reach, min(y0, s.y)-reach, max(x0, s.x)+reach, max(y0, s.y)+reach, func(j int32) {
		t := &w.tanks[j]
		if !t.tangible() || (t.id == s.owner && s.bounces == 0) {
			return
		}
		if d := segmentPointDist2(x0, y0, s.x, s.y, t.X, t.Y); d <= reach*reach {
			// Prefer the tank nearest the path's start; ties by index keep it deterministic.
			if along := (t.X-x0)*(t.X-x0) + (t.Y-y0)*(t.Y-y0); along < best || (along == best && j < bestIdx) {
				best, bestIdx = along, j
			}
		}
	})
	if bestIdx < 0 {
		return false
	}
	w.hit(s, &w.tanks[bestIdx])
	return true
}

// segmentPointDist2 is the squared distance from point p to segment a-b.
func segmentPointDist2(ax, ay, bx, by, px, py float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = clamp(((px-ax)*dx+(py-ay)*dy)/l2, 0, 1)
	}
	ex, ey := ax+dx*t-px, ay+dy*t-py
	return ex*ex + ey*ey
}
