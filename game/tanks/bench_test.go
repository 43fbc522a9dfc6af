package tanks

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

// benchMatch is the bandwidth target's load, maxLoad: 16 tanks on the arena map, all driving
// and firing without pause, warmed up. It returns the world and a step function that feeds the scripted inputs for one tick.
func benchMatch(b *testing.B) (*World, func()) {
	return startLoad(b, maxLoad)
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

// streamLoad is a 16-tank match the bandwidth target is measured on.
type streamLoad struct {
	name   string
	reload float64 // seconds; 0 keeps the default
	damage bool    // off keeps all 16 tanks in every snapshot
	fire   func(p, n int) bool
}

var streamLoads = []streamLoad{
	// Each tank fires in short bursts every few seconds (about 2 shells in flight); tanks die and respawn.
	{name: "light", damage: true, fire: func(p, n int) bool { return (n+p*37)%330 < 8 }},
	// Everyone holds the trigger with the shipped reload: many hits and kills, so with tanks
	// dead much of the time only about 12 shells fly.
	{name: "stress", damage: true, fire: func(p, n int) bool { return true }},
	maxLoad,
}

// maxLoad is the shortened reload with damage off: about 54 shells, no hit/kill events.
var maxLoad = streamLoad{name: "max", reload: 0.2, fire: func(p, n int) bool { return true }}

// BenchmarkDeltaBreakdown streams each load as the arena does (30 snapshots/s, a delta against
// the previous snapshot, a keyframe every 60) and splits the bytes into header, tanks, shells
// (removals plus records) and events, with the keyframe and delta averages apart.
func BenchmarkDeltaBreakdown(b *testing.B) {
	for _, load := range streamLoads {
		b.Run(load.name, func(b *testing.B) {
			var snaps [2]Snapshot
			w, step := benchWorld(b, load)
			buf := make([]byte, 0, 16<<10)
			var keyBytes, deltaBytes, keys, deltas, tankB, shellB, eventB, shells, events int
			b.ReportAllocs()
			for i := range b.N {
				step()
				cur, prev := &snaps[i%2], &snaps[(i+1)%2]
				w.Snapshot(cur)
				shells += len(cur.Shells)
				events += len(cur.Events)
				if i%60 == 0 {
					keyBytes += len(EncodeSnapshot(buf[:0], cur, nil))
					keys++
					continue
				}
				deltaBytes += len(EncodeSnapshot(buf[:0], cur, prev))
				deltas++
				tankB += len(encodeTanks(buf[:0], cur, prev))
				shellBytes, lastShell := encodeShells(buf[:0], cur, prev)
				shellB += len(shellBytes)
				eventB += len(encodeEvents(buf[:0], cur, prev, lastShell))
			}
			d := float64(max(deltas, 1))
			k := float64(max(keys, 1))
			stream := (float64(keyBytes) + float64(deltaBytes)) / float64(b.N)
			b.ReportMetric(float64(keyBytes)/k, "bytes/keyframe")
			b.ReportMetric(float64(deltaBytes)/d, "bytes/delta")
			b.ReportMetric(float64(deltaBytes-tankB-shellB-eventB)/d, "delta-header-bytes")
			b.ReportMetric(float64(tankB)/d, "delta-tank-bytes")
			b.ReportMetric(float64(shellB)/d, "delta-shell-bytes")
			b.ReportMetric(float64(eventB)/d, "delta-event-bytes")
			b.ReportMetric(stream*30/1000, "KB/client/s")
			b.ReportMetric(float64(shells)/float64(b.N), "shells")
			b.ReportMetric(float64(events)/float64(b.N), "events/snapshot")
		})
	}
}

// benchWorld starts load and returns its world and a step that advances one snapshot interval.
func benchWorld(b *testing.B, l streamLoad) (*World, func()) {
	w, tick := startLoad(b, l)
	return w, func() { tick(); tick() }
}

// startLoad starts load on the arena map, warms it up for 600 ticks (10 s) and returns its
// world and a tick function that feeds the scripted inputs and steps once.
func startLoad(b *testing.B, l streamLoad) (*World, func()) {
	cfg := DefaultConfig()
	if l.reload > 0 {
		cfg.ReloadTime = l.reload
	}
	if !l.damage {
		cfg.ShellDamage = 0
	}
	w := mustWorld(b, cfg, shippedMap(b, "arena"), 2)
	var ids []PlayerID
	for range 16 {
		id, _ := w.AddPlayer("p")
		ids = append(ids, id)
	}
	n := 0
	tick := func() {
		n++
		for p, id := range ids {
			in := scriptedInput(p, n)
			in.Fire = l.fire(p, n)
			_ = w.SetInput(id, in)
		}
		w.Step()
	}
	for range 600 {
		tick()
	}
	return w, tick
}
