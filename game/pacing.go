package game

import (
	"math"
	"runtime"
	"time"
)

// Join pacing. The node's measures are smoothed: a room's tick cost over about 16 ticks, the
// process's CPU share over cpuDecay, the skipped ticks and dropped snapshots over loadDecay.
// A burst of joins (64 handshakes in flight from one load generator, a class pressing Play
// at once) seats players within a second, before the measures have seen what they cost, and
// an unpaced lobby seated all of a burst 20% past the node's capacity: every player then got
// 8 snapshots a second.
//
// So the lobby projects the node's measures (its rooms' ticks' share of the CPUs, the
// process's CPU share): a player seated t ago shows in a measure smoothed with time constant
// τ only by 1-e^(-t/τ) of its cost; the rest, e^(-t/τ) summed over the players seated lately
// (recentCount), are players the measure does not show yet. Each of them is taken to cost
// what the players it does show cost on average (the measure over the players less the
// unseen ones), and a new player is refused "busy" when the measure so projected passes its
// bound. The projection paces a burst to the speed at which the measures see it, whatever the
// node's size and the game's cost per player, with no rate to tune. A room's own tick cost is
// not projected: a room holds Options.MaxPlayers at most, so a burst cannot pile up in one.
//
// It applies only once a measure is past projectFrom of its bound. Below, a burst would have
// to double the node's load within a measure's time constant to pass it. And the cost per
// player is read from a room's worth of players at least: from fewer it is mostly the node's
// fixed cost (a room's bots, the runtime), which would make a LAN party of 16 joining a
// node with a few players look like an overload.
const projectFrom = 0.5

// project returns a node's measure as it will read once it has seen all players: measured
// shows players less unseen of them; the cost per player is taken over minSeen players at
// least.
func project(measured, bound, players, unseen, minSeen float64) float64 {
	if measured < projectFrom*bound || unseen <= 0 || players <= 0 {
		return measured
	}
	seen := max(players-min(unseen, players), minSeen, 1)
	return measured * max(players/seen, 1)
}

// recentCount counts events (seats given) decaying with a time constant: how many of them a
// measure smoothed with that time constant does not show yet.
type recentCount struct {
	n  float64
	at time.Time
}

func (c *recentCount) add(now time.Time, tau time.Duration) {
	c.n = c.value(now, tau) + 1
	c.at = now
}

func (c *recentCount) value(now time.Time, tau time.Duration) float64 {
	if c.n == 0 || !now.After(c.at) {
		return c.n
	}
	return c.n * math.Exp(-float64(now.Sub(c.at))/float64(tau))
}

// The process's CPU share is read at most every cpuSampleEvery (on a join, or when the node
// registers in the directory) and smoothed with time constant cpuDecay: long enough that one
// GC cycle or a few handshakes do not make the node busy, short enough to see a burst of new
// players within a second or two.
const (
	cpuSampleEvery = 100 * time.Millisecond
	cpuDecay       = time.Second
)

// cpuMeter measures the share of its CPUs (GOMAXPROCS) the process uses, and on Linux also
// waits for (cpuDemand). The rooms' tick costs miss most of a player's cost: its
// connection's reader and writer, the framing and the system calls (at 700 bot players on one
// core the ticks took under a quarter of the CPU the process used, and the process used all
// of it). Guarded by Lobby.mu.
type cpuMeter struct {
	at    time.Time
	used  time.Duration
	share float64
}

// read returns the smoothed share as of now, sampling the process's CPU time when the last
// sample is cpuSampleEvery old. Zero where the CPU time cannot be read.
func (m *cpuMeter) read(now time.Time) float64 {
	if !m.at.IsZero() && now.Sub(m.at) < cpuSampleEvery {
		return m.share
	}
	used, ok := cpuDemand()
	if !ok {
		return 0
	}
	if !m.at.IsZero() {
		dt := now.Sub(m.at)
		share := max(float64(used-m.used), 0) / float64(dt) / float64(runtime.GOMAXPROCS(0))
		m.share += (1 - math.Exp(-float64(dt)/float64(cpuDecay))) * (share - m.share)
	}
	m.at, m.used = now, used
	return m.share
}
