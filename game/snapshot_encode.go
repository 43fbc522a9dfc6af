package game

import (
	"encoding/binary"
	"math"
)

// snapshotVersion is the first byte of every encoded snapshot (layout in SNAPSHOT.md).
const snapshotVersion = 1

const flagDelta = 1

// Tank record field bits, in wire order.
const (
	fX = 1 << iota
	fY
	fVX
	fVY
	fHull
	fTurret
	fSeq
	fHealth
	fFlags
	fKills
	fDeaths
	fStreak
)

// Event field bits, in wire order, and which fields each event type carries.
const (
	efTank = 1 << iota
	efVictim
	efShell
	efDamage
	efPos
)

var eventFields = [...]uint8{
	EventFire:    efTank | efShell | efPos,
	EventHit:     efTank | efVictim | efShell | efDamage | efPos,
	EventBounce:  efTank | efShell | efPos,
	EventKill:    efTank | efVictim | efPos,
	EventRespawn: efTank | efPos,
}

const (
	posScale      = 8
	tankVelScale  = 4
	shellVelScale = 16
	angleSteps    = 4096
	shellDriftTol = 0.5
)

// quantTank is a tank's state in wire units, the form deltas are computed in.
type quantTank struct {
	x, y, vx, vy, hull, turret int64
	seq                        uint32
	health                     int64
	flags                      uint64
	kills, deaths, streak      int64
}

func quantPos(v float64) int64 { return int64(math.Round(v * posScale)) }

func quantAngle(a float64) int64 {
	return int64(math.Round(a*angleSteps/(2*math.Pi))) & (angleSteps - 1)
}

func quantizeTank(t *TankState, s *Score) quantTank {
	q := quantTank{
		x: quantPos(t.X), y: quantPos(t.Y),
		vx: int64(math.Round(t.VX * tankVelScale)), vy: int64(math.Round(t.VY * tankVelScale)),
		hull: quantAngle(t.Hull), turret: quantAngle(t.Turret),
		seq: t.Seq, health: int64(t.Health),
	}
	if t.Alive {
		q.flags |= 1
	}
	if t.Shielded {
		q.flags |= 2
	}
	if s != nil {
		q.kills, q.deaths, q.streak = int64(s.Kills), int64(s.Deaths), int64(s.Streak)
	}
	return q
}

// angleDelta is the shortest signed turn from a to b in 4096ths.
func angleDelta(a, b int64) int64 { return (b-a+angleSteps/2)&(angleSteps-1) - angleSteps/2 }

// scoreAt returns s.Scores[i] when it belongs to tank i.
func scoreAt(s *Snapshot, i int) *Score {
	if i < len(s.Scores) && s.Scores[i].ID == s.Tanks[i].ID {
		return &s.Scores[i]
	}
	return nil
}

// EncodeSnapshot appends cur to dst and returns the extended buffer. With base == nil it writes a
// keyframe; otherwise a delta that a client holding exactly base (as it decoded it) can apply.
// cur and base must be sorted by ID, as World.Snapshot makes them. With enough capacity in dst
// it does not allocate.
func EncodeSnapshot(dst []byte, cur, base *Snapshot) []byte {
	var empty Snapshot
	flags := byte(0)
	if base != nil {
		flags = flagDelta
	} else {
		base = &empty
	}
	dst = append(dst, snapshotVersion, flags)
	dst = binary.AppendUvarint(dst, cur.Tick)
	if flags&flagDelta != 0 {
		dst = binary.AppendUvarint(dst, cur.Tick-base.Tick)
	}
	dst = binary.AppendUvarint(dst, uint64(max(cur.TickRate, 0)))
	dst = encodeTanks(dst, cur, base)
	dst = encodeShells(dst, cur, base)
	return encodeEvents(dst, cur.Events)
}

func encodeEvents(dst []byte, events []Event) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(events)))
	for i := range events {
		dst = appendEvent(dst, &events[i])
	}
	return dst
}

func encodeTanks(dst []byte, cur, base *Snapshot) []byte {
	// Removed: in base, not in cur (both sorted, so one merge walk).
	n := 0
	for i, j := 0, 0; i < len(base.Tanks); i++ {
		for j < len(cur.Tanks) && cur.Tanks[j].ID < base.Tanks[i].ID {
			j++
		}
		if j == len(cur.Tanks) || cur.Tanks[j].ID != base.Tanks[i].ID {
			n++
		}
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	prev := uint64(0)
	for i, j := 0, 0; i < len(base.Tanks); i++ {
		for j < len(cur.Tanks) && cur.Tanks[j].ID < base.Tanks[i].ID {
			j++
		}
		if j == len(cur.Tanks) || cur.Tanks[j].ID != base.Tanks[i].ID {
			dst = binary.AppendUvarint(dst, uint64(base.Tanks[i].ID)-prev)
			prev = uint64(base.Tanks[i].ID)
		}
	}

	// Records: new or changed tanks. Count first, then write.
	n = 0
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			dst = binary.AppendUvarint(dst, uint64(n))
		}
		prev = 0
		j := 0
		for i := range cur.Tanks {
			q := quantizeTank(&cur.Tanks[i], scoreAt(cur, i))
			var b quantTank
			for j < len(base.Tanks) && base.Tanks[j].ID < cur.Tanks[i].ID {
				j++
			}
			if j < len(base.Tanks) && base.Tanks[j].ID == cur.Tanks[i].ID {
				b = quantizeTank(&base.Tanks[j], scoreAt(base, j))
			}
			mask := tankMask(&q, &b)
			if mask == 0 {
				continue
			}
			if pass == 0 {
				n++
				continue
			}
			dst = binary.AppendUvarint(dst, uint64(cur.Tanks[i].ID)-prev)
			prev = uint64(cur.Tanks[i].ID)
			dst = appendTankFields(dst, mask, &q, &b)
		}
	}
	return dst
}

func tankMask(q, b *quantTank) uint64 {
	var m uint64
	set := func(bit uint64, changed bool) {
		if changed {
			m |= bit
		}
	}
	set(fX, q.x != b.x)
	set(fY, q.y != b.y)
	set(fVX, q.vx != b.vx)
	set(fVY, q.vy != b.vy)
	set(fHull, q.hull != b.hull)
	set(fTurret, q.turret != b.turret)
	set(fSeq, q.seq != b.seq)
	set(fHealth, q.health != b.health)
	set(fFlags, q.flags != b.flags)
	set(fKills, q.kills != b.kills)
	set(fDeaths, q.deaths != b.deaths)
	set(fStreak, q.streak != b.streak)
	return m
}

func appendTankFields(dst []byte, mask uint64, q, b *quantTank) []byte {
	dst = binary.AppendUvarint(dst, mask)
	for _, f := range [...]struct {
		bit  uint64
		diff int64
	}{
		{fX, q.x - b.x}, {fY, q.y - b.y}, {fVX, q.vx - b.vx}, {fVY, q.vy - b.vy},
		{fHull, angleDelta(b.hull, q.hull)}, {fTurret, angleDelta(b.turret, q.turret)},
		{fSeq, int64(int32(q.seq - b.seq))}, {fHealth, q.health - b.health},
	} {
		if mask&f.bit != 0 {
			dst = binary.AppendVarint(dst, f.diff)
		}
	}
	if mask&fFlags != 0 {
		dst = binary.AppendUvarint(dst, q.flags)
	}
	for _, f := range [...]struct {
		bit  uint64
		diff int64
	}{{fKills, q.kills - b.kills}, {fDeaths, q.deaths - b.deaths}, {fStreak, q.streak - b.streak}} {
		if mask&f.bit != 0 {
			dst = binary.AppendVarint(dst, f.diff)
		}
	}
	return dst
}

func encodeShells(dst []byte, cur, base *Snapshot) []byte {
	n := 0
	for i, j := 0, 0; i < len(base.Shells); i++ {
		for j < len(cur.Shells) && cur.Shells[j].ID < base.Shells[i].ID {
			j++
		}
		if j == len(cur.Shells) || cur.Shells[j].ID != base.Shells[i].ID {
			n++
		}
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	prev := uint64(0)
	for i, j := 0, 0; i < len(base.Shells); i++ {
		for j < len(cur.Shells) && cur.Shells[j].ID < base.Shells[i].ID {
			j++
		}
		if j == len(cur.Shells) || cur.Shells[j].ID != base.Shells[i].ID {
			dst = binary.AppendUvarint(dst, uint64(base.Shells[i].ID)-prev)
			prev = uint64(base.Shells[i].ID)
		}
	}

	elapsed := 0.0
	if cur.TickRate > 0 {
		elapsed = float64(cur.Tick-base.Tick) / float64(cur.TickRate)
	}
	n = 0
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			dst = binary.AppendUvarint(dst, uint64(n))
		}
		prev = 0
		j := 0
		for i := range cur.Shells {
			s := &cur.Shells[i]
			for j < len(base.Shells) && base.Shells[j].ID < s.ID {
				j++
			}
			if j < len(base.Shells) && base.Shells[j].ID == s.ID && shellPredictable(&base.Shells[j], s, elapsed) {
				continue
			}
			if pass == 0 {
				n++
				continue
			}
			dst = binary.AppendUvarint(dst, uint64(s.ID)-prev)
			prev = uint64(s.ID)
			dst = binary.AppendUvarint(dst, uint64(s.Owner))
			dst = binary.AppendVarint(dst, quantPos(s.X))
			dst = binary.AppendVarint(dst, quantPos(s.Y))
			dst = binary.AppendVarint(dst, int64(math.Round(s.VX*shellVelScale)))
			dst = binary.AppendVarint(dst, int64(math.Round(s.VY*shellVelScale)))
		}
	}
	return dst
}

// shellPredictable reports whether a client holding b can extrapolate it to s closely enough.
func shellPredictable(b, s *ShellState, elapsed float64) bool {
	return b.Owner == s.Owner &&
		math.Round(b.VX*shellVelScale) == math.Round(s.VX*shellVelScale) &&
		math.Round(b.VY*shellVelScale) == math.Round(s.VY*shellVelScale) &&
		math.Abs(b.X+b.VX*elapsed-s.X) <= shellDriftTol &&
		math.Abs(b.Y+b.VY*elapsed-s.Y) <= shellDriftTol
}

func appendEvent(dst []byte, e *Event) []byte {
	fields := uint8(0)
	if int(e.Type) < len(eventFields) {
		fields = eventFields[e.Type]
	}
	dst = append(dst, byte(e.Type))
	if fields&efTank != 0 {
		dst = binary.AppendUvarint(dst, uint64(e.Tank))
	}
	if fields&efVictim != 0 {
		dst = binary.AppendUvarint(dst, uint64(e.Victim))
	}
	if fields&efShell != 0 {
		dst = binary.AppendUvarint(dst, uint64(e.Shell))
	}
	if fields&efDamage != 0 {
		dst = binary.AppendUvarint(dst, uint64(max(e.Damage, 0)))
	}
	if fields&efPos != 0 {
		dst = binary.AppendVarint(dst, quantPos(e.X))
		dst = binary.AppendVarint(dst, quantPos(e.Y))
	}
	return dst
}
