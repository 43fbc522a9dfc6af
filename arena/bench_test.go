package arena

import (
	"io/fs"
	"log/slog"
	"testing"

	"tankarena/assets"
	"tankarena/game"
)

// countingOut stands in for the Socket.IO server in benchmarks: it only counts the bytes an
// arena hands over, so the numbers are the arena's own cost.
type countingOut struct{ bytes int }

func (c *countingOut) Broadcast(string, string, ...any) {}
func (c *countingOut) BroadcastVolatile(_, _ string, args ...any) {
	if b, ok := args[0].([]byte); ok {
		c.bytes += len(b)
	}
}

// BenchmarkArenaTick measures one full arena tick (queued inputs applied, world step, and a
// snapshot encoded on every second tick as at 60/30 Hz) for a full 16-tank arena of bots.
func BenchmarkArenaTick(b *testing.B) {
	data, err := fs.ReadFile(assets.Maps, "maps/arena.txt")
	if err != nil {
		b.Fatal(err)
	}
	m, err := game.LoadMap("arena", data)
	if err != nil {
		b.Fatal(err)
	}
	w, err := game.NewWorld(game.DefaultConfig(), m, 1)
	if err != nil {
		b.Fatal(err)
	}
	w.SetBotFill(16, game.BotNormal)
	out := &countingOut{}
	opts := &Options{TickRate: 60, SnapshotRate: 30, MaxPlayers: 16, Out: out, Metrics: &Metrics{}, Logger: slog.New(slog.DiscardHandler)}
	a := newArena(1, w, opts, nil)
	for range 600 { // ten seconds of play, so shells fly and tanks have spread out
		a.tick(false)
	}
	b.ReportAllocs()
	b.ResetTimer()
	snapshots := 0
	for i := 0; b.Loop(); i++ {
		send := i%2 == 0
		if send {
			snapshots++
		}
		a.tick(send)
	}
	if snapshots > 0 {
		b.ReportMetric(float64(out.bytes)/float64(snapshots), "bytes/snapshot")
	}
}
