package tanks

import (
	"math"
	"math/rand/v2"
	"testing"
)

// field is an open 32x24-tile arena for the shooting range.
const field = `
################################
#S............................S#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#..............................#
#S............................S#
################################
`

// rangeResult is what a scripted shooter achieved against a weaving target.
type rangeResult struct{ shots, hits int }

func (r rangeResult) rate() float64 { return float64(r.hits) / float64(r.shots) }

// shootingRange plays a scripted client that sees the world `late` ticks late and fires `shots`
// times at a target weaving at top speed 170-430 units away. What it sees, it sees as a browser
// does: the target `late` ticks before the newest state when its input reaches the server (with
// 150 ms of round trip and 100 ms of interpolation: 250 ms, 15 ticks at 60 Hz). It aims
// with a linear lead from the target's velocity and fires when its turret is on the aim. With
// sendView its inputs report that tick ([Input.View]); without, the server resolves its shells
// in the present, as before lag compensation.
//
// The target's driving ignores the shooter (and shells neither push nor kill it), so every run
// sees the same target; the shooter starts `late` ticks later, so that what it sees and does
// is the same in every run, only later.
func shootingRange(t *testing.T, late, shots int, sendView bool) rangeResult {
	t.Helper()
	cfg := DefaultConfig()
	cfg.MaxHealth = math.MaxInt32 // the target never dies: its path does not depend on the hits
	w := mustWorld(t, cfg, mustMap(t, field), 1)
	sid, _ := w.AddPlayer("shooter")
	tid, _ := w.AddPlayer("target")
	w.Step()
	shooter, target := tankOf(t, w, sid), tankOf(t, w, tid)
	shooter.body = body{X: 150, Y: 384}
	target.body = body{X: 450, Y: 384}
	home := Point{X: 450, Y: 384}

	// seen[tick] is the target as the snapshot of that tick shows it.
	type pose struct{ x, y, vx, vy float64 }
	seen := make([]pose, w.Tick()+1, 8192)
	seen[w.Tick()] = pose{target.X, target.Y, target.VX, target.VY}

	rng := rand.New(rand.NewPCG(7, 7))
	turn, turnFor := 0.0, 0
	var seq uint32
	var res rangeResult
	start := uint64(60 + late)
	for guard := 0; res.shots < shots || len(w.shells) > 0; guard++ {
		if guard > 20000 {
			t.Fatalf("%d shots after %d ticks", res.shots, guard)
		}
		seq++
		next := w.Tick() + 1

		// The target weaves: full throttle, a new turn now and then, and back towards home when
		// it strays more than 150 units.
		tg := tankOf(t, w, tid)
		if turnFor--; turnFor <= 0 {
			turn, turnFor = []float64{-0.3, -0.15, 0, 0.15, 0.3}[rng.IntN(5)], 30+rng.IntN(60)
		}
		steer := turn
		if math.Hypot(home.X-tg.X, home.Y-tg.Y) > 130 {
			steer = clamp(wrapAngle(math.Atan2(home.Y-tg.Y, home.X-tg.X)-tg.Hull)*3, -1, 1)
		}
		_ = w.SetInput(tid, Input{Seq: seq, Throttle: 1, Turn: steer})

		// The shooter aims where the target it sees will be when the shell gets there.
		sh := tankOf(t, w, sid)
		in := Input{Seq: seq, Aim: sh.Turret}
		if next >= start && res.shots < shots {
			view := next - 1 - uint64(late) // the newest state is the tick before next
			p := seen[view]
			lead := 0.0
			var ax, ay float64
			for range 4 {
				ax, ay = p.x+p.vx*lead, p.y+p.vy*lead
				lead = math.Max(0, math.Hypot(ax-sh.X, ay-sh.Y)-cfg.MuzzleOffset) / cfg.ShellSpeed
			}
			in.Aim = math.Atan2(ay-sh.Y, ax-sh.X)
			in.Fire = sh.reloadTicks <= 1 && math.Abs(wrapAngle(in.Aim-sh.Turret)) < 0.01
			if sendView {
				in.View = view
			}
		}
		_ = w.SetInput(sid, in)

		for _, e := range w.Step() {
			switch {
			case e.Type == EventFire && e.Tank == sid:
				res.shots++
			case e.Type == EventHit && e.Tank == sid && e.Victim == tid:
				res.hits++
			}
		}
		tg = tankOf(t, w, tid)
		seen = append(seen, pose{tg.X, tg.Y, tg.VX, tg.VY})
	}
	return res
}

// TestLagCompensationHitsWhatTheShooterSaw is the acceptance test of lag compensation: a client
// 250 ms behind (150 ms of round trip, 100 ms of interpolation) hits a weaving target as often
// as one that sees the present, and clearly more often than without compensation.
func TestLagCompensationHitsWhatTheShooterSaw(t *testing.T) {
	const shots = 50
	present := shootingRange(t, 0, shots, true)
	lan := shootingRange(t, 6, shots, true)             // 0 ms of round trip, 100 ms of interpolation
	lagged := shootingRange(t, 15, shots, true)         // 150 ms of round trip, 100 ms of interpolation
	uncompensated := shootingRange(t, 15, shots, false) // the same client, its shells in the present
	beyond := shootingRange(t, 24, shots, true)         // 300 ms of round trip: 150 ms beyond the bound
	t.Logf("hits of %d: present %d, LAN %d, 150 ms %d, 150 ms uncompensated %d, 300 ms (clamped to 250) %d",
		shots, present.hits, lan.hits, lagged.hits, uncompensated.hits, beyond.hits)

	if present.shots != shots || lagged.shots != shots || uncompensated.shots != shots {
		t.Fatalf("shots fired: %d, %d, %d; want %d each", present.shots, lagged.shots, uncompensated.shots, shots)
	}
	if present.rate() < 0.4 || present.rate() > 0.95 {
		t.Fatalf("the shooter seeing the present hits %d of %d: the range is too easy or too hard to tell anything", present.hits, shots)
	}
	for _, r := range []struct {
		name string
		got  rangeResult
	}{{"LAN", lan}, {"150 ms", lagged}} {
		if math.Abs(r.got.rate()-present.rate()) > 0.04 {
			t.Errorf("%s: %d hits of %d, the present %d: want the same within 2", r.name, r.got.hits, shots, present.hits)
		}
	}
	if uncompensated.rate() > present.rate()-0.15 {
		t.Errorf("uncompensated at 150 ms: %d hits of %d, present %d; the range does not show the lag", uncompensated.hits, shots, present.hits)
	}
	if beyond.hits >= lagged.hits {
		t.Errorf("a client 400 ms behind hit %d times, as much as one within the bound (%d): the bound is not applied", beyond.hits, lagged.hits)
	}
}

// coverDuel places a shooter and a target that stood in the open at (220,200) until tick
// takeCover and then drove down behind a wall at 2.5 units a tick (150 units a second),
// 100 units, out of the shooter's line. It fires one shell at the old spot, with the given view
// (0: none) on tick fireAt, and reports whether it hit.
func coverDuel(t *testing.T, maxRewind float64, takeCover, fireAt, view uint64) bool {
	t.Helper()
	cfg := DefaultConfig()
	cfg.MaxRewind = maxRewind
	w := mustWorld(t, cfg, mustMap(t, `
##############
#S..........S#
#............#
#............#
#............#
#............#
#............#
#....#.......#
#....#.......#
#....#.......#
#....#.......#
#S..........S#
##############`), 1)
	sid, _ := w.AddPlayer("shooter")
	tid, _ := w.AddPlayer("target")
	aim := 0.0
	hit := false
	for w.Tick() < fireAt+60 {
		next := w.Tick() + 1
		// Positions are set for the coming tick (from the first, when both have spawned); with
		// no throttle and no speed, nobody moves by himself.
		if w.Tick() > 0 {
			y := 200.0
			if next > takeCover {
				y += min(100, 2.5*float64(next-takeCover))
			}
			sh, tg := tankOf(t, w, sid), tankOf(t, w, tid)
			sh.body = body{X: 100, Y: 200, Turret: aim}
			tg.body = body{X: 220, Y: y, Hull: math.Pi / 2}
			tg.shieldTicks = 0
		}
		in := Input{Seq: uint32(next), Aim: aim}
		if next == fireAt {
			in.Fire, in.View = true, view
		}
		_ = w.SetInput(sid, in)
		for _, e := range w.Step() {
			if e.Type == EventHit && e.Victim == tid {
				hit = true
			}
		}
	}
	return hit
}

// TestLagCompensationIsBounded: the rewind never reaches further back than Config.MaxRewind, so
// a target that went behind a wall longer ago than that is safe, whatever the shooter claims.
func TestLagCompensationIsBounded(t *testing.T) {
	const takeCover = 200
	// The shell reaches the old spot in about 11 ticks; the target is gone from it 7 ticks after
	// it starts to move. The rewind is the last tick run (fireAt-1) minus the view.
	cases := []struct {
		name      string
		maxRewind float64
		fireAt    uint64
		view      uint64
		want      bool
	}{
		{"a shot at what the shooter saw 14 ticks ago hits", 0.25, takeCover + 5, takeCover - 10, true},
		{"the same shot without a view misses", 0.25, takeCover + 5, 0, false},
		{"a view from the future counts as the present", 0.25, takeCover + 5, takeCover + 50, false},
		{"a view of 40 ticks ago is held to 15 and misses", 0.25, takeCover + 30, takeCover - 11, false},
		{"the same claim with a bound of 1 s would hit", 1, takeCover + 30, takeCover - 11, true},
		{"lag compensation off", 0, takeCover + 5, takeCover - 10, false},
	}
	for _, c := range cases {
		if got := coverDuel(t, c.maxRewind, takeCover, c.fireAt, c.view); got != c.want {
			t.Errorf("%s: hit = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestRewindSkipsAnotherLife: a tank counts at a past tick only if it was alive then and in its
// current life, and the shooter never meets its own past.
func TestRewindSkipsAnotherLife(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	for range 20 {
		w.Step()
	}
	if _, ok := b.pastAt(w.Tick() - 3); !ok {
		t.Fatal("a living tank has no position 3 ticks ago")
	}
	if _, ok := b.pastAt(w.Tick() - uint64(len(b.past))); ok {
		t.Fatal("a position older than the ring was kept")
	}
	b.spawned = w.Tick() - 2
	if _, ok := b.pastAt(w.Tick() - 3); ok {
		t.Fatal("a position from before the respawn counts")
	}
	s := shell{owner: a.id}
	if w.shellHitsPast(&s, a.X-50, a.Y, w.Tick()-1) {
		t.Fatal("a shell met its owner in the past")
	}
}

func TestAbsorbCarriesTheShotsView(t *testing.T) {
	shot := Input{Seq: 1, Fire: true, View: 100}
	if got := (Input{Seq: 2, Throttle: 1, View: 102}).Absorb(shot); !got.Fire || got.View != 100 {
		t.Fatalf("a carried shot = %+v, want it fired with the view it was aimed in (100)", got)
	}
	if got := (Input{Seq: 2, Fire: true, View: 102}).Absorb(shot); got.View != 102 {
		t.Fatalf("a newer shot = %+v, want its own view", got)
	}
}

// TestCompensatedStepDoesNotAllocate: recording positions and catching shells up use only the
// rings allocated when the tanks joined.
func TestCompensatedStepDoesNotAllocate(t *testing.T) {
	cfg := DefaultConfig()
	cfg.ShellDamage = 0
	w := mustWorld(t, cfg, shippedMap(t, "arena"), 3)
	var ids []PlayerID
	for range 8 {
		id, _ := w.AddPlayer("p")
		ids = append(ids, id)
	}
	n := 0
	tick := func() {
		n++
		for p, id := range ids {
			in := scriptedInput(p, n)
			in.Fire = true
			in.View = uint64(max(1, n-10-p))
			_ = w.SetInput(id, in)
		}
		w.Step()
	}
	for range 600 {
		tick()
	}
	if allocs := testing.AllocsPerRun(200, tick); allocs != 0 {
		t.Fatalf("%v allocations per tick", allocs)
	}
}

// TestLagStatsCountCompensatedShots: a game's rooms count each shell fired with a view in the
// past, its rewind, and whether the view was held to the bound; shots without one are not counted.
func TestLagStatsCountCompensatedShots(t *testing.T) {
	cfg := DefaultConfig()
	g, err := NewGame(cfg, mustMap(t, room), 0, func() uint64 { return 1 })
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.NewRoom()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := r.AddPlayer("shooter")
	for range 100 {
		r.Step()
	}
	reload := cfg.ticks(cfg.ReloadTime)
	for i, late := range []uint64{0, 5, 99} { // none, 5 ticks, far beyond the bound
		view := r.Tick() - late
		if late == 0 {
			view = 0
		}
		r.SetInput(id, Input{Seq: uint32(2*i + 1), Fire: true, View: view})
		r.Step()
		r.SetInput(id, Input{Seq: uint32(2*i + 2)})
		for range reload {
			r.Step()
		}
	}
	s := g.LagStats()
	if s.Shots() != 2 || s.Clamped() != 1 || s.RewindTicks() != uint64(5+cfg.rewindTicks()) {
		t.Fatalf("shots %d, clamped %d, rewind ticks %d; want 2, 1, %d", s.Shots(), s.Clamped(), s.RewindTicks(), 5+cfg.rewindTicks())
	}
}
