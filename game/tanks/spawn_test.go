package tanks

import (
	"math"
	"testing"
)

// pointBlank is a third of a second of shell flight: no time to dodge or find cover.
func pointBlank(c *Config) float64 { return c.ShellSpeed / 3 }

// exposure counts the living enemies of t that could shoot it from point blank with a clear line.
func exposure(w *World, t *tank) int {
	n := 0
	for i := range w.tanks {
		o := &w.tanks[i]
		if o.id == t.id || !o.alive {
			continue
		}
		if math.Hypot(o.X-t.X, o.Y-t.Y) < pointBlank(&w.cfg) && w.lineOfSight(t.X, t.Y, o.X, o.Y) {
			n++
		}
	}
	return n
}

// TestJoinsSpreadOverSpawns: a human joins an empty arena and 15 bots join in the same step, as
// when a host starts a match. With 16 tanks on 8 spawns, no spawn may hold more than two tanks
// and nobody may start in point-blank sight of more than one enemy.
func TestJoinsSpreadOverSpawns(t *testing.T) {
	cfg := DefaultConfig()
	w := mustWorld(t, cfg, shippedMap(t, "arena"), 1)
	human, _ := w.AddPlayer("newcomer")
	w.SetBotFill(cfg.MaxPlayers, BotNormal)
	var spawned []Event
	for _, e := range w.Step() {
		if e.Type == EventRespawn {
			spawned = append(spawned, e)
		}
	}
	if len(spawned) != cfg.MaxPlayers {
		t.Fatalf("%d tanks spawned, want %d", len(spawned), cfg.MaxPlayers)
	}
	perSpawn := map[Point]int{}
	for _, e := range spawned {
		perSpawn[Point{e.X, e.Y}]++
	}
	for p, n := range perSpawn {
		if n > 2 {
			t.Errorf("%d tanks spawned at %v, want at most 2 per spawn", n, p)
		}
	}
	for i := range w.tanks {
		if n := exposure(w, &w.tanks[i]); n > 1 {
			t.Errorf("tank %d (human: %v) spawned in point-blank sight of %d enemies", w.tanks[i].id, w.tanks[i].id == human, n)
		}
	}
}

// TestSpawnAvoidsExposedPoint: a (re)spawning tank must not appear where several enemies see it
// from close by when another spawn is hidden from all of them, even if that spawn's nearest
// enemy is a little closer (behind a wall).
func TestSpawnAvoidsExposedPoint(t *testing.T) {
	m := mustMap(t, `
################
#S....#.......S#
#.....#........#
#.....#........#
################`)
	w := mustWorld(t, DefaultConfig(), m, 1)
	places := []Point{{7*32 + 16, 48}, {264, 80}, {214, 112}} // one just behind the wall, two in the open
	for range places {
		if _, err := w.AddPlayer("watcher"); err != nil {
			t.Fatal(err)
		}
	}
	w.Step()
	for i, p := range places {
		w.tanks[i].X, w.tanks[i].Y = p.X, p.Y
	}
	newcomer, _ := w.AddPlayer("newcomer")
	w.Step()
	tk := tankOf(t, w, newcomer)
	if got := (Point{tk.X, tk.Y}); got != m.Spawns[0] {
		t.Fatalf("spawned at %v in sight of %d enemies, want the hidden spawn %v", got, exposure(w, tk), m.Spawns[0])
	}
}
