package tanks

import (
	"math"
	"strings"
	"testing"
)

// TestBotsDoNotSwarmANewPlayer fills the arena with 15 bots, lets them fight for a while, then
// adds an idle human and watches the next 20 s: on average only a few bots may be close to the
// newcomer, and the bots must keep fighting each other (kills among bots).
func TestBotsDoNotSwarmANewPlayer(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		cfg := DefaultConfig()
		w := mustWorld(t, cfg, shippedMap(t, "arena"), seed)
		human, err := w.AddPlayer("newcomer")
		if err != nil {
			t.Fatal(err)
		}
		w.SetBotFill(cfg.MaxPlayers, BotNormal)
		const near = 250.0
		crowd, samples, botKills, maxChasers := 0, 0, 0, 0
		for tick := range 20 * cfg.TickRate {
			for _, e := range w.Step() {
				if e.Type == EventKill && e.Tank != human && e.Victim != human && e.Tank != e.Victim {
					botKills++
				}
			}
			h := tankOf(t, w, human)
			if !h.alive || tick%10 != 0 {
				continue
			}
			samples++
			chasers := 0
			for i := range w.tanks {
				o := &w.tanks[i]
				if o.bot == nil || !o.alive {
					continue
				}
				if math.Hypot(o.X-h.X, o.Y-h.Y) < near {
					crowd++
				}
				if o.bot.target == human {
					chasers++
				}
			}
			maxChasers = max(maxChasers, chasers)
		}
		avg := float64(crowd) / float64(samples)
		t.Logf("seed %d: %.2f bots within %.0f of the newcomer on average, at most %d chasing it, %d kills among bots", seed, avg, near, maxChasers, botKills)
		if avg > 3 {
			t.Errorf("seed %d: %.2f bots near the new player on average, want at most 3", seed, avg)
		}
		if maxChasers > maxChasersPerTarget {
			t.Errorf("seed %d: %d bots chased the new player at once, cap is %d", seed, maxChasers, maxChasersPerTarget)
		}
		if botKills == 0 {
			t.Errorf("seed %d: bots stopped fighting each other", seed)
		}
	}
}

// TestChasersPerTargetAreCapped rings a human with five bots, each nearer to the human than to
// any other bot: with nearest-enemy targeting all five would pile on; the cap lets only
// maxChasersPerTarget chase it and the rest pick each other.
func TestChasersPerTargetAreCapped(t *testing.T) {
	var rows strings.Builder
	for r := range 30 {
		for c := range 30 {
			if r == 0 || c == 0 || r == 29 || c == 29 {
				rows.WriteByte('#')
			} else if r == 1 && c == 1 {
				rows.WriteByte('S')
			} else {
				rows.WriteByte('.')
			}
		}
		rows.WriteByte('\n')
	}
	w := mustWorld(t, DefaultConfig(), mustMap(t, rows.String()), 1)
	human, _ := w.AddPlayer("newcomer")
	for range 5 {
		if _, err := w.AddBot(BotNormal); err != nil {
			t.Fatal(err)
		}
	}
	w.Step()
	const cx, cy, r = 480.0, 480.0, 300.0
	for i := range w.tanks {
		tk := &w.tanks[i]
		tk.shieldTicks = 0
		if tk.id == human {
			tk.X, tk.Y = cx, cy
			continue
		}
		a := 2 * math.Pi * float64(i) / 5
		tk.X, tk.Y = cx+r*math.Cos(a), cy+r*math.Sin(a)
		tk.bot.target = 0
	}
	w.Step()
	chasers := 0
	for i := range w.tanks {
		if b := w.tanks[i].bot; b != nil {
			if b.target == human {
				chasers++
			} else if b.target == 0 {
				t.Errorf("bot %d has no target with enemies in sight", w.tanks[i].id)
			}
		}
	}
	if chasers > maxChasersPerTarget || chasers == 0 {
		t.Fatalf("%d bots chase the human, want 1..%d", chasers, maxChasersPerTarget)
	}
}
