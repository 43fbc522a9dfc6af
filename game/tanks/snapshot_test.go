package tanks

import (
	"errors"
	"math"
	"testing"
)

// checkClose compares a decoded snapshot with the truth, allowing each value its quantisation
// error (shells that were extrapolated also get the drift tolerance).
func checkClose(t *testing.T, got, want *Snapshot) {
	t.Helper()
	if got.Tick != want.Tick || len(got.Tanks) != len(want.Tanks) || len(got.Shells) != len(want.Shells) ||
		len(got.Scores) != len(want.Scores) || len(got.Events) != len(want.Events) {
		t.Fatalf("tick %d: shape differs: got tick %d, %d tanks, %d shells, %d scores, %d events; want %d, %d, %d, %d",
			want.Tick, got.Tick, len(got.Tanks), len(got.Shells), len(got.Scores), len(got.Events),
			len(want.Tanks), len(want.Shells), len(want.Scores), len(want.Events))
	}
	near := func(what string, a, b, tol float64) {
		if math.Abs(a-b) > tol {
			t.Fatalf("tick %d: %s = %v, want %v (±%v)", want.Tick, what, a, b, tol)
		}
	}
	near("shell speed", got.ShellSpeed, want.ShellSpeed, 0.5/shellSpeedScale)
	angle := func(what string, a, b float64) { near(what, wrapAngle(a-b), 0, math.Pi/angleSteps+1e-9) }
	for i, w := range want.Tanks {
		g := got.Tanks[i]
		if g.ID != w.ID || g.Health != w.Health || g.Alive != w.Alive || g.Shielded != w.Shielded || g.Offline != w.Offline || g.Seq != w.Seq {
			t.Fatalf("tick %d: tank %+v, want %+v", want.Tick, g, w)
		}
		near("tank x", g.X, w.X, 0.5/posScale)
		near("tank y", g.Y, w.Y, 0.5/posScale)
		near("tank vx", g.VX, w.VX, 0.5/tankVelScale)
		near("tank vy", g.VY, w.VY, 0.5/tankVelScale)
		angle("hull", g.Hull, w.Hull)
		angle("turret", g.Turret, w.Turret)
		if got.Scores[i] != want.Scores[i] {
			t.Fatalf("tick %d: score %+v, want %+v", want.Tick, got.Scores[i], want.Scores[i])
		}
	}
	for i, w := range want.Shells {
		g := got.Shells[i]
		if g.ID != w.ID || g.Owner != w.Owner {
			t.Fatalf("tick %d: shell %+v, want %+v", want.Tick, g, w)
		}
		near("shell x", g.X, w.X, shellDriftTol+0.5/posScale)
		near("shell y", g.Y, w.Y, shellDriftTol+0.5/posScale)
		// The direction is sent in 65536ths of a turn, the speed is the snapshot's.
		velTol := want.ShellSpeed*math.Pi/shellAngleSteps + 1e-9
		near("shell vx", g.VX, w.VX, velTol)
		near("shell vy", g.VY, w.VY, velTol)
	}
	for i, w := range want.Events {
		g := got.Events[i]
		if g.Type != w.Type || g.Tank != w.Tank || g.Victim != w.Victim || g.Shell != w.Shell || g.Damage != w.Damage || g.Ricochet != w.Ricochet {
			t.Fatalf("tick %d: event %+v, want %+v", want.Tick, g, w)
		}
		near("event x", g.X, w.X, 0.5/posScale)
		near("event y", g.Y, w.Y, 0.5/posScale)
	}
}

// TestSnapshotRoundTrip plays a bot match and sends every other tick as a delta (a keyframe
// every 60 snapshots), decoding each on a simulated client and comparing with the truth.
func TestSnapshotRoundTrip(t *testing.T) {
	w := mustWorld(t, DefaultConfig(), shippedMap(t, "arena"), 3)
	w.SetBotFill(10, BotHard)
	var truth [2]Snapshot
	var client [2]Snapshot
	var buf []byte
	sent, kinds := 0, map[EventType]int{}
	for tick := 1; tick <= 3000; tick++ {
		w.Step()
		if tick%2 != 0 {
			continue
		}
		cur, prev := &truth[sent%2], &truth[(sent+1)%2]
		w.Snapshot(cur)
		base := prev
		if sent%60 == 0 {
			base = nil
		}
		buf = EncodeSnapshot(buf[:0], cur, base)
		dec, decBase := &client[sent%2], &client[(sent+1)%2]
		if base == nil {
			decBase = nil
		}
		if err := DecodeSnapshot(dec, buf, decBase); err != nil {
			t.Fatalf("snapshot %d: %v", sent, err)
		}
		checkClose(t, dec, cur)
		for _, e := range cur.Events {
			kinds[e.Type]++
		}
		sent++
	}
	for _, k := range []EventType{EventFire, EventHit, EventBounce, EventKill, EventRespawn} {
		if kinds[k] == 0 {
			t.Errorf("the match produced no %v event, so its encoding went untested", k)
		}
	}
}

func TestSnapshotDeltaNeedsItsBase(t *testing.T) {
	w := mustWorld(t, DefaultConfig(), shippedMap(t, "arena"), 1)
	w.SetBotFill(2, BotEasy)
	var a, b, out Snapshot
	w.Step()
	w.Snapshot(&a)
	w.Step()
	w.Snapshot(&b)
	delta := EncodeSnapshot(nil, &b, &a)
	if err := DecodeSnapshot(&out, delta, nil); !errors.Is(err, ErrSnapshotBase) {
		t.Fatalf("delta without base: %v, want ErrSnapshotBase", err)
	}
	// Which snapshot is the base is the runtime frame's to say (game/snapframe.go); the delta
	// carries only the ticks since it.
	if err := DecodeSnapshot(&out, delta, &a); err != nil || out.Tick != b.Tick {
		t.Fatalf("delta on its base: tick %d, err %v; want tick %d", out.Tick, err, b.Tick)
	}
}

func FuzzDecodeSnapshot(f *testing.F) {
	w := mustWorld(f, DefaultConfig(), shippedMap(f, "bunkers"), 5)
	w.SetBotFill(6, BotHard)
	var base, cur Snapshot
	for range 400 {
		w.Step()
	}
	w.Snapshot(&base)
	for range 10 {
		w.Step()
	}
	w.Snapshot(&cur)
	f.Add(EncodeSnapshot(nil, &base, nil))
	f.Add(EncodeSnapshot(nil, &cur, &base))
	f.Add([]byte{snapshotVersion, flagRates, 0, 60, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var out Snapshot
		_ = DecodeSnapshot(&out, data, nil)
		_ = DecodeSnapshot(&out, data, &base)
	})
}
