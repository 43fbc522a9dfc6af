package tanks

import (
	"slices"
	"testing"
)

// stepUntil steps w until cond holds, failing after limit steps.
func stepUntil(t *testing.T, w *World, limit int, cond func() bool) {
	t.Helper()
	for range limit {
		if cond() {
			return
		}
		w.Step()
	}
	if !cond() {
		t.Fatalf("not reached in %d steps (tick %d, round %+v)", limit, w.Tick(), w.Round())
	}
}

func TestRoundEndsAtItsTimeWithMostKillsThenFewestDeathsFirst(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RoundTime, cfg.Intermission = 4, 2
	w, a, b := duel(t, cfg)
	aID, bID := a.id, b.id
	cID, _ := w.AddPlayer("c")
	_ = w.SetInput(aID, Input{Seq: 1, Fire: true, Aim: 0})
	killed := false
	for !killed {
		for _, e := range w.Step() {
			if e.Type == EventKill {
				killed = true
				_ = w.SetInput(aID, Input{Seq: 2}) // cease fire
			}
		}
		if w.Round().Phase != RoundPlaying {
			t.Fatalf("the round ended at tick %d before the kill", w.Tick())
		}
	}
	// c ties a on kills but died once: a wins.
	c := tankOf(t, w, cID)
	c.kills, c.deaths = 1, 1

	end := uint64(cfg.ticks(cfg.RoundTime))
	if r := w.Round(); r.Phase != RoundPlaying || r.Number != 1 || r.Ends != end {
		t.Fatalf("round %+v, want round 1 playing until tick %d", r, end)
	}
	stepUntil(t, w, int(end), func() bool { return w.Tick() == end-1 })
	if w.Round().Phase != RoundPlaying {
		t.Fatalf("round over at tick %d, before its time", w.Tick())
	}
	w.Step()
	r := w.Round()
	if r.Phase != RoundOver || r.Ends != end+uint64(cfg.ticks(cfg.Intermission)) {
		t.Fatalf("round %+v at tick %d, want over until the intermission's end", r, w.Tick())
	}
	board := w.Leaderboard(nil)
	ids := []PlayerID{board[0].ID, board[1].ID, board[2].ID}
	if !slices.Equal(ids, []PlayerID{aID, cID, bID}) {
		t.Fatalf("ranking %v, want %v (most kills, then fewest deaths)", board, []PlayerID{aID, cID, bID})
	}
	// The round's statistics: a fired until b died, every shell a hit.
	need := (cfg.MaxHealth + cfg.ShellDamage - 1) / cfg.ShellDamage
	if s := board[0]; s.Shots != need || s.Hits != need || s.Best != 1 || s.Streak != 1 {
		t.Fatalf("winner's score %+v, want %d shots, %d hits, best streak 1", s, need, need)
	}
}

func TestIntermissionBlocksFiringAndDamageButNotJoins(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RoundTime, cfg.Intermission = 1, 3
	w, a, b := duel(t, cfg)
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true, Aim: 0})
	stepUntil(t, w, 2*cfg.TickRate, func() bool { return w.Round().Phase == RoundOver })
	if len(w.shells) != 0 {
		t.Fatalf("%d shells outlived the round", len(w.shells))
	}
	// A player may join during the intermission: it spawns and is ranked, at zero.
	late, err := w.AddPlayer("late")
	if err != nil {
		t.Fatalf("a join in the intermission: %v", err)
	}
	w.Step()
	if !tankOf(t, w, late).alive || len(w.Leaderboard(nil)) != 3 {
		t.Fatalf("the late joiner is not in the game: %+v", w.Leaderboard(nil))
	}
	a, b = tankOf(t, w, a.id), tankOf(t, w, b.id)
	b.health, b.shieldTicks = cfg.MaxHealth, 0
	for w.Round().Phase == RoundOver {
		for _, e := range w.Step() {
			if e.Type == EventFire || e.Type == EventHit || e.Type == EventKill {
				t.Fatalf("tick %d in the intermission: %+v", w.Tick(), e)
			}
		}
		if w.Round().Phase == RoundOver && b.health != cfg.MaxHealth {
			t.Fatalf("b lost health in the intermission: %d", b.health)
		}
	}
	// Even a shell that reached a tank (none can be fired) does no harm in the intermission.
	w.endRound()
	b = tankOf(t, w, b.id)
	health := b.health
	w.hit(&shell{id: 99, owner: a.id, x: b.X, y: b.Y}, b)
	if b.health != health || !b.alive {
		t.Fatalf("a hit in the intermission took %d health", health-b.health)
	}
}

func TestNextRoundResetsScoresAndPlaysTheNextMap(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RoundTime, cfg.Intermission = 1, 1
	first, second := mustMap(t, room), shippedMap(t, "bunkers")
	w := mustWorld(t, cfg, first, 3)
	if err := w.SetRotation([]*Map{first, second}, 0); err != nil {
		t.Fatal(err)
	}
	ids := make([]PlayerID, 3)
	for i := range ids {
		ids[i], _ = w.AddPlayer("p")
	}
	w.Step()
	for i, id := range ids {
		tk := tankOf(t, w, id)
		tk.kills, tk.deaths, tk.streak, tk.best, tk.shots, tk.hits = i+1, 2, 1, 3, 10, 4
	}
	stepUntil(t, w, 3*cfg.TickRate, func() bool { return w.Round().Number == 2 })
	if r := w.Round(); r.Phase != RoundPlaying || r.Map != 1 || w.Map() != second {
		t.Fatalf("round %+v on map %q, want round 2 playing on %q", r, w.Map().Name, second.Name)
	}
	for _, s := range w.Leaderboard(nil) {
		if s != (Score{ID: s.ID}) {
			t.Fatalf("score %+v carried into the next round", s)
		}
	}
	for _, id := range ids {
		tk := tankOf(t, w, id)
		if !tk.alive || !slices.Contains(second.Spawns, Point{tk.X, tk.Y}) {
			t.Fatalf("tank %d at %v,%v (alive %v), want it spawned on a spawn of %q", id, tk.X, tk.Y, tk.alive, second.Name)
		}
	}
	// The rotation comes round again, with no allocation in the steps that switch maps.
	stepUntil(t, w, 3*cfg.TickRate, func() bool { return w.Round().Number == 3 })
	if w.Map() != first || w.Round().Map != 0 {
		t.Fatalf("round 3 on %q, want the first map again", w.Map().Name)
	}
	allocs := testing.AllocsPerRun(1, func() {
		for n := w.Round().Number; w.Round().Number < n+2; {
			w.Step()
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations over two rounds", allocs)
	}
}

func TestEndlessWithoutRoundTime(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RoundTime = 0
	w := mustWorld(t, cfg, mustMap(t, room), 1)
	for range 10 * cfg.TickRate {
		w.Step()
	}
	if r := w.Round(); r != (RoundState{Phase: RoundEndless}) {
		t.Fatalf("round %+v without a round time, want endless", r)
	}
}
