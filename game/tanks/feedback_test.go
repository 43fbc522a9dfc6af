package tanks

import (
	"math"
	"testing"
)

// TestSelfKillByOwnRicochet fires into a wall until the ricochets destroy the shooter: the kill
// event names the tank as its own killer and carries Ricochet, as do the hits before it, and
// both survive a snapshot round trip.
func TestSelfKillByOwnRicochet(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	b.body = body{X: 300, Y: 200}
	a.Turret = -math.Pi / 2
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true, Aim: -math.Pi / 2})
	var kill *Event
	var hits int
	var snap, out Snapshot
	for range 10 * cfg.TickRate {
		w.Step()
		w.Snapshot(&snap)
		if err := DecodeSnapshot(&out, EncodeSnapshot(nil, &snap, nil), nil); err != nil {
			t.Fatal(err)
		}
		for i, e := range out.Events { // decoded, so the wire carries Ricochet too
			if w := snap.Events[i]; e.Type != w.Type || e.Tank != w.Tank || e.Victim != w.Victim || e.Ricochet != w.Ricochet {
				t.Fatalf("event %+v decoded as %+v", snap.Events[i], e)
			}
			switch e.Type {
			case EventHit:
				hits++
				if !e.Ricochet || e.Tank != a.id || e.Victim != a.id {
					t.Fatalf("hit %+v, want the owner's own ricochet", e)
				}
			case EventKill:
				kill = &e
			}
		}
		if kill != nil {
			break
		}
	}
	if kill == nil || kill.Tank != a.id || kill.Victim != a.id || !kill.Ricochet {
		t.Fatalf("kill = %+v after %d hits, want a self-kill by ricochet", kill, hits)
	}
	if s := tankOf(t, w, a.id); s.deaths != 1 || s.kills != 0 {
		t.Fatalf("self-kill scored kills=%d deaths=%d, want 0 and 1", s.kills, s.deaths)
	}
}

// TestDirectHitIsNoRicochet: a straight shot's hit and kill carry no Ricochet.
func TestDirectHitIsNoRicochet(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true})
	for range 6 * cfg.TickRate {
		for _, e := range w.Step() {
			if (e.Type == EventHit || e.Type == EventKill) && e.Ricochet {
				t.Fatalf("direct shot's %v event marked as a ricochet", e.Type)
			}
			if e.Type == EventKill && e.Victim == b.id {
				return
			}
		}
	}
	t.Fatal("no kill")
}

// TestOfflineTankIsAGhost: while its player is disconnected a tank cannot be hit, cannot fire,
// is driven through and is left alone by bots; once back it fights again.
func TestOfflineTankIsAGhost(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	if err := w.SetConnected(b.id, false); err != nil {
		t.Fatal(err)
	}
	var snap Snapshot
	w.Snapshot(&snap)
	if i, _ := findTankState(snap.Tanks, b.id); !snap.Tanks[i].Offline {
		t.Fatal("snapshot does not show the disconnected tank offline")
	}
	_ = w.SetInput(a.id, Input{Seq: 1, Fire: true})
	_ = w.SetInput(b.id, Input{Seq: 1, Fire: true, Aim: math.Pi})
	for range 3 * cfg.TickRate {
		for _, e := range w.Step() {
			switch {
			case e.Type == EventHit && e.Victim == b.id:
				t.Fatalf("offline tank hit: %+v", e)
			case e.Type == EventFire && e.Tank == b.id:
				t.Fatalf("offline tank fired: %+v", e)
			}
		}
	}
	// Another tank drives onto it without being pushed apart.
	a, b = tankOf(t, w, a.id), tankOf(t, w, b.id)
	a.body = body{X: b.X + 1, Y: b.Y}
	_ = w.SetInput(a.id, Input{Seq: 2})
	w.Step()
	if a, b := tankOf(t, w, a.id), tankOf(t, w, b.id); math.Hypot(a.X-b.X, a.Y-b.Y) > 2 {
		t.Fatalf("tanks pushed apart to %.1f units: the ghost must not collide", math.Hypot(a.X-b.X, a.Y-b.Y))
	}
	// A bot finds no target in it.
	bot := &tank{id: 99, bot: &botBrain{}, alive: true, body: body{X: 80, Y: 100}}
	if got := w.botTarget(bot); got != nil && got.id == b.id {
		t.Fatal("a bot targets the offline tank")
	}

	// Back online: shells hit it again.
	_ = w.SetConnected(b.id, true)
	tankOf(t, w, a.id).body = body{X: 80, Y: 100}
	tankOf(t, w, b.id).body = body{X: 300, Y: 100}
	_ = w.SetInput(a.id, Input{Seq: 3, Fire: true})
	for range 2 * cfg.TickRate {
		for _, e := range w.Step() {
			if e.Type == EventHit && e.Victim == b.id {
				return
			}
		}
	}
	t.Fatal("the reconnected tank is never hit")
}

// TestCompensatedShotsBounceBackToo: a shot from a player who sees the world 6 ticks late is
// caught up through those ticks (lagcomp.go); fired point-blank at a wall, its ricochet must
// still find its shooter there, as an uncompensated one does.
func TestCompensatedShotsBounceBackToo(t *testing.T) {
	cfg := DefaultConfig()
	w, a, b := duel(t, cfg)
	b.body = body{X: 300, Y: 200}
	a.Turret = -math.Pi / 2
	for i := range 10 * cfg.TickRate {
		_ = w.SetInput(a.id, Input{Seq: uint32(i + 1), Fire: true, Aim: -math.Pi / 2, View: max(w.Tick(), 6) - 6})
		for _, e := range w.Step() {
			if e.Type == EventKill {
				if e.Tank != a.id || e.Victim != a.id || !e.Ricochet {
					t.Fatalf("kill %+v, want a self-kill by ricochet", e)
				}
				return
			}
		}
	}
	t.Fatal("10 s of compensated shots point-blank at a wall never came back at their shooter")
}
