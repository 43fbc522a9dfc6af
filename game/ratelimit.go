package game

import (
	"time"
)

// keyedBuckets is a token bucket per key (a connection, an address): each holds up to burst
// tokens and refills at rate a second, and an action is allowed while a token is left. A
// bucket that has refilled to full says nothing that a missing one would not, so the sweep
// drops those: the map only holds keys that acted recently. Guarded by Lobby.mu.
type keyedBuckets struct {
	rate    float64 // tokens a second; <= 0 means no limit
	burst   float64
	buckets map[string]tokenBucket
	swept   time.Time
}

type tokenBucket struct {
	tokens float64
	at     time.Time // when tokens was counted
}

// maxSweepInterval bounds how long full buckets may stay in the map, whatever the rate.
const maxSweepInterval = time.Minute

func newKeyedBuckets(rate float64, burst int) keyedBuckets {
	return keyedBuckets{rate: rate, burst: float64(max(burst, 1)), buckets: make(map[string]tokenBucket)}
}

// take spends one of key's tokens and reports whether there was one.
func (b *keyedBuckets) take(key string, now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	b.sweep(now)
	tokens := b.burst
	if bk, ok := b.buckets[key]; ok {
		tokens = bk.refilled(now, b.rate, b.burst)
	}
	allowed := tokens >= 1
	if allowed {
		tokens--
	}
	b.buckets[key] = tokenBucket{tokens: tokens, at: now}
	return allowed
}

func (bk tokenBucket) refilled(now time.Time, rate, burst float64) float64 {
	return min(burst, bk.tokens+now.Sub(bk.at).Seconds()*rate)
}

// sweep drops the buckets that have refilled, at most once per the time an empty bucket
// takes to refill, so it costs a constant amount per take on average.
func (b *keyedBuckets) sweep(now time.Time) {
	every := min(time.Duration(b.burst/b.rate*float64(time.Second)), maxSweepInterval)
	if every > 0 && now.Sub(b.swept) < every {
		return
	}
	b.swept = now
	for key, bk := range b.buckets {
		if bk.refilled(now, b.rate, b.burst) >= b.burst {
			delete(b.buckets, key)
		}
	}
}
