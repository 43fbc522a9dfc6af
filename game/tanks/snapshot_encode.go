package tanks

import (
	"encoding/binary"
	"math"
)

// snapshotVersion is the first byte of every encoded snapshot (layout in SNAPSHOT.md).
const snapshotVersion = 4

// Header flag bits.
const (
	flagDelta = 1
	flagRates = 2 // tick rate and shell speed follow (keyframes, and deltas where one changed)
	flagRound = 4 // the round state follows (keyframes, and deltas where it changed)
)

// Event head byte: the type in the low bits, a flag for events placed relative to a shell
// record of the same snapshot (the tank is then the shell's owner and is left out), and
// Event.Ricochet.
const (
	eventTypeMask = 7
	eventViaShell = 8
	eventRicochet = 16
)

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
	fBest
	fShots
	fHits
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
	posScale        = 4
	tankVelScale    = 4
	shellSpeedScale = 16
	angleSteps      = 4096
	shellAngleSteps = 1 << 16
	shellDriftTol   = 0.5
)

// quantTank is a tank's state in wire units, the form deltas are computed in.
type quantTank struct {
	x, y, vx, vy, hull, turret int64
	seq                        uint32
	health                     int64
	flags                      uint64
	kills, deaths, streak      int64
	best, shots, hits          int64
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
	if t.Offline {
		q.flags |= 4
	}
	if s != nil {
		q.kills, q.deaths, q.streak = int64(s.Kills), int64(s.Deaths), int64(s.Streak)
		q.best, q.shots, q.hits = int64(s.Best), int64(s.Shots), int64(s.Hits)
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
	speed := quantShellSpeed(cur.ShellSpeed)
	if base == &empty || speed != quantShellSpeed(base.ShellSpeed) || cur.TickRate != base.TickRate {
		flags |= flagRates
	}
	if base == &empty || cur.Round != base.Round {
		flags |= flagRound
	}
	dst = append(dst, snapshotVersion, flags)
	// A delta's tick is its base's plus a step (one byte); the runtime's frame names the base.
	if flags&flagDelta != 0 {
		dst = binary.AppendUvarint(dst, cur.Tick-base.Tick)
	} else {
		dst = binary.AppendUvarint(dst, cur.Tick)
	}
	if flags&flagRates != 0 {
		dst = binary.AppendUvarint(dst, uint64(max(cur.TickRate, 0)))
		dst = binary.AppendUvarint(dst, speed)
	}
	if flags&flagRound != 0 {
		dst = append(dst, byte(cur.Round.Phase))
		dst = binary.AppendUvarint(dst, uint64(max(cur.Round.Number, 0)))
		dst = binary.AppendUvarint(dst, uint64(max(cur.Round.Map, 0)))
		dst = binary.AppendUvarint(dst, cur.Round.Ends)
	}
	dst = encodeTanks(dst, cur, base)
	dst, lastShell := encodeShells(dst, cur, base)
	return encodeEvents(dst, cur, base, lastShell)
}

func quantShellSpeed(v float64) uint64 { return uint64(max(math.Round(v*shellSpeedScale), 0)) }

// quantShellAngle is a shell's direction in 65536ths of a turn.
func quantShellAngle(s *ShellState) uint16 {
	return uint16(int64(math.Round(math.Atan2(s.VY, s.VX)*shellAngleSteps/(2*math.Pi))) & (shellAngleSteps - 1))
}

// shellElapsed is the time a delta from base to cur spans, in seconds.
func shellElapsed(cur, base *Snapshot) float64 {
	if cur.TickRate <= 0 || len(base.Shells) == 0 {
		return 0
	}
	return float64(cur.Tick-base.Tick) / float64(cur.TickRate)
}

// recordedShell returns the shell id of cur if the encoder writes a record for it (it is new,
// or the client could not extrapolate it from base).
func recordedShell(cur, base *Snapshot, id uint32, elapsed float64) (*ShellState, bool) {
	i, ok := findShellState(cur.Shells, id)
	if !ok {
		return nil, false
	}
	s := &cur.Shells[i]
	if j, ok := findShellState(base.Shells, id); ok && shellPredictable(&base.Shells[j], s, elapsed) {
		return nil, false
	}
	return s, true
}

func encodeTanks(dst []byte, cur, base *Snapshot) []byte {
	dst = appendRemoved(dst, base.Tanks, cur.Tanks, func(t *TankState) uint64 { return uint64(t.ID) })

	// Records: new or changed tanks. Count first, then write.
	n := 0
	var prev uint64
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
	set(fBest, q.best != b.best)
	set(fShots, q.shots != b.shots)
	set(fHits, q.hits != b.hits)
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
	}{
		{fKills, q.kills - b.kills}, {fDeaths, q.deaths - b.deaths}, {fStreak, q.streak - b.streak},
		{fBest, q.best - b.best}, {fShots, q.shots - b.shots}, {fHits, q.hits - b.hits},
	} {
		if mask&f.bit != 0 {
			dst = binary.AppendVarint(dst, f.diff)
		}
	}
	return dst
}

// encodeShells writes the removed shells and the shell records, and returns the last record's
// ID (0 without records), where the event shell IDs start.
func encodeShells(dst []byte, cur, base *Snapshot) ([]byte, uint64) {
	dst = appendRemoved(dst, base.Shells, cur.Shells, func(s *ShellState) uint64 { return uint64(s.ID) })

	elapsed := shellElapsed(cur, base)
	n := 0
	var prev uint64
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
			dst = binary.LittleEndian.AppendUint16(dst, quantShellAngle(s))
		}
	}
	return dst, prev
}

// shellPredictable reports whether a client holding b can extrapolate it to s closely enough.
func shellPredictable(b, s *ShellState, elapsed float64) bool {
	return b.Owner == s.Owner && quantShellAngle(b) == quantShellAngle(s) &&
		math.Abs(b.X+b.VX*elapsed-s.X) <= shellDriftTol &&
		math.Abs(b.Y+b.VY*elapsed-s.Y) <= shellDriftTol
}

// encodeEvents writes cur's events. lastShell is where the first event's shell ID difference
// starts.
func encodeEvents(dst []byte, cur, base *Snapshot, lastShell uint64) []byte {
	var empty Snapshot
	if base == nil {
		base = &empty
	}
	elapsed := shellElapsed(cur, base)
	dst = binary.AppendUvarint(dst, uint64(len(cur.Events)))
	prevShell := lastShell
	for i := range cur.Events {
		e := &cur.Events[i]
		fields := uint8(0)
		if int(e.Type) < len(eventFields) {
			fields = eventFields[e.Type]
		}
		// The position is sent relative to something the client already holds exactly: the
		// event's shell record, else the victim, else the tank, as this snapshot places them.
		head := byte(e.Type) & eventTypeMask
		if e.Ricochet && fields&efVictim != 0 {
			head |= eventRicochet
		}
		var refX, refY int64
		s, viaShell := (*ShellState)(nil), false
		if fields&efShell != 0 {
			s, viaShell = recordedShell(cur, base, e.Shell, elapsed)
			viaShell = viaShell && s.Owner == e.Tank
		}
		switch {
		case viaShell:
			head |= eventViaShell
			refX, refY = quantPos(s.X), quantPos(s.Y)
		case fields&efVictim != 0:
			refX, refY = tankRef(cur, e.Victim)
		default:
			refX, refY = tankRef(cur, e.Tank)
		}
		dst = append(dst, head)
		if fields&efTank != 0 && !viaShell {
			dst = binary.AppendUvarint(dst, uint64(e.Tank))
		}
		if fields&efVictim != 0 {
			dst = binary.AppendUvarint(dst, uint64(e.Victim))
		}
		if fields&efShell != 0 {
			dst = binary.AppendVarint(dst, int64(e.Shell)-int64(prevShell))
			prevShell = uint64(e.Shell)
		}
		if fields&efDamage != 0 {
			dst = binary.AppendUvarint(dst, uint64(max(e.Damage, 0)))
		}
		if fields&efPos != 0 {
			dst = binary.AppendVarint(dst, quantPos(e.X)-refX)
			dst = binary.AppendVarint(dst, quantPos(e.Y)-refY)
		}
	}
	return dst
}

// tankRef is tank id's position in cur in wire units, or the origin if it is not there.
func tankRef(cur *Snapshot, id PlayerID) (int64, int64) {
	if i, ok := findTankState(cur.Tanks, id); ok {
		return quantPos(cur.Tanks[i].X), quantPos(cur.Tanks[i].Y)
	}
	return 0, 0
}

// appendRemoved writes the entries of base that cur no longer has: their number, then their IDs
// as differences. Both slices are sorted by ID, so each of the two passes (count, then write) is
// one merge walk.
func appendRemoved[T any](dst []byte, base, cur []T, id func(*T) uint64) []byte {
	n := 0
	for pass := 0; pass < 2; pass++ {
		if pass == 1 {
			dst = binary.AppendUvarint(dst, uint64(n))
		}
		prev := uint64(0)
		for i, j := 0, 0; i < len(base); i++ {
			removed := id(&base[i])
			for j < len(cur) && id(&cur[j]) < removed {
				j++
			}
			if j < len(cur) && id(&cur[j]) == removed {
				continue
			}
			if pass == 0 {
				n++
				continue
			}
			dst = binary.AppendUvarint(dst, removed-prev)
			prev = removed
		}
	}
	return dst
}
