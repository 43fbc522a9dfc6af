package game

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync/atomic"
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

// DefaultMaxClientLag is the most lag, and the most jitter, a player's handshake may ask for
// unless Options.MaxClientLag says otherwise. A second one way (two with full jitter) is more
// than any real network worth testing against (a geostationary satellite hop is about 0.6 s)
// and keeps what the simulator holds per player to about two seconds of its traffic.
const DefaultMaxClientLag = time.Second

// maxLagHeld bounds the messages the lag simulator holds at once for one connection: inputs and
// pings from it, snapshots and ping answers to it. A player at the tick rate under the largest
// delay a handshake may ask for by default (2 s with jitter) has about 2 × (120 + 30 + 2) ≈ 300
// in flight; past the bound a message is lost, as on a real network that overflows, and counted.
const maxLagHeld = 512

// Active reports whether the profile changes anything.
func (p LagProfile) Active() bool { return p.Lag > 0 || p.Jitter > 0 || p.Loss > 0 }

// String is the profile in the query form it is read from.
func (p LagProfile) String() string {
	return "lag=" + strconv.FormatInt(p.Lag.Milliseconds(), 10) + "&jitter=" + strconv.FormatInt(p.Jitter.Milliseconds(), 10) +
		"&loss=" + strconv.FormatFloat(p.Loss, 'g', 3, 64)
}

// ParseLagQuery reads lag and jitter (milliseconds) and loss (0..1) from a handshake query,
// starting from def (the server-wide -lag flags). Lag and jitter are cut to maxLag; a negative
// maxLag ignores the query (players may not choose their own network). Bad values keep the
// default. limited reports that the query asked for something it did not get: a value cut,
// or any value while players may not choose.
func ParseLagQuery(q url.Values, def LagProfile, maxLag time.Duration) (p LagProfile, limited bool) {
	p = def
	if maxLag < 0 {
		return p, q.Has("lag") || q.Has("jitter") || q.Has("loss")
	}
	millis := func(key string, into *time.Duration) {
		if ms, err := strconv.Atoi(q.Get(key)); err == nil && ms >= 0 {
			d := time.Duration(ms) * time.Millisecond
			if ms > int(maxLag.Milliseconds()) {
				d, limited = maxLag, true
			}
			*into = d
		}
	}
	millis("lag", &p.Lag)
	millis("jitter", &p.Jitter)
	if f, err := strconv.ParseFloat(q.Get("loss"), 64); err == nil && f >= 0 && f <= 1 {
		p.Loss = f
	}
	return p, limited
}

// delay draws one message's delay.
func (p LagProfile) delay() time.Duration {
	d := p.Lag
	if p.Jitter > 0 {
		d += time.Duration(rand.Int64N(int64(2*p.Jitter)+1)) - p.Jitter
	}
	return d
}

// lagLine is one connection's simulated network: its profile, and the messages it holds, which
// are bounded by maxLagHeld whatever the profile and however fast the client sends.
type lagLine struct {
	profile LagProfile
	held    atomic.Int32
	metrics *Metrics
}

func newLagLine(p LagProfile, m *Metrics) *lagLine { return &lagLine{profile: p, metrics: m} }

// active reports whether the line changes anything.
func (l *lagLine) active() bool { return l.profile.Active() }

// deliver runs fn after the simulated delay, or never if the message is lost (by the profile's
// loss, or because the line already holds maxLagHeld); it reports false for a lost message.
// With an inactive profile fn runs at once, on the caller's goroutine.
func (l *lagLine) deliver(fn func()) bool {
	p := l.profile
	if !p.Active() {
		fn()
		return true
	}
	if p.Loss > 0 && rand.Float64() < p.Loss {
		return false
	}
	d := p.delay()
	if d <= 0 {
		fn()
		return true
	}
	if l.held.Add(1) > maxLagHeld {
		l.held.Add(-1)
		l.metrics.lagOverflow.Add(1)
		return false
	}
	time.AfterFunc(d, func() {
		l.held.Add(-1)
		fn()
	})
	return true
}
