package game

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"
)

// Admission by measured capacity. Past what its CPUs can serve a node does not slow down a
// little: every room's ticks run late, the snapshots its players' connections cannot take in
// time are dropped, and everyone's game falls apart at once (1,100 bot players on one core got
// 1.8 snapshots a second where 1,000 got 29). So before that cliff the lobby stops seating
// new players — they are told "server busy, try again" — while the players already in, and
// those reconnecting with their token, keep their seats and their snapshot rate.
//
// The node is busy when, by what the rooms measure as they run:
//   - one room's tick (inputs, step, snapshot encoding and hand-over), smoothed, takes more
//     than busyRoomShare of the tick's budget (1/TickRate): that room is a goroutine, on one
//     core at a time, and nears the point where it runs late;
//   - all rooms' ticks together take more than busyNodeShare of the CPUs Go may use;
//   - the process (ticks, connections, runtime) takes more than busyCPUShare of the CPUs Go
//     may use (GOMAXPROCS), on Linux counting the time its threads wait for a CPU that other
//     work on the machine holds: it has no time left for the next burst of handshakes, and
//     its players' snapshots are next (cpuMeter);
//   - the rooms lately skipped busySkipShare or more of their ticks (they fell
//     maxCatchUpTicks behind, again and again: one pause of the machine does not count);
//   - the players' connections lately could not take busyDropShare or more of the snapshots
//     sent to them: their send queues are backed up, the sign that the writers, not the
//     ticks, are out of CPU.
//
// "Lately" is a decay of loadDecay; with fewer than loadMinVolume ticks or snapshots in it a
// share is not judged (a handful of players, one of them on a bad phone connection). The
// node's tick share and CPU share count the players seated lately at what the others cost
// before the measures show them (pacing.go), so a burst of joins cannot run past the bounds.
//
// busyCPUShare leaves a tenth of the CPUs for what comes in bursts: handshakes, a GC cycle, a
// room catching up. On the development machine a node pinned to one core kept 30 snapshots
// a second up to about 600 bot players at 86% of the core; at 700 it used all of it.
const (
	busyRoomShare = 0.5
	busyNodeShare = 0.7
	busyCPUShare  = 0.9
	busySkipShare = 0.05
	busyDropShare = 0.1
	loadDecay     = 3 * time.Second
	loadMinVolume = 1000
	// tickCostWeight is the weight of each new tick in a room's smoothed tick cost: about the
	// last 16 ticks, a quarter second at 60 Hz, so one slow tick (a GC pause) does not count.
	tickCostWeight = 1.0 / 16
)

// ErrServerBusy is returned by Join for a new player while the node is busy (see Load).
var ErrServerBusy = errors.New("server busy, try again in a moment")

// Load is a node's load as admission reads it.
type Load struct {
	// BusiestTick is the largest smoothed tick cost among the running rooms, and TickBudget
	// a tick's time (1/TickRate).
	BusiestTick, TickBudget time.Duration
	// NodeShare is the share of the CPUs (GOMAXPROCS) the rooms' ticks take, smoothed.
	NodeShare float64
	// CPUShare is the share of the CPUs (GOMAXPROCS) the whole process takes (on Linux, or
	// waits for), smoothed over cpuDecay; zero where it cannot be read.
	CPUShare float64
	// SkipShare is the share of ticks skipped lately, of Ticks ticks due (decayed).
	SkipShare, Ticks float64
	// DropShare is the share of snapshots the players' connections could not take lately,
	// of Snapshots sent (decayed).
	DropShare, Snapshots float64
	// Recent is how many players were seated too lately for the CPU share to show them:
	// NodeShare and CPUShare above count them at what the others cost (pacing.go).
	Recent float64
}

// Busy reports whether a node at this load should seat no new player, and why.
func (l Load) Busy() (bool, string) {
	busy, why := l.busy()
	if busy && l.Recent >= 1 {
		why += fmt.Sprintf(", counting the %.0f players seated a moment ago", l.Recent)
	}
	return busy, why
}

func (l Load) busy() (bool, string) {
	switch {
	case l.TickBudget > 0 && float64(l.BusiestTick) > busyRoomShare*float64(l.TickBudget):
		return true, fmt.Sprintf("a room's tick takes %v of its %v", l.BusiestTick.Round(time.Microsecond), l.TickBudget.Round(time.Microsecond))
	case l.NodeShare > busyNodeShare:
		return true, fmt.Sprintf("ticks take %.0f%% of the CPUs", 100*l.NodeShare)
	case l.CPUShare > busyCPUShare:
		return true, fmt.Sprintf("the server takes %.0f%% of its CPUs", 100*l.CPUShare)
	case l.Ticks >= loadMinVolume && l.SkipShare >= busySkipShare:
		return true, fmt.Sprintf("%.0f%% of ticks skipped", 100*l.SkipShare)
	case l.Snapshots >= loadMinVolume && l.DropShare >= busyDropShare:
		return true, fmt.Sprintf("%.0f%% of snapshots dropped for backed-up connections", 100*l.DropShare)
	}
	return false, ""
}

// loadMeter collects what the rooms measure for Load besides their tick cost: the ticks due
// and skipped, the snapshots sent and dropped. Its methods do nothing on a nil meter (rooms
// built without a lobby, in tests).
type loadMeter struct {
	mu    sync.Mutex
	skips decayedShare
	drops decayedShare
}

// ticked records one wake-up of a room's loop: ticks ran and skipped.
func (m *loadMeter) ticked(now time.Time, ran, skipped int) {
	if m == nil || ran+skipped == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.skips.add(now, float64(skipped), float64(ran+skipped))
}

// sent records one snapshot send of a room: to offered connections, dropped by some.
func (m *loadMeter) sent(now time.Time, offered, dropped int) {
	if m == nil || offered == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drops.add(now, float64(dropped), float64(offered))
}

// read returns the shares and volumes as of now.
func (m *loadMeter) read(now time.Time, ld *Load) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ld.SkipShare, ld.Ticks = m.skips.share(now)
	ld.DropShare, ld.Snapshots = m.drops.share(now)
}

// decayedShare is a share of events (part of all), each event's weight decaying with time
// constant loadDecay.
type decayedShare struct {
	part, all float64
	at        time.Time
}

func (d *decayedShare) add(now time.Time, part, all float64) {
	d.decayTo(now)
	d.part += part
	d.all += all
}

func (d *decayedShare) share(now time.Time) (share, volume float64) {
	d.decayTo(now)
	if d.all == 0 {
		return 0, 0
	}
	return d.part / d.all, d.all
}

func (d *decayedShare) decayTo(now time.Time) {
	if !d.at.IsZero() && now.After(d.at) {
		f := math.Exp(-float64(now.Sub(d.at)) / float64(loadDecay))
		d.part *= f
		d.all *= f
	}
	if now.After(d.at) {
		d.at = now
	}
}

// smoothTick folds one tick's duration into a room's smoothed tick cost.
func smoothTick(cost, took time.Duration) time.Duration {
	if cost == 0 {
		return took
	}
	return cost + time.Duration(tickCostWeight*float64(took-cost))
}

// load measures the node now, the players seated lately projected (pacing.go). Called with
// l.mu held (it reads l.rooms).
func (l *Lobby[In]) load(now time.Time) Load {
	var ld Load
	if l.loadProbe != nil {
		ld = l.loadProbe()
	} else {
		ld = l.measure(now)
	}
	players, room := float64(len(l.seats)), float64(l.opts.MaxPlayers)
	ld.NodeShare = project(ld.NodeShare, busyNodeShare, players, l.recentTicks.value(now, l.tickDecay()), room)
	ld.Recent = l.recentCPU.value(now, cpuDecay)
	ld.CPUShare = project(ld.CPUShare, busyCPUShare, players, ld.Recent, room)
	return ld
}

// measure reads what the rooms and the process measure. Called with l.mu held.
func (l *Lobby[In]) measure(now time.Time) Load {
	ld := Load{TickBudget: time.Second / time.Duration(l.opts.TickRate)}
	var total time.Duration
	for _, r := range l.rooms {
		c := time.Duration(r.tickCost.Load())
		ld.BusiestTick = max(ld.BusiestTick, c)
		total += c
	}
	ld.NodeShare = float64(total) * float64(l.opts.TickRate) / float64(time.Second) / float64(runtime.GOMAXPROCS(0))
	ld.CPUShare = l.cpu.read(now)
	l.opts.meter.read(now, &ld)
	return ld
}

// tickDecay is the time constant of the smoothed tick costs (smoothTick): 1/tickCostWeight
// ticks.
func (l *Lobby[In]) tickDecay() time.Duration {
	return time.Duration(float64(time.Second) / (tickCostWeight * float64(l.opts.TickRate)))
}

// seated records a new player for join pacing. Called with l.mu held.
func (l *Lobby[In]) seated(now time.Time) {
	l.recentTicks.add(now, l.tickDecay())
	l.recentCPU.add(now, cpuDecay)
}
