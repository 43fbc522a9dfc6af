package tanks

import "math"

// body is the part of a tank that movement changes. web/js/movement.js mirrors stepBody and
// collideWalls operation for operation so a browser predicting its own tank lands on the same
// numbers as the server; change both together (TestJSMovementMatchesGo guards this).
type body struct {
	X, Y, VX, VY, Hull, Turret float64
}

// maxSubsteps bounds the work of one move even for absurd speeds.
const maxSubsteps = 16

// stepBody advances one tank body by dt under input in: hull turn, turret swing, throttle with
// friction and side grip, speed caps, then a sub-stepped move that slides along walls.
func stepBody(b *body, in Input, cfg *Config, m *Map, dt float64) {
	b.Hull = wrapAngle(b.Hull + in.Turn*cfg.HullTurnRate*dt)

	swing := wrapAngle(in.Aim - b.Turret)
	maxSwing := cfg.TurretTurnRate * dt
	b.Turret = wrapAngle(b.Turret + clamp(swing, -maxSwing, maxSwing))

	// Work in the hull's frame: fwd along the tracks, side across them.
	fx, fy := math.Cos(b.Hull), math.Sin(b.Hull)
	fwd := b.VX*fx + b.VY*fy
	side := b.VY*fx - b.VX*fy
	if in.Throttle == 0 || in.Throttle*fwd < 0 {
		fwd = approach(fwd, cfg.TankFriction*dt)
	}
	fwd = clamp(fwd+in.Throttle*cfg.TankAccel*dt, -cfg.TankReverseSpeed, cfg.TankMaxSpeed)
	side = approach(side, cfg.TankGrip*dt)
	b.VX = fwd*fx - side*fy
	b.VY = fwd*fy + side*fx

	// Sub-step so no step moves more than half a radius: a tank can never skip a wall.
	dist := math.Sqrt(b.VX*b.VX+b.VY*b.VY) * dt
	n := int(math.Ceil(dist / (cfg.TankRadius * 0.5)))
	n = max(1, min(n, maxSubsteps))
	sdt := dt / float64(n)
	for range n {
		b.X += b.VX * sdt
		b.Y += b.VY * sdt
		collideWalls(b, cfg.TankRadius, m)
	}
}

// collideWalls pushes a circle of radius r out of every wall rectangle it overlaps (in wall index
// order) and out of the arena edges, removing the velocity into each surface so the tank slides.
func collideWalls(b *body, r float64, m *Map) {
	var near [32]int32
	cands := m.wallsNear(b.X, b.Y, r, near[:0])
	for _, wi := range cands {
		pushOutOfRect(b, r, &m.Walls[wi])
	}
	if b.X < r {
		b.X = r
		b.VX = max(b.VX, 0)
	} else if b.X > m.Width-r {
		b.X = m.Width - r
		b.VX = min(b.VX, 0)
	}
	if b.Y < r {
		b.Y = r
		b.VY = max(b.VY, 0)
	} else if b.Y > m.Height-r {
		b.Y = m.Height - r
		b.VY = min(b.VY, 0)
	}
}

// pushOutOfRect resolves one circle-rectangle overlap along the shortest way out.
func pushOutOfRect(b *body, r float64, w *Rect) {
	cx := clamp(b.X, w.X, w.X+w.W)
	cy := clamp(b.Y, w.Y, w.Y+w.H)
	dx, dy := b.X-cx, b.Y-cy
	d2 := dx*dx + dy*dy
	if d2 >= r*r {
		return
	}
	var nx, ny float64
	if d2 > 0 {
		d := math.Sqrt(d2)
		nx, ny = dx/d, dy/d
		b.X, b.Y = cx+nx*r, cy+ny*r
	} else {
		// The centre is inside the rectangle: leave through the nearest side.
		left, right := b.X-w.X, w.X+w.W-b.X
		top, bottom := b.Y-w.Y, w.Y+w.H-b.Y
		switch min(left, right, top, bottom) {
		case left:
			nx, b.X = -1, w.X-r
		case right:
			nx, b.X = 1, w.X+w.W+r
		case top:
			ny, b.Y = -1, w.Y-r
		default:
			ny, b.Y = 1, w.Y+w.H+r
		}
	}
	if vn := b.VX*nx + b.VY*ny; vn < 0 {
		b.VX -= vn * nx
		b.VY -= vn * ny
	}
}

// wallsNear appends, in ascending order, the indices of wall rectangles that a circle at x,y with
// radius r could touch (one tile of margin), using the per-tile wall index instead of all walls.
// Ascending order makes the result equal to testing every wall in order, as the browser does.
func (m *Map) wallsNear(x, y, r float64, dst []int32) []int32 {
	ts := m.TileSize
	c0 := max(int(math.Floor((x-r)/ts))-1, 0)
	c1 := min(int(math.Floor((x+r)/ts))+1, m.Cols-1)
	r0 := max(int(math.Floor((y-r)/ts))-1, 0)
	r1 := min(int(math.Floor((y+r)/ts))+1, m.Rows-1)
	for row := r0; row <= r1; row++ {
		for col := c0; col <= c1; col++ {
			wi := m.wallOf[row*m.Cols+col]
			if wi < 0 {
				continue
			}
			// Insert sorted, skipping duplicates (big rectangles cover many tiles).
			j := len(dst)
			dup := false
			for j > 0 && dst[j-1] >= wi {
				if dst[j-1] == wi {
					dup = true
					break
				}
				j--
			}
			if dup || len(dst) == cap(dst) {
				continue
			}
			dst = append(dst, 0)
			copy(dst[j+1:], dst[j:])
			dst[j] = wi
		}
	}
	return dst
}
