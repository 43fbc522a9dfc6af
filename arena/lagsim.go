package arena

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"time"
)

// LagProfile simulates a bad network for one player, for testing the netcode on a LAN: every
// snapshot to the player and every input from it is delayed by Lag plus up to ±Jitter, or lost
// with probability Loss. The zero value is a perfect network.
type LagProfile struct {
	Lag    time.Duration
	Jitter time.Duration
	Loss   float64
}

// maxSimulatedLag bounds what a handshake may ask for, so a typo cannot park timers for minutes.
const maxSimulatedLag = 2 * time.Second

// Active reports whether the profile changes anything.
func (p LagProfile) Active() bool { return p.Lag > 0 || p.Jitter > 0 || p.Loss > 0 }

// String is the profile in the query form it is read from.
func (p LagProfile) String() string {
	return "lag=" + strconv.FormatInt(p.Lag.Milliseconds(), 10) + "&jitter=" + strconv.FormatInt(p.Jitter.Milliseconds(), 10) +
		"&loss=" + strconv.FormatFloat(p.Loss, 'g', 3, 64)
}

// ParseLagQuery reads lag and jitter (milliseconds) and loss (0..1) from a handshake query,
// starting from def (the server-wide -lag flags). Bad values keep the default.
func ParseLagQuery(q url.Values, def LagProfile) LagProfile {
	p := def
	if ms, err := strconv.Atoi(q.Get("lag")); err == nil && ms >= 0 {
		p.Lag = min(time.Duration(ms)*time.Millisecond, maxSimulatedLag)
	}
	if ms, err := strconv.Atoi(q.Get("jitter")); err == nil && ms >= 0 {
		p.Jitter = min(time.Duration(ms)*time.Millisecond, maxSimulatedLag)
	}
	if f, err := strconv.ParseFloat(q.Get("loss"), 64); err == nil && f >= 0 && f <= 1 {
		p.Loss = f
	}
	return p
}

// Deliver runs fn after the simulated delay, or never if the message is lost; it reports
// false for a lost message. With an inactive profile fn runs at once, on the caller's goroutine.
func (p LagProfile) Deliver(fn func()) bool {
	if !p.Active() {
		fn()
		return true
	}
	if p.Loss > 0 && rand.Float64() < p.Loss {
		return false
	}
	d := p.Lag
	if p.Jitter > 0 {
		d += time.Duration(rand.Int64N(int64(2*p.Jitter)+1)) - p.Jitter
	}
	if d <= 0 {
		fn()
		return true
	}
	time.AfterFunc(d, fn)
	return true
}
