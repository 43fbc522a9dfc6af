package tanks

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Errors from DecodeSnapshot. ErrSnapshotBase means the data is a delta against a snapshot the
// caller does not hold; wait for the next keyframe.
var (
	ErrSnapshotBase    = errors.New("game: snapshot delta without its base")
	ErrSnapshotCorrupt = errors.New("game: corrupt snapshot")
)

// snapReader reads varints, remembering the first failure so decoding code stays linear.
type snapReader struct {
	b   []byte
	err error
}

func (r *snapReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrSnapshotCorrupt, what)
	}
	r.b = nil
}

func (r *snapReader) uv(what string) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) sv(what string) int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *snapReader) u16(what string) uint16 {
	if len(r.b) < 2 {
		r.fail(what)
		return 0
	}
	v := binary.LittleEndian.Uint16(r.b)
	r.b = r.b[2:]
	return v
}

func (r *snapReader) byte(what string) byte {
	if len(r.b) == 0 {
		r.fail(what)
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// count reads a list length, rejecting lengths the remaining bytes cannot hold
// (every element takes at least one byte), so junk cannot make us allocate much.
func (r *snapReader) count(what string) int {
	n := r.uv(what)
	if n > uint64(len(r.b)) {
		r.fail(what + " count")
		return 0
	}
	return int(n)
}

// id reads an ID as a difference to prev, rejecting values that do not fit limit.
func (r *snapReader) id(prev uint64, limit uint64, what string) uint64 {
	d := r.uv(what)
	if d > limit || prev+d > limit {
		r.fail(what + " out of range")
		return 0
	}
	return prev + d
}

// DecodeSnapshot decodes data into dst, reusing dst's slices. A delta needs base, the snapshot
// the client decoded before (dst and base must be different values). It never panics on junk.
func DecodeSnapshot(dst *Snapshot, data []byte, base *Snapshot) error {
	r := snapReader{b: data}
	if v := r.byte("version"); r.err == nil && v != snapshotVersion {
		return fmt.Errorf("%w: version %d", ErrSnapshotCorrupt, v)
	}
	flags := r.byte("flags")
	if r.err != nil {
		return r.err
	}
	var empty Snapshot
	var tick uint64
	if flags&flagDelta != 0 {
		if base == nil {
			return ErrSnapshotBase
		}
		step := r.uv("ticks since the base")
		if r.err != nil {
			return r.err
		}
		if step > math.MaxUint64-base.Tick {
			return fmt.Errorf("%w: tick past the end", ErrSnapshotCorrupt)
		}
		tick = base.Tick + step
	} else {
		tick = r.uv("tick")
		if r.err != nil {
			return r.err
		}
		base = &empty
	}
	if base == dst {
		return errors.New("game: DecodeSnapshot needs dst and base to differ")
	}
	dst.Tick = tick
	dst.TickRate, dst.ShellSpeed = base.TickRate, base.ShellSpeed
	if flags&flagRates != 0 {
		dst.TickRate = int(min(r.uv("tick rate"), 1000))
		dst.ShellSpeed = float64(min(r.uv("shell speed"), 1<<32)) / shellSpeedScale
	}
	dst.Round = base.Round
	if flags&flagRound != 0 {
		dst.Round = RoundState{
			Phase:  RoundPhase(r.byte("round phase")),
			Number: int(r.id(0, math.MaxInt32, "round number")),
			Map:    int(r.id(0, math.MaxInt32, "round map")),
			Ends:   r.uv("round end"),
		}
		if dst.Round.Phase > RoundOver {
			r.fail("round phase")
		}
	}

	// Tanks: start from the base minus removed ones, then apply records.
	dst.Tanks = append(dst.Tanks[:0], base.Tanks...)
	dst.Scores = dst.Scores[:0]
	for i := range dst.Tanks {
		if s := scoreAt(base, i); s != nil {
			dst.Scores = append(dst.Scores, *s)
		} else {
			dst.Scores = append(dst.Scores, Score{ID: dst.Tanks[i].ID})
		}
	}
	prev := uint64(0)
	for n := r.count("removed tanks"); n > 0 && r.err == nil; n-- {
		prev = r.id(prev, maxPlayerID, "removed tank")
		if i, ok := findTankState(dst.Tanks, PlayerID(prev)); ok {
			dst.Tanks = slices.Delete(dst.Tanks, i, i+1)
			dst.Scores = slices.Delete(dst.Scores, i, i+1)
		}
	}
	prev = 0
	for n := r.count("tank records"); n > 0 && r.err == nil; n-- {
		prev = r.id(prev, maxPlayerID, "tank id")
		id := PlayerID(prev)
		i, ok := findTankState(dst.Tanks, id)
		if !ok {
			dst.Tanks = slices.Insert(dst.Tanks, i, TankState{ID: id})
			dst.Scores = slices.Insert(dst.Scores, i, Score{ID: id})
		}
		readTankFields(&r, &dst.Tanks[i], &dst.Scores[i])
	}

	// Shells: base ones advance along their velocity unless removed or re-sent.
	elapsed := 0.0
	if dst.TickRate > 0 && base != &empty {
		elapsed = float64(tick-base.Tick) / float64(dst.TickRate)
	}
	dst.Shells = append(dst.Shells[:0], base.Shells...)
	for i := range dst.Shells {
		s := &dst.Shells[i]
		s.X += s.VX * elapsed
		s.Y += s.VY * elapsed
	}
	prev = 0
	for n := r.count("removed shells"); n > 0 && r.err == nil; n-- {
		prev = r.id(prev, math.MaxUint32, "removed shell")
		if i, ok := findShellState(dst.Shells, uint32(prev)); ok {
			dst.Shells = slices.Delete(dst.Shells, i, i+1)
		}
	}
	prev = 0
	for n := r.count("shell records"); n > 0 && r.err == nil; n-- {
		prev = r.id(prev, math.MaxUint32, "shell id")
		owner := r.uv("shell owner")
		s := ShellState{
			ID: uint32(prev), Owner: PlayerID(owner),
			X: float64(r.sv("shell x")) / posScale, Y: float64(r.sv("shell y")) / posScale,
		}
		a := float64(r.u16("shell angle")) * (2 * math.Pi / shellAngleSteps)
		s.VX, s.VY = dst.ShellSpeed*math.Cos(a), dst.ShellSpeed*math.Sin(a)
		if owner > maxPlayerID {
			r.fail("shell owner")
		}
		if i, ok := findShellState(dst.Shells, s.ID); ok {
			dst.Shells[i] = s
		} else {
			dst.Shells = slices.Insert(dst.Shells, i, s)
		}
	}

	dst.Events = dst.Events[:0]
	lastShell := prev
	for n := r.count("events"); n > 0 && r.err == nil; n-- {
		var e Event
		e, lastShell = readEvent(&r, dst, lastShell)
		dst.Events = append(dst.Events, e)
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	return r.err
}

func findTankState(ts []TankState, id PlayerID) (int, bool) {
	return slices.BinarySearchFunc(ts, id, func(t TankState, id PlayerID) int { return int(t.ID) - int(id) })
}

func findShellState(ss []ShellState, id uint32) (int, bool) {
	return slices.BinarySearchFunc(ss, id, func(s ShellState, id uint32) int {
		switch {
		case s.ID < id:
			return -1
		case s.ID > id:
			return 1
		}
		return 0
	})
}

// readTankFields applies one tank record's fields on top of the base values in t and s.
func readTankFields(r *snapReader, t *TankState, s *Score) {
	q := quantizeTank(t, s)
	mask := r.uv("tank mask")
	if mask&fX != 0 {
		q.x += r.sv("x")
	}
	if mask&fY != 0 {
		q.y += r.sv("y")
	}
	if mask&fVX != 0 {
		q.vx += r.sv("vx")
	}
	if mask&fVY != 0 {
		q.vy += r.sv("vy")
	}
	if mask&fHull != 0 {
		q.hull = (q.hull + r.sv("hull")) & (angleSteps - 1)
	}
	if mask&fTurret != 0 {
		q.turret = (q.turret + r.sv("turret")) & (angleSteps - 1)
	}
	if mask&fSeq != 0 {
		q.seq += uint32(r.sv("seq"))
	}
	if mask&fHealth != 0 {
		q.health += r.sv("health")
	}
	if mask&fFlags != 0 {
		q.flags = r.uv("flags")
	}
	if mask&fKills != 0 {
		q.kills += r.sv("kills")
	}
	if mask&fDeaths != 0 {
		q.deaths += r.sv("deaths")
	}
	if mask&fStreak != 0 {
		q.streak += r.sv("streak")
	}
	if mask&fBest != 0 {
		q.best += r.sv("best")
	}
	if mask&fShots != 0 {
		q.shots += r.sv("shots")
	}
	if mask&fHits != 0 {
		q.hits += r.sv("hits")
	}
	*t = TankState{
		ID: t.ID,
		X:  float64(q.x) / posScale, Y: float64(q.y) / posScale,
		VX: float64(q.vx) / tankVelScale, VY: float64(q.vy) / tankVelScale,
		Hull: dequantAngle(q.hull), Turret: dequantAngle(q.turret),
		Health: int(q.health), Alive: q.flags&1 != 0, Shielded: q.flags&2 != 0, Offline: q.flags&4 != 0, Seq: q.seq,
	}
	*s = Score{
		ID: t.ID, Kills: int(q.kills), Deaths: int(q.deaths), Streak: int(q.streak),
		Best: int(q.best), Shots: int(q.shots), Hits: int(q.hits),
	}
}

// dequantAngle maps 0..4095 to [-π, π).
func dequantAngle(q int64) float64 {
	return float64((q+angleSteps/2)&(angleSteps-1)-angleSteps/2) * (2 * math.Pi / angleSteps)
}

// readEvent reads one event of cur (decoded up to its events); prevShell is the previous
// event's shell ID, which the next one is relative to.
func readEvent(r *snapReader, cur *Snapshot, prevShell uint64) (Event, uint64) {
	head := r.byte("event type")
	e := Event{Type: EventType(head & eventTypeMask)}
	viaShell := head&eventViaShell != 0
	if head&^(eventTypeMask|eventViaShell|eventRicochet) != 0 || int(e.Type) >= len(eventFields) || eventFields[e.Type] == 0 {
		r.fail("event type")
		return e, prevShell
	}
	fields := eventFields[e.Type]
	if e.Ricochet = head&eventRicochet != 0; e.Ricochet && fields&efVictim == 0 {
		r.fail("event ricochet flag")
		return e, prevShell
	}
	if viaShell && fields&efShell == 0 {
		r.fail("event shell flag")
		return e, prevShell
	}
	if fields&efTank != 0 && !viaShell {
		e.Tank = PlayerID(r.id(0, maxPlayerID, "event tank"))
	}
	if fields&efVictim != 0 {
		e.Victim = PlayerID(r.id(0, maxPlayerID, "event victim"))
	}
	if fields&efShell != 0 {
		d := r.sv("event shell")
		if (d < 0 && uint64(-d) > prevShell) || (d > 0 && uint64(d) > math.MaxUint32-prevShell) {
			r.fail("event shell out of range")
			return e, prevShell
		}
		prevShell = uint64(int64(prevShell) + d)
		e.Shell = uint32(prevShell)
	}
	if fields&efDamage != 0 {
		e.Damage = int(r.id(0, math.MaxInt32, "event damage"))
	}
	var refX, refY int64
	switch {
	case viaShell:
		i, ok := findShellState(cur.Shells, e.Shell)
		if !ok {
			r.fail("event shell not in the snapshot")
			return e, prevShell
		}
		s := &cur.Shells[i]
		e.Tank = s.Owner
		refX, refY = quantPos(s.X), quantPos(s.Y)
	case fields&efVictim != 0:
		refX, refY = tankRef(cur, e.Victim)
	default:
		refX, refY = tankRef(cur, e.Tank)
	}
	if fields&efPos != 0 {
		e.X = float64(refX+r.sv("event x")) / posScale
		e.Y = float64(refY+r.sv("event y")) / posScale
	}
	return e, prevShell
}
