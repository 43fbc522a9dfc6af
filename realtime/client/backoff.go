package client

import (
	"math/rand/v2"
	"time"
)

// backoffDelay returns the wait before reconnection attempt n (0-based):
// base·2ⁿ capped at max, then spread by ±jitter so that thousands of clients
// dropped at once do not come back in lock-step.
func backoffDelay(n int, base, max time.Duration, jitter float64) time.Duration {
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	if jitter > 0 {
		spread := float64(d) * jitter
		d = time.Duration(float64(d) - spread + rand.Float64()*2*spread)
	}
	return d
}
