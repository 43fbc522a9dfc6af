package tanks

import (
	"math"
	"testing"
)

// pacedInput drives, turns and swings the turret, differently every tick, so any step applied
// twice, skipped or taken out of order shows in the tank's state.
func pacedInput(seq uint32) Input {
	return Input{Seq: seq, Throttle: math.Sin(float64(seq) / 7), Turn: math.Cos(float64(seq) / 11), Aim: float64(seq) / 13}
}

// A tank paced by its inputs (Starve, CatchUp) ends where the same inputs applied one a step
// leave it, whatever ticks its player starved or caught up in: each input moves it exactly
// once, as its client's prediction does (web/js/predict.js).
func TestStarvedAndCaughtUpStepsMoveTheTankOncePerInput(t *testing.T) {
	cfg := DefaultConfig()
	m := shippedMap(t, "arena")
	steady, paced := mustWorld(t, cfg, m, 7), mustWorld(t, cfg, m, 7)
	a, _ := steady.AddPlayer("A")
	b, _ := paced.AddPlayer("A")
	steady.Step()
	paced.Step() // both spawn at the same point
	spawn := tankOf(t, steady, a).body
	const inputs = 240
	for seq := uint32(1); seq <= inputs; seq++ {
		_ = steady.SetInput(a, pacedInput(seq))
		steady.Step()
	}
	// The paced player: every 20th input is two ticks late (two starved ticks), and its
	// buffer gives the latency back by catching up with the input after it.
	for seq := uint32(1); seq <= inputs; seq++ {
		if seq%20 == 0 {
			for range 2 {
				before := tankOf(t, paced, b).body
				_ = paced.Starve(b)
				paced.Step()
				if got := tankOf(t, paced, b).body; got != before {
					t.Fatalf("seq %d: the starved tank moved from %+v to %+v", seq, before, got)
				}
				if applied, _ := paced.LastInputSeq(b); applied != seq-1 {
					t.Fatalf("seq %d: a starved step reports input %d applied, want %d", seq, applied, seq-1)
				}
			}
		}
		if seq%20 == 1 && seq > 1 && seq < inputs {
			_ = paced.CatchUp(b, pacedInput(seq))
			seq++
		}
		_ = paced.SetInput(b, pacedInput(seq))
		paced.Step()
		if applied, _ := paced.LastInputSeq(b); applied != seq {
			t.Fatalf("input %d applied, want %d", applied, seq)
		}
	}
	want, got := tankOf(t, steady, a).body, tankOf(t, paced, b).body
	if !tankOf(t, steady, a).alive || math.Hypot(want.X-spawn.X, want.Y-spawn.Y) < 20 {
		t.Fatalf("the tank went from %+v to %+v: the inputs did not drive it", spawn, want)
	}
	if got != want {
		t.Fatalf("paced tank at %+v, the one moved one input a step at %+v", got, want)
	}
}

// CatchUp ignores an input that is not newer than the held one, as SetInput does.
func TestCatchUpIgnoresAStaleInput(t *testing.T) {
	w := mustWorld(t, DefaultConfig(), shippedMap(t, "arena"), 1)
	id, _ := w.AddPlayer("A")
	w.Step()
	_ = w.SetInput(id, Input{Seq: 5, Throttle: 1})
	w.Step()
	_ = w.CatchUp(id, Input{Seq: 5, Throttle: -1})
	if tk := tankOf(t, w, id); tk.catchingUp {
		t.Fatal("a stale input was queued to catch up")
	}
	if err := w.CatchUp(99, Input{Seq: 6}); err == nil {
		t.Fatal("CatchUp of an unknown tank did not fail")
	}
	if err := w.Starve(99); err == nil {
		t.Fatal("Starve of an unknown tank did not fail")
	}
}
