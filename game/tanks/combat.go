package tanks

import "math"

// hit applies shell s to tank t: damage unless t is shielded, and a kill when health runs out.
func (w *World) hit(s *shell, t *tank) {
	dmg := w.cfg.ShellDamage
	if t.shieldTicks > 0 || !w.armed() {
		dmg = 0
	}
	if s.owner != t.id {
		if i, ok := w.find(s.owner); ok {
			w.tanks[i].hits++
		}
	}
	t.health -= dmg
	ricochet := s.bounces > 0
	w.emit(Event{Type: EventHit, Tank: s.owner, Victim: t.id, Shell: s.id, Damage: dmg, Ricochet: ricochet, X: s.x, Y: s.y})
	if t.health <= 0 {
		w.kill(s.owner, t, ricochet)
	}
}

// kill destroys victim and credits killer (if it is still in the world and not the victim);
// ricochet says the killing shell had bounced.
func (w *World) kill(killer PlayerID, victim *tank, ricochet bool) {
	victim.health = 0
	victim.alive = false
	victim.VX, victim.VY = 0, 0
	victim.deaths++
	victim.streak = 0
	victim.respawnTicks = w.cfg.ticks(w.cfg.RespawnDelay)
	w.emit(Event{Type: EventKill, Tank: killer, Victim: victim.id, Ricochet: ricochet, X: victim.X, Y: victim.Y})
	if killer == victim.id {
		return
	}
	if i, ok := w.find(killer); ok {
		k := &w.tanks[i]
		k.kills++
		k.streak++
		k.best = max(k.best, k.streak)
	}
}

// respawn brings t back at full health with a spawn shield, at the safest spawn (bestSpawn),
// facing the arena's centre. Joining tanks start dead, so they spawn here too.
func (w *World) respawn(t *tank) {
	p := w.m.Spawns[w.bestSpawn(t.id)]
	t.body = body{X: p.X, Y: p.Y}
	t.Hull = math.Atan2(w.m.Height/2-p.Y, w.m.Width/2-p.X)
	t.Turret = t.Hull
	t.input.Aim = t.Hull
	t.health = w.cfg.MaxHealth
	t.alive = true
	t.spawned = w.tick
	t.shieldTicks = w.cfg.ticks(w.cfg.SpawnShield)
	t.reloadTicks = 0
	w.emit(Event{Type: EventRespawn, Tank: t.id, X: p.X, Y: p.Y})
}

// bestSpawn picks the safest spawn for a tank joining or coming back: the one with the least
// threat (see spawnThreat), then the farthest nearest enemy. Remaining ties rotate with the
// tank's ID, so tanks appearing in the same step spread over equal spawns instead of all
// taking the first one in the map file. The choice is deterministic.
func (w *World) bestSpawn(self PlayerID) int {
	n := len(w.m.Spawns)
	best, bestThreat, bestD := 0, math.Inf(1), -1.0
	for k := range n {
		si := (int(self) + k) % n
		threat, nearest := w.spawnThreat(self, w.m.Spawns[si])
		if threat < bestThreat || (threat == bestThreat && nearest > bestD) {
			best, bestThreat, bestD = si, threat, nearest
		}
	}
	return best
}

// spawnThreat scores how dangerous p is for a fresh tank and returns the squared distance of
// its nearest living enemy. A tank already standing on the spot counts most (both would be
// pushed apart in each other's sights); an enemy with a clear line counts more the closer it
// is, fading to nothing at shell range; enemies behind walls do not count.
func (w *World) spawnThreat(self PlayerID, p Point) (threat, nearest float64) {
	nearest = math.Inf(1)
	occupied := 4 * w.cfg.TankRadius
	for i := range w.tanks {
		o := &w.tanks[i]
		if !o.tangible() || o.id == self {
			continue
		}
		dx, dy := o.X-p.X, o.Y-p.Y
		d2 := dx*dx + dy*dy
		nearest = math.Min(nearest, d2)
		d := math.Sqrt(d2)
		switch {
		case d < occupied:
			threat += 4
		case d < w.cfg.ShellRange && w.lineOfSight(p.X, p.Y, o.X, o.Y):
			f := 1 - d/w.cfg.ShellRange
			threat += f * f
		}
	}
	return threat, nearest
}
