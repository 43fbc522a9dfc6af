package tanks

import "sync/atomic"

// LagStats counts the shells fired with lag compensation in all rooms of a [Game], for an
// operator's /metrics. Rooms run on goroutines of their own, so the counters are atomic; a
// world adds to them only when such a shell is fired.
type LagStats struct {
	shots, clamped, rewindTicks atomic.Uint64
}

// Shots is how many shells were fired by inputs that reported a view in the past.
func (s *LagStats) Shots() uint64 { return s.shots.Load() }

// Clamped is how many of them claimed a view older than Config.MaxRewind and were held to it.
func (s *LagStats) Clamped() uint64 { return s.clamped.Load() }

// RewindTicks is the sum of their rewinds in ticks: divided by Shots, the mean.
func (s *LagStats) RewindTicks() uint64 { return s.rewindTicks.Load() }

// count records one compensated shell; s may be nil (a world outside a Game).
func (s *LagStats) count(rewind int, clamped bool) {
	if s == nil {
		return
	}
	s.shots.Add(1)
	s.rewindTicks.Add(uint64(rewind))
	if clamped {
		s.clamped.Add(1)
	}
}
