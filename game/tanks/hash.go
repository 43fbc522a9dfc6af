package tanks

import "math"

// fnv64 is FNV-1a over 64-bit words, enough to tell two simulations apart.
type fnv64 uint64

func (h *fnv64) word(v uint64) {
	for i := 0; i < 8; i++ {
		*h ^= fnv64(byte(v >> (8 * i)))
		*h *= 1099511628211
	}
}

func (h *fnv64) float(f float64) { h.word(math.Float64bits(f)) }

func (h *fnv64) flag(b bool) {
	if b {
		h.word(1)
	} else {
		h.word(0)
	}
}

// StateHash fingerprints everything that influences future steps (tick, RNG, the round, tanks
// with their recent positions, shells, scores and round statistics). Two worlds with equal hashes will keep evolving identically given equal inputs.
func (w *World) StateHash() uint64 {
	h := fnv64(14695981039346656037)
	h.word(w.tick)
	h.word(w.rng.s)
	h.word(uint64(w.nextShell))
	h.word(uint64(w.round.Phase))
	h.word(uint64(w.round.Number))
	h.word(uint64(w.round.Map))
	h.word(w.round.Ends)
	h.word(uint64(len(w.tanks)))
	for i := range w.tanks {
		t := &w.tanks[i]
		h.word(uint64(t.id))
		for _, f := range [...]float64{t.X, t.Y, t.VX, t.VY, t.Hull, t.Turret, t.input.Throttle, t.input.Turn, t.input.Aim} {
			h.float(f)
		}
		for _, v := range [...]int{t.health, t.shieldTicks, t.reloadTicks, t.respawnTicks, t.kills, t.deaths, t.streak, t.best, t.shots, t.hits} {
			h.word(uint64(v))
		}
		h.flag(t.alive)
		h.flag(t.offline)
		h.flag(t.input.Fire)
		h.word(uint64(t.applied))
		h.word(uint64(t.lag))
		h.word(t.spawned)
		for _, p := range t.past {
			h.word(p.tick)
			h.float(p.x)
			h.float(p.y)
		}
	}
	h.word(uint64(len(w.shells)))
	for i := range w.shells {
		s := &w.shells[i]
		h.word(uint64(s.id)<<16 | uint64(s.owner))
		for _, f := range [...]float64{s.x, s.y, s.vx, s.vy, s.travelled} {
			h.float(f)
		}
		h.word(uint64(s.bounces))
	}
	return uint64(h)
}
