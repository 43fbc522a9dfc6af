package engineio

import (
	"math"
	"time"
)

// handshakeBuckets limits how fast each client address may open sessions
// (Options.HandshakeRatePerIP): a token bucket per address, filled at rate tokens a second
// up to burst, one token a handshake. The cap on open sessions per address bounds memory,
// but not a client that connects and disconnects in a loop: every handshake costs a
// session, a timer and, for a websocket, an upgrade. It is guarded by Server.mu.
type handshakeBuckets struct {
	rate  float64 // tokens a second; 0: no limit
	burst float64
	perIP map[string]tokenBucket
	// sweepAt is the map size at which the next take first drops full buckets, so the map
	// holds only recently active addresses and sweeping costs O(1) a handshake on average.
	sweepAt int
}

type tokenBucket struct {
	tokens float64
	at     time.Time // when tokens was right
}

// minSweepAt keeps small maps from being swept on every handshake.
const minSweepAt = 1024

// maxRetryAfter caps the wait take reports, so a tiny rate cannot overflow a Duration.
const maxRetryAfter = 24 * time.Hour

func newHandshakeBuckets(rate float64, burst int) handshakeBuckets {
	return handshakeBuckets{rate: rate, burst: float64(burst), perIP: make(map[string]tokenBucket), sweepAt: minSweepAt}
}

// take spends one of ip's tokens at now. When there is none it reports false and how long
// until there will be one.
func (hb *handshakeBuckets) take(ip string, now time.Time) (retryAfter time.Duration, ok bool) {
	if hb.rate <= 0 {
		return 0, true
	}
	if len(hb.perIP) >= hb.sweepAt {
		hb.sweep(now)
	}
	b, seen := hb.perIP[ip]
	tokens := hb.burst
	if seen {
		tokens = hb.filled(b, now)
	}
	if tokens < 1 {
		return time.Duration(math.Min(math.Ceil((1-tokens)/hb.rate*float64(time.Second)), float64(maxRetryAfter))), false
	}
	hb.perIP[ip] = tokenBucket{tokens: tokens - 1, at: now}
	return 0, true
}

// filled is b's token count at now.
func (hb *handshakeBuckets) filled(b tokenBucket, now time.Time) float64 {
	return math.Min(hb.burst, b.tokens+now.Sub(b.at).Seconds()*hb.rate)
}

// sweep forgets the addresses whose buckets are full again: to them, being forgotten is the
// same as being remembered.
func (hb *handshakeBuckets) sweep(now time.Time) {
	for ip, b := range hb.perIP {
		if hb.filled(b, now) >= hb.burst {
			delete(hb.perIP, ip)
		}
	}
	hb.sweepAt = max(2*len(hb.perIP), minSweepAt)
}
