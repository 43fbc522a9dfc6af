package game

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// BenchmarkLagLineDeliver measures what the lag simulator costs per message, from deliver to
// the delivered function having run, on the real clock: batches of 256 messages (within
// maxLagHeld) whose delay is due at once, each batch waited for. "off" is the zero profile,
// delivered on the caller's goroutine.
func BenchmarkLagLineDeliver(b *testing.B) {
	for _, c := range []struct {
		name    string
		profile LagProfile
	}{
		{"off", LagProfile{}},
		{"lag", LagProfile{Lag: time.Nanosecond}},
		{"jitter", LagProfile{Lag: time.Microsecond, Jitter: time.Microsecond}},
	} {
		b.Run(c.name, func(b *testing.B) {
			line := newLagLine(c.profile, testMetrics(), realClock{}, rand.Uint64())
			defer line.close()
			var wg sync.WaitGroup
			fn := func() { wg.Done() }
			const batch = 256
			sent := 0
			b.ReportAllocs()
			for b.Loop() {
				if sent%batch == 0 {
					wg.Wait()
					wg.Add(batch)
				}
				line.down.deliver(fn)
				sent++
			}
			if rest := sent % batch; rest != 0 {
				wg.Add(rest - batch) // the last batch's messages never sent
			}
			wg.Wait()
		})
	}
}
