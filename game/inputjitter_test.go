package game

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"tankarena/game/tanks"
)

// The tanks pace their players by their inputs, so the scripted runs below show what a paced
// game gets from the runtime.
var _ Pacer[tanks.Input] = (*tanks.Room)(nil)

// A scripted network for the input buffer: how many of one client's inputs arrive before each
// tick. The client sends one input per tick and the network keeps their order (TCP), so a
// pattern never delivers more than were sent; it only delivers some late, in bunches.

// steady delivers one input before each of n ticks.
func steady(n int) []int {
	a := make([]int, n)
	for i := range a {
		a[i] = 1
	}
	return a
}

// bunched delivers two inputs every other tick: 0, 2, 0, 2, …
func bunched(n int) []int {
	a := make([]int, n)
	for i := 1; i < n; i += 2 {
		a[i] = 2
	}
	return a
}

// jittery delivers 0 to 3 inputs before each tick at random, 1 on average: each input is late
// by up to maxLate ticks, in order, as on a link whose delay varies by that much.
func jittery(seed uint64, n, maxLate int) []int {
	rng := rand.New(rand.NewPCG(seed, 1))
	a := make([]int, n)
	delivered := 0
	for t := range a {
		sent := t + 1
		lo, hi := max(sent-maxLate-delivered, 0), min(sent-delivered, 3)
		a[t] = lo + rng.IntN(hi-lo+1)
		delivered += a[t]
	}
	return a
}

// delayed delivers inputs sent one a tick, each after a fixed delay (phase, in ticks) and a
// random part of up to jitter ticks, in order: what a TCP connection whose delay varies that
// much delivers before each tick.
func delayed(seed uint64, n int, phase, jitter float64) []int {
	rng := rand.New(rand.NewPCG(seed, 2))
	a := make([]int, n)
	last := 0.0
	for sent := 0; ; sent++ {
		last = max(last, float64(sent)+phase+rng.Float64()*jitter)
		tick := int(math.Ceil(last)) // the first tick at or after it arrives
		if tick >= n {
			return a
		}
		a[tick]++
	}
}

// stalled delivers nothing for n ticks, then the n inputs sent meanwhile and the next one at
// once: a connection that stalled (a lost TCP segment waiting for its retransmission).
func stalled(n int) []int {
	a := make([]int, n+1)
	a[n] = n + 1
	return a
}

// jitterRun plays one client through a room tick by tick along a scripted arrival pattern, and
// watches what the room does with each input. It also estimates the corrections the client's
// prediction of its own tank (web/js/predict.js) would show: the client applies each input for
// exactly one tick, so any movement of the server's tank in a tick that applied no new input (a
// starved one, which the tanks hold still: game.Pacer) is movement the client did not predict,
// and each input skipped (merged away rather than caught up) is movement it predicted that never
// happens. At each snapshot (every other tick) the client sees the sum of those since the last
// one.
type jitterRun struct {
	t    *testing.T
	a    *room[tanks.Input]
	p    *player[tanks.Input]
	peer *recordingPeer
	tick int

	sent      uint32 // the last seq sent (and delivered: inputs are sent as they arrive here)
	arrivedAt []int  // per seq: the tick it arrived
	appliedAt []int  // per seq: the first tick the tank moved with it (0: never)
	seen      uint32 // the last seq the tank moved with
	skipped   int    // inputs the tank never moved with (merged away)
	caughtUp  int    // inputs the tank moved with as an extra step of a tick (shed, not lost)
	repeats   int    // ticks that applied no new input (starved)
	depths    []int  // per tick: inputs waiting when the tick came
	targets   []int  // per tick: the buffer's target depth after the tick
	fires     []int  // ticks at which the tank fired

	at         [2]float64 // where the server's tank is
	unseen     [2]float64 // movement the client did not predict, since the last snapshot
	errs       []float64  // per snapshot: the correction the client sees
	firstInput int        // the tick the first input was applied
}

func newJitterRun(t *testing.T) *jitterRun {
	t.Helper()
	cfg := tanks.DefaultConfig()
	cfg.ShellDamage = 0 // the tank's own shells bounce back at it now and then
	a := testArenaWith(t, 0, cfg)
	peer := &recordingPeer{}
	p, err := a.join("Jitter", "token", peer, lagOf(LagProfile{}))
	if err != nil {
		t.Fatal(err)
	}
	r := &jitterRun{t: t, a: a, p: p, peer: peer, arrivedAt: []int{0}, appliedAt: []int{0}}
	for range 30 { // past the spawn
		r.step()
	}
	return r
}

// input is what the client sends as its seq-th input: driving back and forth, turning, and a
// shot now and then (each a single edge).
func input(seq uint32) tanks.Input {
	throttle := 1.0
	if seq/45%2 == 1 {
		throttle = -1
	}
	return tanks.Input{Seq: seq, Throttle: throttle, Aim: float64(seq) / 30, Fire: seq%97 == 0}
}

func (r *jitterRun) pos(w *tanks.World) [2]float64 {
	var s tanks.Snapshot
	w.Snapshot(&s)
	for _, tk := range s.Tanks {
		return [2]float64{tk.X, tk.Y}
	}
	r.t.Fatal("no tank")
	return [2]float64{}
}

// play delivers the pattern, one entry per tick.
func (r *jitterRun) play(pattern []int) {
	for _, n := range pattern {
		for range n {
			r.sent++
			in := input(r.sent)
			r.a.input(r.p, r.peer, in)
			r.arrivedAt = append(r.arrivedAt, r.tick+1)
			r.appliedAt = append(r.appliedAt, 0)
		}
		r.step()
	}
}

// drain ticks until every input sent was applied (or shed), or a second passed.
func (r *jitterRun) drain() {
	for range 60 {
		if r.seen == r.sent {
			return
		}
		r.step()
	}
}

func (r *jitterRun) step() {
	r.tick++
	r.a.mu.Lock()
	depth := r.p.inputs.n
	r.a.mu.Unlock()
	caughtUp := r.a.opts.Metrics.InputsCaughtUp()
	r.a.tick(false)
	caughtUp = r.a.opts.Metrics.InputsCaughtUp() - caughtUp
	r.a.mu.Lock()
	r.depths = append(r.depths, depth)
	r.targets = append(r.targets, r.p.inputs.target)
	r.a.mu.Unlock()
	w := tankRoom(r.a).World
	var s tanks.Snapshot
	w.Snapshot(&s)
	for _, e := range s.Events {
		if e.Type == tanks.EventFire && int(e.Tank) == r.p.id {
			r.fires = append(r.fires, r.tick)
		}
	}
	at := r.pos(w)
	moved := [2]float64{at[0] - r.at[0], at[1] - r.at[1]}
	r.at = at
	seq, _ := w.LastInputSeq(tanks.PlayerID(r.p.id))
	switch {
	case seq == 0:
		return
	case seq == r.seen:
		r.repeats++
		r.unseen[0] += moved[0]
		r.unseen[1] += moved[1]
	default:
		if r.seen == 0 {
			r.firstInput = r.tick
		}
		if caughtUp > 0 { // the input before seq moved the tank this tick too
			r.appliedAt[seq-1] = r.tick
			r.caughtUp++
		}
		missed := float64(seq-r.seen-1) - float64(caughtUp)
		r.unseen[0] -= missed * moved[0]
		r.unseen[1] -= missed * moved[1]
		r.skipped += int(missed)
		r.seen = seq
		r.appliedAt[seq] = r.tick
	}
	if r.tick%2 == 0 {
		r.errs = append(r.errs, math.Hypot(r.unseen[0], r.unseen[1]))
		r.unseen = [2]float64{}
	}
}

// waits is how many ticks each applied input waited in the buffer, from seq on.
func (r *jitterRun) waits(from uint32) []int {
	var w []int
	for seq := from; seq <= r.sent; seq++ {
		if r.appliedAt[seq] > 0 {
			w = append(w, r.appliedAt[seq]-r.arrivedAt[seq])
		}
	}
	return w
}

func mean[N int | float64](xs []N) float64 {
	if len(xs) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range xs {
		sum += float64(x)
	}
	return sum / float64(len(xs))
}

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(int(p*float64(len(s))), len(s)-1)]
}

// report logs what the run measured from tick on (the corrections from the first snapshot
// after it) and returns the corrections' 95th percentile.
func (r *jitterRun) report(name string, fromTick int) (p95 float64) {
	first := uint32(0)
	for seq := 1; seq < len(r.arrivedAt); seq++ {
		if r.arrivedAt[seq] >= fromTick {
			first = uint32(seq)
			break
		}
	}
	errs := r.errs[min((fromTick-r.firstInput)/2, len(r.errs)):]
	starved, shed, full := r.a.opts.Metrics.InputBuffers()
	r.t.Logf("%s: %d sent, %d applied, %d shed, %d merged full, %d starved ticks (%d repeats); from tick %d: wait %.2f ticks on average, depth %.2f, target %d at the end; correction p95 %.2f, max %.2f units",
		name, r.sent, int(r.sent)-r.skipped, shed, full, starved, r.repeats, fromTick, mean(r.waits(first)), mean(r.depths[fromTick-1:]),
		r.targets[len(r.targets)-1], percentile(errs, 0.95), slices.Max(append(errs, 0)))
	return percentile(errs, 0.95)
}

func TestEveryInputIsAppliedOnceInOrderUnderJitter(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pattern []int
		// starves is how many ticks may find the buffer empty while its depth grows to cover
		// the jitter; afterwards none may.
		starves int
	}{
		{"steady", steady(1200), 0},
		{"bunched 0/2", bunched(1200), 1},
		{"random 0-3, up to 3 ticks late", jittery(1, 1200, 3), 3},
		{"random 0-3, up to 6 ticks late", jittery(2, 1200, 6), 6},
		// The browser's frames and the server's ticks at the same rate, the inputs arriving
		// within 2 ms of a tick: the phase slips back and forth.
		{"localhost, at a tick's edge", delayed(3, 1200, 0.95, 0.1), 2},
		// ?lag=150&jitter=30 of a TCP-faithful simulator: 150 ms ± 30 ms, in order.
		{"150 ms ± 30 ms", delayed(4, 1200, 9, 3.6), 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newJitterRun(t)
			r.play(tc.pattern)
			r.drain()
			// After five seconds the depth covers the jitter: the client's own tank is not
			// corrected (a starved tick would be a correction of a tick's movement, 2.7 units).
			if p95 := r.report(tc.name, 31+300); p95 >= 0.5 {
				t.Errorf("own tank corrections p95 %.2f units after five seconds, want < 0.5", p95)
			}
			if r.skipped != 0 || r.seen != r.sent {
				t.Fatalf("%d inputs sent, the tank moved with %d of them (up to seq %d)", r.sent, int(r.sent)-r.skipped, r.seen)
			}
			for seq := uint32(1); seq <= r.sent; seq++ {
				if seq > 1 && r.appliedAt[seq] <= r.appliedAt[seq-1] {
					t.Fatalf("input %d applied at tick %d, after input %d at tick %d", seq, r.appliedAt[seq], seq-1, r.appliedAt[seq-1])
				}
			}
			starved, shed, full := r.a.opts.Metrics.InputBuffers()
			if shed != 0 || full != 0 {
				t.Fatalf("%d inputs shed and %d merged on arrival under steady jitter", shed, full)
			}
			if int(starved) > tc.starves {
				t.Fatalf("%d ticks starved, want at most %d while the depth grows", starved, tc.starves)
			}
			if rate, _, _ := r.a.opts.Metrics.InputsDropped(); rate != 0 {
				t.Fatalf("%d inputs dropped for the rate", rate)
			}
			wantFires := 0
			for seq := uint32(1); seq <= r.sent; seq++ {
				if input(seq).Fire {
					wantFires++
				}
			}
			if len(r.fires) != wantFires {
				t.Fatalf("the tank fired %d times, the client clicked %d times", len(r.fires), wantFires)
			}
		})
	}
}

// A connection that stalls and then delivers the inputs it held at once: every one of them is
// applied, and moves the tank exactly once. The tank stands still while it starves (the tanks
// pace their players, game.Pacer), and the latency the stall left behind is given back only half
// a second later, one extra input a tick at most, applied as a step of its own (caught up), so
// the client's prediction of its own tank is not corrected at all; nothing is dropped.
func TestAStallThenABurstIsCaughtUpSlowlyAndCounted(t *testing.T) {
	const stall = 20
	r := newJitterRun(t)
	r.play(steady(300))
	burstFrom := r.sent + 1
	stalledAt := r.tick + 1
	r.play(stalled(stall))
	burstAt := r.tick
	r.play(steady(300))
	r.drain()
	if p95 := r.report("stall", stalledAt); p95 >= 0.5 {
		t.Errorf("own tank corrections p95 %.2f units through the stall and the catch-up, want < 0.5", p95)
	}

	starved, shed, full := r.a.opts.Metrics.InputBuffers()
	if starved != stall {
		t.Errorf("%d starved ticks counted, the stall lasted %d", starved, stall)
	}
	if shed == 0 || shed > stall || full != 0 {
		t.Fatalf("%d inputs shed, %d merged on arrival; want the stall's latency (at most %d) shed", shed, full, stall)
	}
	if caughtUp := r.a.opts.Metrics.InputsCaughtUp(); caughtUp != shed || r.caughtUp != int(shed) || r.skipped != 0 {
		t.Fatalf("%d inputs shed, %d counted caught up; the tank caught up with %d and skipped %d", shed, caughtUp, r.caughtUp, r.skipped)
	}
	var text strings.Builder
	if err := r.a.opts.Metrics.Write(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("tankarena_inputs_caught_up_total %d\n", shed),
		"tankarena_inputs_dropped_total{reason=\"burst\"} 0\n",
		fmt.Sprintf("tankarena_input_starved_ticks_total %d\n", stall),
		fmt.Sprintf("tankarena_input_buffer_depth_bucket{le=\"0\"} %d\n", stall),
		fmt.Sprintf("tankarena_input_buffer_depth_count %d\n", len(r.depths)-r.firstInput+1),
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("/metrics lacks %q:\n%s", want, text.String())
		}
	}
	for seq := burstFrom; seq <= burstFrom+stall; seq++ {
		if r.appliedAt[seq] != burstAt+int(seq-burstFrom) {
			t.Fatalf("input %d of the burst applied at tick %d, want %d: one a tick from the burst on", seq-burstFrom, r.appliedAt[seq], burstAt+int(seq-burstFrom))
		}
	}
	clock := newBufferClock(r.a.opts.TickRate)
	for seq := burstFrom; seq < r.sent; seq++ {
		if r.appliedAt[seq] == 0 {
			t.Fatalf("input %d never applied", seq)
		}
		if r.appliedAt[seq] != r.appliedAt[seq+1] {
			continue
		}
		if seq+2 <= r.sent && r.appliedAt[seq+2] == r.appliedAt[seq] {
			t.Fatalf("inputs %d to %d all applied at tick %d: more than one extra a tick", seq, seq+2, r.appliedAt[seq])
		}
		if r.appliedAt[seq] < burstAt+clock.shedAfter {
			t.Fatalf("input %d caught up at tick %d, less than %d ticks after the burst at %d", seq, r.appliedAt[seq], clock.shedAfter, burstAt)
		}
	}
	for i := range r.depths {
		// Shedding takes one input a tick: twenty take twenty ticks after the half second.
		if tick := i + 1; tick > burstAt+clock.shedAfter+stall+2 && r.depths[i] > r.targets[i-1]+1 {
			t.Fatalf("tick %d: depth %d, target %d: the latency was not given back", tick, r.depths[i], r.targets[i-1])
		}
	}
	wantFires := 0
	for seq := uint32(1); seq <= r.sent; seq++ {
		if input(seq).Fire {
			wantFires++
		}
	}
	if len(r.fires) != wantFires {
		t.Fatalf("the tank fired %d times, the client clicked %d times", len(r.fires), wantFires)
	}
}

// A client whose inputs come late, then several at once, gets all of them applied one per tick:
// none is skipped to catch up.
func TestLateInputsThenSeveralAtOnceAreAllApplied(t *testing.T) {
	r := newJitterRun(t)
	r.play(steady(300))
	first := r.sent + 1
	r.play([]int{0, 0, 3}) // two ticks late
	at := r.tick
	r.play(steady(20))
	for seq := first; seq < first+3; seq++ {
		if want := at + int(seq-first); r.appliedAt[seq] != want {
			t.Fatalf("late input %d applied at tick %d, want %d", seq-first, r.appliedAt[seq], want)
		}
	}
	if r.skipped != 0 {
		t.Fatalf("%d inputs skipped", r.skipped)
	}
}

// A client that floods (four inputs a tick) is held to the rate limit, its buffer stays bounded,
// and its tank moves with at most two inputs a tick (one, and one shed).
func TestAFloodIsRateLimited(t *testing.T) {
	r := newJitterRun(t)
	flood := make([]int, 300)
	for i := range flood {
		flood[i] = 4
	}
	r.play(flood)
	rate, _, _ := r.a.opts.Metrics.InputsDropped()
	perTick := r.a.opts.InputRate / r.a.opts.TickRate
	if accepted := int(r.sent) - int(rate); accepted > inputBurst+perTick*len(flood) {
		t.Fatalf("%d of %d inputs accepted in %d ticks, the limit allows %d", accepted, r.sent, len(flood), inputBurst+perTick*len(flood))
	}
	if rate == 0 {
		t.Fatal("no input dropped for the rate")
	}
	if d := slices.Max(r.depths); d > inputBufferSize {
		t.Fatalf("buffer depth reached %d, bound %d", d, inputBufferSize)
	}
	perTickApplied := map[int]int{}
	for seq := uint32(1); seq <= r.sent; seq++ {
		if at := r.appliedAt[seq]; at > 0 {
			if perTickApplied[at]++; perTickApplied[at] > 2 {
				t.Fatalf("three inputs applied at tick %d", at)
			}
		}
	}
}

// The room's buffers adapt: the target grows on a jittery link and comes back down, with the
// latency, once the link is steady.
func TestInputBufferDepthAdaptsToTheLink(t *testing.T) {
	r := newJitterRun(t)
	r.play(steady(300))
	if got := r.targets[len(r.targets)-1]; got != 1 {
		t.Fatalf("target %d on a steady link, want 1", got)
	}
	r.play(jittery(5, 600, 5))
	jittered := r.tick
	if got := r.targets[len(r.targets)-1]; got < 4 {
		t.Fatalf("target %d with inputs up to 5 ticks late, want at least 4", got)
	}
	r.play(steady(600))
	r.report("jitter, then steady", jittered)
	if got := r.targets[len(r.targets)-1]; got != 1 {
		t.Fatalf("target %d after ten steady seconds, want 1", got)
	}
	if got := r.depths[len(r.depths)-1]; got > 2 {
		t.Fatalf("depth %d after ten steady seconds, want at most 2", got)
	}
}
