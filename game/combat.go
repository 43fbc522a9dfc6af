package game

import "math"

// hit applies shell s to tank t: damage unless t is shielded, and a kill when health runs out.
func (w *World) hit(s *shell, t *tank) {
	dmg := w.cfg.ShellDamage
	if t.shieldTicks > 0 {
		dmg = 0
	}
	t.health -= dmg
	w.emit(Event{Type: EventHit, Tank: s.owner, Victim: t.id, Shell: s.id, Damage: dmg, X: s.x, Y: s.y})
	if t.health <= 0 {
		w.kill(s.owner, t)
	}
}

// kill destroys victim and credits killer (if it is still in the world and not the victim).
func (w *World) kill(killer PlayerID, victim *tank) {
	victim.health = 0
	victim.alive = false
	victim.VX, victim.VY = 0, 0
	victim.deaths++
	victim.streak = 0
	victim.respawnTicks = w.cfg.ticks(w.cfg.RespawnDelay)
	w.emit(Event{Type: EventKill, Tank: killer, Victim: victim.id, X: victim.X, Y: victim.Y})
	if killer == victim.id {
		return
	}
	if i, ok := w.find(killer); ok {
		w.tanks[i].kills++
		w.tanks[i].streak++
	}
}

// respawn brings t back at full health with a spawn shield, at the spawn point farthest from
// every living enemy, facing the arena's centre.
func (w *World) respawn(t *tank) {
	p := w.m.Spawns[w.bestSpawn(t.id)]
	t.body = body{X: p.X, Y: p.Y}
	t.Hull = math.Atan2(w.m.Height/2-p.Y, w.m.Width/2-p.X)
	t.Turret = t.Hull
	t.input.Aim = t.Hull
	t.health = w.cfg.MaxHealth
	t.alive = true
	t.shieldTicks = w.cfg.ticks(w.cfg.SpawnShield)
	t.reloadTicks = 0
	w.emit(Event{Type: EventRespawn, Tank: t.id, X: p.X, Y: p.Y})
}

// bestSpawn picks the spawn whose nearest living enemy is farthest away; ties go to the earlier
// spawn in the map file, so the choice is deterministic.
func (w *World) bestSpawn(self PlayerID) int {
	best, bestD := 0, -1.0
	for si, p := range w.m.Spawns {
		nearest := math.Inf(1)
		for i := range w.tanks {
			o := &w.tanks[i]
			if !o.alive || o.id == self {
				continue
			}
			dx, dy := o.X-p.X, o.Y-p.Y
			nearest = math.Min(nearest, dx*dx+dy*dy)
		}
		if nearest > bestD {
			best, bestD = si, nearest
		}
	}
	return best
}
