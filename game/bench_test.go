package game

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// openMap builds an n×n-tile arena with scattered pillars and spawns, big enough for 256 tanks.
func openMap(b *testing.B, n int) *Map {
	var sb strings.Builder
	for r := range n {
		for c := range n {
			switch {
			case r == 0 || c == 0 || r == n-1 || c == n-1, r%8 == 4 && c%8 == 4:
				sb.WriteByte('#')
			case r%8 == 2 && c%8 == 2:
				sb.WriteByte('S')
			default:
				sb.WriteByte('.')
			}
		}
		sb.WriteByte('\n')
	}
	return mustMap(b, sb.String())
}

// BenchmarkStep measures one tick with busy human tanks (driving, turning, firing) and a
// pre-filled shell population topped up every tick to stay near the target count.
func BenchmarkStep(b *testing.B) {
	for _, tanks := range []int{8, 64, 256} {
		for _, shells := range []int{0, 256, 2048} {
			b.Run(fmt.Sprintf("tanks=%d/shells=%d", tanks, shells), func(b *testing.B) {
				cfg := DefaultConfig()
				cfg.MaxPlayers = tanks
				cfg.MaxShells = shells
				cfg.ShellDamage = 0 // nobody dies: the tank count stays what the name says
				w := mustWorld(b, cfg, openMap(b, 128), 1)
				var ids []PlayerID
				for range tanks {
					id, err := w.AddPlayer("bench")
					if err != nil {
						b.Fatal(err)
					}
					ids = append(ids, id)
				}
				w.Step()
				for i, id := range ids { // spread tanks over the map
					tk := tankOf(b, w, id)
					tk.X = 48 + float64(i%16)*250
					tk.Y = 48 + float64(i/16)*250
					tk.shieldTicks = 0
				}
				fill := func() {
					for len(w.shells) < shells {
						w.fire(&w.tanks[len(w.shells)%len(w.tanks)])
					}
				}
				var seq uint32
				drive := func() {
					seq++
					for i, id := range ids {
						f := float64(int(seq)+i*13) / 50
						_ = w.SetInput(id, Input{Seq: seq, Throttle: math.Sin(f), Turn: math.Cos(f), Aim: f, Fire: shells > 0})
					}
				}
				for range 120 { // warm up: grow every buffer to its steady size
					drive()
					fill()
					w.Step()
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					drive()
					fill()
					w.Step()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/tick")
				b.ReportMetric(float64(len(w.shells)), "shells")
			})
		}
	}
}

// benchMatch is the bandwidth target's load: 16 tanks on the arena map, all driving and
// firing without pause (reload shortened to 0.2 s and damage off so about 64 shells are in flight), warmed up.
// It returns a step function that feeds the scripted inputs.
func benchMatch(b *testing.B) (*World, func()) {
	cfg := DefaultConfig()
	cfg.ReloadTime = 0.2
	cfg.ShellDamage = 0 // nobody dies, so all 16 tanks stay in every snapshot
	w := mustWorld(b, cfg, shippedMap(b, "arena"), 2)
	var ids []PlayerID
	for range 16 {
		id, _ := w.AddPlayer("p")
		ids = append(ids, id)
	}
	n := 0
	step := func() {
		n++
		for p, id := range ids {
			in := scriptedInput(p, n)
			in.Fire = true
			_ = w.SetInput(id, in)
		}
		w.Step()
	}
	for range 600 {
		step()
	}
	return w, step
}

func BenchmarkEncodeSnapshot(b *testing.B) {
	w, step := benchMatch(b)
	var prev, cur Snapshot
	w.Snapshot(&prev)
	step()
	step()
	w.Snapshot(&cur)
	for _, mode := range []string{"keyframe", "delta"} {
		b.Run(mode, func(b *testing.B) {
			base := &prev
			if mode == "keyframe" {
				base = nil
			}
			buf := make([]byte, 0, 16<<10)
			b.ReportAllocs()
			for range b.N {
				buf = EncodeSnapshot(buf[:0], &cur, base)
			}
			b.ReportMetric(float64(len(buf)), "bytes/snapshot")
			b.ReportMetric(float64(len(cur.Tanks)), "tanks")
			b.ReportMetric(float64(len(cur.Shells)), "shells")
		})
	}
}

// BenchmarkSnapshotBandwidth streams the 16-tank, ~64-shell match at 30 snapshots/s with a keyframe every
// 2 s and reports what one client receives.
func BenchmarkSnapshotBandwidth(b *testing.B) {
	w, step := benchMatch(b)
	var snaps [2]Snapshot
	buf := make([]byte, 0, 16<<10)
	total, shells, sent := 0, 0, 0
	b.ReportAllocs()
	for range b.N {
		step()
		step()
		cur, prev := &snaps[sent%2], &snaps[(sent+1)%2]
		w.Snapshot(cur)
		base := prev
		if sent%60 == 0 {
			base = nil
		}
		buf = EncodeSnapshot(buf[:0], cur, base)
		total += len(buf)
		shells += len(cur.Shells)
		sent++
	}
	b.ReportMetric(float64(total)/float64(sent), "bytes/snapshot")
	b.ReportMetric(float64(total)/float64(sent)*30, "bytes/client/s")
	b.ReportMetric(float64(shells)/float64(sent), "shells")
}

func BenchmarkDecodeSnapshot(b *testing.B) {
	w, step := benchMatch(b)
	var prev, cur, out Snapshot
	w.Snapshot(&prev)
	step()
	step()
	w.Snapshot(&cur)
	data := EncodeSnapshot(nil, &cur, &prev)
	b.ReportAllocs()
	for range b.N {
		if err := DecodeSnapshot(&out, data, &prev); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKeyframeBreakdown measures what the arena actually sends (a keyframe every
// snapshot) in the 16-tank match and splits it into tanks, shells and events, to show which
// part a smaller format should attack first.
func BenchmarkKeyframeBreakdown(b *testing.B) {
	w, step := benchMatch(b)
	var cur Snapshot
	buf := make([]byte, 0, 16<<10)
	total, noShells, noEvents, shells, sent := 0, 0, 0, 0, 0
	b.ReportAllocs()
	for range b.N {
		step()
		step()
		w.Snapshot(&cur)
		total += len(EncodeSnapshot(buf[:0], &cur, nil))
		all, events := cur.Shells, cur.Events
		cur.Shells = nil
		noShells += len(EncodeSnapshot(buf[:0], &cur, nil))
		cur.Shells, cur.Events = all, nil
		noEvents += len(EncodeSnapshot(buf[:0], &cur, nil))
		cur.Events = events
		shells += len(cur.Shells)
		sent++
	}
	perShell := float64(total-noShells) / float64(max(shells, 1))
	b.ReportMetric(float64(total)/float64(sent), "bytes/keyframe")
	b.ReportMetric(float64(total)/float64(sent)*30/1000, "KB/client/s")
	b.ReportMetric(float64(noShells-(total-noEvents))/float64(sent), "tank+header-bytes")
	b.ReportMetric(perShell, "bytes/shell")
	b.ReportMetric(float64(total-noEvents)/float64(sent), "event-bytes")
	b.ReportMetric(float64(shells)/float64(sent), "shells")
	b.ReportMetric((float64(total)/float64(sent)+perShell*(64-float64(shells)/float64(sent)))*30/1000, "KB/s-at-64-shells")
}
