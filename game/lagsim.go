package game

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"time"
)

// LagProfile simulates a bad network for one player, for testing the netcode on a LAN, as a
// websocket over TCP sees one: each direction of the connection (down: snapshots, roster and
// ping answers; up: inputs, resyncs and pings) is a stream that never reorders and never drops.
//
//   - Delay: a message takes Lag plus a uniform draw in ±Jitter, but is never delivered before
//     the message sent before it in the same direction: it arrives at max(sent + delay, when the
//     one before arrived). Jitter bunches messages; it never reorders them.
//   - Loss: with probability Loss a message's first transmission is lost and TCP sends it again
//     after its retransmission timeout (RetransmissionTimeout), so it arrives that much later;
//     every later message of the direction waits for it (head-of-line blocking) and then all
//     arrive in order. The retransmission itself gets through. Loss stalls; it drops nothing.
//
// The zero value is a perfect network. What the simulator drops is only what overflows its
// bound on held messages (maxLagHeld), counted.
type LagProfile struct {
	Lag    time.Duration
	Jitter time.Duration
	Loss   float64
}

// minRTO is the least retransmission timeout Linux waits (TCP_RTO_MIN).
const minRTO = 200 * time.Millisecond

// RetransmissionTimeout is how long a lost message waits before it is sent again: 2·Lag +
// max(200 ms, 8·Jitter/3). That is Linux's timeout, the smoothed round trip plus four times its
// mean deviation with the deviation term at least TCP_RTO_MIN, for the round trip this profile
// makes: 2·Lag on average, and a mean deviation of 2·Jitter/3 for two legs each uniform in
// ±Jitter. It is the slow path of TCP's loss recovery: on a busy stream fast retransmit would
// often recover sooner, so the simulator errs on the side of a worse network.
func (p LagProfile) RetransmissionTimeout() time.Duration {
	return 2*p.Lag + max(minRTO, 8*p.Jitter/3)
}

// DefaultMaxClientLag is the most lag, and the most jitter, a player's handshake may ask for
// unless Options.MaxClientLag says otherwise. A second one way (two with full jitter) is more
// than any real network worth testing against (a geostationary satellite hop is about 0.6 s)
// and keeps what the simulator holds per player to seconds of its traffic.
const DefaultMaxClientLag = time.Second

// maxLagHeld bounds the messages the lag simulator holds at once for one connection: inputs and
// pings from it, snapshots, roster and ping answers to it. A player at the tick rate under the
// largest delay a handshake may ask for by default (2 s with jitter) has about 2 × (120 + 30 +
// 2) ≈ 300 in flight; a loss stall on top of that (its timeout is 4.7 s at those extremes) can
// pass the bound. Past it a message is dropped, as a server whose send buffer is full drops a
// volatile message, and counted.
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

// transit draws how long one message takes from being sent to arriving, before the stream's
// order holds it behind the message sent before: its delay, and the retransmission timeout
// on top when its first transmission is lost.
func (p LagProfile) transit(rng *rand.Rand) time.Duration {
	d := p.Lag
	if p.Jitter > 0 {
		d += time.Duration(rng.Int64N(int64(2*p.Jitter)+1)) - p.Jitter
	}
	if p.Loss > 0 && rng.Float64() < p.Loss {
		d += p.RetransmissionTimeout()
	}
	return max(d, 0)
}
