package tanks

import (
	"math"
	"testing"
)

// room is a closed 12x8 room with a spawn in each corner region.
const room = `
############
#S........S#
#..........#
#..........#
#..........#
#..........#
#S........S#
############
`

func TestDriveAcceleratesToTopSpeedAndCoastsToAStop(t *testing.T) {
	cfg := DefaultConfig()
	m := mustMap(t, `
##########################################
#S.......................................#
##########################################`)
	b := body{X: 48, Y: 48}
	for range cfg.TickRate {
		stepBody(&b, Input{Throttle: 1}, &cfg, m, cfg.Dt())
	}
	if math.Abs(b.VX-cfg.TankMaxSpeed) > 1e-9 || b.VY != 0 {
		t.Fatalf("after 1 s of full throttle v = (%v,%v), want (%v,0)", b.VX, b.VY, cfg.TankMaxSpeed)
	}
	x := b.X
	for range cfg.TickRate {
		stepBody(&b, Input{}, &cfg, m, cfg.Dt())
	}
	if b.VX != 0 || b.X <= x {
		t.Fatalf("released throttle: v=%v x=%v (was %v); want coasting forward, then a stop", b.VX, b.X, x)
	}
}

func TestTurretSwingsAtLimitedRate(t *testing.T) {
	cfg := DefaultConfig()
	m := mustMap(t, room)
	b := body{X: 100, Y: 100}
	stepBody(&b, Input{Aim: math.Pi / 2}, &cfg, m, cfg.Dt())
	if want := cfg.TurretTurnRate * cfg.Dt(); math.Abs(b.Turret-want) > 1e-12 {
		t.Fatalf("turret after one tick = %v, want %v", b.Turret, want)
	}
	for range cfg.TickRate {
		stepBody(&b, Input{Aim: math.Pi / 2}, &cfg, m, cfg.Dt())
	}
	if math.Abs(b.Turret-math.Pi/2) > 1e-12 || b.Hull != 0 {
		t.Fatalf("turret = %v hull = %v, want turret at aim, hull untouched", b.Turret, b.Hull)
	}
}

func TestTankSlidesAlongWall(t *testing.T) {
	cfg := DefaultConfig()
	m := mustMap(t, room)
	// Drive at 45° into the top wall (y = 32): y must stop at the wall, x keeps going.
	b := body{X: 100, Y: 80, Hull: -math.Pi / 4}
	for range 60 {
		stepBody(&b, Input{Throttle: 1, Aim: b.Turret}, &cfg, m, cfg.Dt())
	}
	if math.Abs(b.Y-(32+cfg.TankRadius)) > 1e-9 {
		t.Fatalf("y = %v, want resting on the wall at %v", b.Y, 32+cfg.TankRadius)
	}
	if b.X < 130 || b.VX <= 0 || b.VY != 0 {
		t.Fatalf("x = %v v = (%v,%v); want sliding along +x", b.X, b.VX, b.VY)
	}
}

func TestNoTunnellingAtTopSpeed(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TankMaxSpeed = 4000 // far more than a wall's thickness per tick
	cfg.TankAccel = 1e6
	m := mustMap(t, `
#######
#S.#..#
#######`)
	b := body{X: 48, Y: 48}
	for range 30 {
		stepBody(&b, Input{Throttle: 1}, &cfg, m, cfg.Dt())
		if b.X > 96-cfg.TankRadius+1e-9 {
			t.Fatalf("tank at x=%v passed into the one-tile wall at x=96..128", b.X)
		}
	}
}

func TestInputSanitizing(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		in, want Input
	}{
		{Input{Throttle: 5, Turn: -9, Aim: 1}, Input{Throttle: 1, Turn: -1, Aim: 1}},
		{Input{Throttle: nan, Turn: inf, Aim: nan}, Input{Throttle: 0, Turn: 1, Aim: 0.5}},
		{Input{Aim: -inf}, Input{Aim: 0.5}},
		{Input{Aim: 3 * math.Pi}, Input{Aim: math.Pi}},
		{Input{Aim: 2*math.Pi + 1}, Input{Aim: 1}},
	}
	for _, c := range cases {
		got := c.in.sanitize(0.5)
		if got.Throttle != c.want.Throttle || got.Turn != c.want.Turn || math.Abs(got.Aim-c.want.Aim) > 1e-12 {
			t.Errorf("sanitize(%+v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestInputsHoldAndStaleOnesAreIgnored(t *testing.T) {
	w := mustWorld(t, DefaultConfig(), mustMap(t, room), 1)
	id, _ := w.AddPlayer("ann")
	w.Step() // spawn
	_ = w.SetInput(id, Input{Seq: 5, Throttle: 1})
	_ = w.SetInput(id, Input{Seq: 4, Throttle: -1}) // reordered packet: ignored
	for range 10 {
		w.Step()
	}
	tk := tankOf(t, w, id)
	if tk.applied != 5 || tk.VX*math.Cos(tk.Hull)+tk.VY*math.Sin(tk.Hull) <= 0 {
		t.Fatalf("applied seq %d, forward speed must be positive after holding throttle", tk.applied)
	}
	if seq, _ := w.LastInputSeq(id); seq != 5 {
		t.Fatalf("LastInputSeq = %d, want 5", seq)
	}
	if err := w.SetInput(999, Input{Seq: 1}); err == nil {
		t.Fatal("input for an unknown player accepted")
	}
}

// duel puts two human tanks at fixed places in the room, spawned and unshielded.
func duel(t *testing.T, cfg Config) (*World, *tank, *tank) {
	w := mustWorld(t, cfg, mustMap(t, room), 1)
	a, _ := w.AddPlayer("a")
	b, _ := w.AddPlayer("b")
	w.Step()
	ta, tb := tankOf(t, w, a), tankOf(t, w, b)
	ta.body = body{X: 80, Y: 100}
	tb.body = body{X: 300, Y: 100}
	ta.shieldTicks, tb.shieldTicks = 0, 0
	return w, ta, tb
}

func TestShellDamageKillScoreAndRespawn(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	aID, bID := a.id, b.id
	_ = w.SetInput(aID, Input{Seq: 1, Fire: true, Aim: 0})
	var hits, kills, respawns []Event
	for range 6 * cfg.TickRate {
		for _, e := range w.Step() {
			switch e.Type {
			case EventHit:
				hits = append(hits, e)
			case EventKill:
				kills = append(kills, e)
				_ = w.SetInput(aID, Input{Seq: 2}) // cease fire
			case EventRespawn:
				respawns = append(respawns, e)
			}
		}
	}
	need := (cfg.MaxHealth + cfg.ShellDamage - 1) / cfg.ShellDamage
	if len(hits) != need || hits[0].Victim != bID || hits[0].Damage != cfg.ShellDamage {
		t.Fatalf("hits = %+v, want %d hits of %d on tank %d", hits, need, cfg.ShellDamage, bID)
	}
	if len(kills) != 1 || kills[0].Tank != aID || kills[0].Victim != bID {
		t.Fatalf("kills = %+v, want one kill of %d by %d", kills, bID, aID)
	}
	if len(respawns) != 1 || respawns[0].Tank != bID {
		t.Fatalf("respawns = %+v, want tank %d once", respawns, bID)
	}
	// The victim respawns at the spawn farthest from the killer (at 80,100: nearer the top).
	far := w.m.Spawns[3] // bottom right
	if respawns[0].X != far.X || respawns[0].Y != far.Y {
		t.Fatalf("respawned at %v,%v, want the farthest spawn %v", respawns[0].X, respawns[0].Y, far)
	}
	board := w.Leaderboard(nil)
	if board[0] != (Score{ID: aID, Kills: 1, Streak: 1, Best: 1, Shots: 3, Hits: 3}) || board[1] != (Score{ID: bID, Deaths: 1}) {
		t.Fatalf("leaderboard = %+v", board)
	}
	b = tankOf(t, w, bID)
	if !b.alive || b.health != cfg.MaxHealth {
		t.Fatalf("victim after respawn: alive=%v health=%d", b.alive, b.health)
	}
}

func TestSpawnShieldBlocksDamage(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	b.shieldTicks = 10 * cfg.TickRate
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true})
	var hits int
	for range 2 * cfg.TickRate {
		for _, e := range w.Step() {
			if e.Type == EventHit {
				hits++
				if e.Damage != 0 {
					t.Fatalf("shielded tank took %d damage", e.Damage)
				}
			}
		}
	}
	if hits == 0 || tankOf(t, w, b.id).health != cfg.MaxHealth {
		t.Fatalf("hits=%d health=%d: shells must hit the shield and do nothing", hits, tankOf(t, w, b.id).health)
	}
}

func TestShellBouncesOnceThenCanHitItsOwner(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	// b out of the way; a fires straight up into the wall, the ricochet comes straight back.
	b.body = body{X: 300, Y: 200}
	a.Turret = -math.Pi / 2
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true, Aim: -math.Pi / 2})
	w.Step()
	_ = w.SetInput(a.id, Input{Seq: 2, Aim: -math.Pi / 2})
	var got []EventType
	for range cfg.TickRate {
		for _, e := range w.Step() {
			got = append(got, e.Type)
			if e.Type == EventHit && e.Victim != a.id {
				t.Fatalf("ricochet hit %d, want its owner %d", e.Victim, a.id)
			}
		}
	}
	if len(got) < 2 || got[0] != EventBounce || got[1] != EventHit {
		t.Fatalf("events = %v, want a bounce then a hit on the owner", got)
	}
	if len(w.shells) != 0 {
		t.Fatalf("%d shells left", len(w.shells))
	}
}

func TestShellExpiresOnSecondWallOrRange(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	b.body = body{X: 300, Y: 200}
	a.body = body{X: 200, Y: 64}
	// Diagonal shot: bounces off the top wall, then dies on the next wall.
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true, Aim: -0.3})
	a.Turret = -0.3
	w.Step()
	_ = w.SetInput(a.id, Input{Seq: 2, Aim: -0.3})
	bounces := 0
	for range 3 * cfg.TickRate {
		for _, e := range w.Step() {
			if e.Type == EventBounce {
				bounces++
			}
		}
	}
	if bounces != 2 || len(w.shells) != 0 {
		t.Fatalf("%d bounce events, %d shells left; want ricochet + final wall hit, no shell", bounces, len(w.shells))
	}
}

func TestBotFillMakesRoomForHumans(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxPlayers = 4
	w := mustWorld(t, cfg, mustMap(t, room), 1)
	w.SetBotFill(4, BotEasy)
	w.Step()
	count := func() (humans, bots int) {
		for _, p := range w.Players(nil) {
			if p.Bot {
				bots++
			} else {
				humans++
			}
		}
		return
	}
	if h, b := count(); h != 0 || b != 4 {
		t.Fatalf("%d humans %d bots, want 0/4", h, b)
	}
	v := w.RosterVersion()
	if _, err := w.AddPlayer("ann"); err != nil {
		t.Fatalf("a human must replace a bot in a full world: %v", err)
	}
	w.Step()
	if h, b := count(); h != 1 || b != 3 || w.RosterVersion() == v {
		t.Fatalf("%d humans %d bots (roster %d→%d), want 1/3 and a new roster", h, b, v, w.RosterVersion())
	}
	w.SetBotFill(0, BotEasy)
	w.Step()
	if h, b := count(); h != 1 || b != 0 {
		t.Fatalf("%d humans %d bots after fill 0", h, b)
	}
}

func TestBotKillsStationaryTarget(t *testing.T) {
	for _, level := range []BotLevel{BotEasy, BotNormal, BotHard} {
		cfg := DefaultConfig()
		w := mustWorld(t, cfg, shippedMap(t, "bunkers"), 9)
		target, _ := w.AddPlayer("sitting duck")
		if _, err := w.AddBot(level); err != nil {
			t.Fatal(err)
		}
		killed := 0
		for tick := 0; tick < 30*cfg.TickRate && killed == 0; tick++ {
			for _, e := range w.Step() {
				if e.Type == EventKill && e.Victim == target && e.Tank != target {
					killed = tick
				}
			}
		}
		if killed == 0 {
			t.Fatalf("level %d: bot did not kill a stationary tank within 30 simulated seconds", level)
		}
		t.Logf("level %d: kill after %.1f s", level, float64(killed)/float64(cfg.TickRate))
	}
}

func TestParseMapRejectsBadFiles(t *testing.T) {
	for name, src := range map[string]string{
		"empty":        "; nothing\n",
		"ragged":       "###\n#S\n###\n",
		"no spawn":     "###\n#.#\n###\n",
		"unknown tile": "###\n#SX\n###\n",
		"bad tile":     "tile x\n###\n#S#\n",
	} {
		if _, err := ParseMap([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	m := mustMap(t, "tile 16\n####\n#S.#\n####\n")
	if m.TileSize != 16 || m.Cols != 4 || m.Rows != 3 || len(m.Spawns) != 1 || len(m.Walls) != 4 {
		t.Fatalf("parsed %+v: want 16px tiles, 4x3, one spawn, 4 merged walls", m)
	}
}
