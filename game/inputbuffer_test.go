package game

import (
	"testing"

	"tankarena/game/tanks"
)

func newTestBuffer() *inputBuffer[tanks.Input] {
	b := new(inputBuffer[tanks.Input])
	b.reset()
	return b
}

func TestInputBufferAppliesOnePerTickInOrder(t *testing.T) {
	b, c := newTestBuffer(), newBufferClock(60)
	for seq := uint32(1); seq <= 5; seq++ {
		b.push(tanks.Input{Seq: seq})
	}
	for want := uint32(1); want <= 5; want++ {
		in, _, res := b.take(c)
		if ok := res.applied; !ok || in.Seq != want || res.shed || res.starved {
			t.Fatalf("tick %d: took %+v (ok %v, %+v), want seq %d", want, in, ok, res, want)
		}
	}
	if _, _, res := b.take(c); res.applied || !res.starved {
		t.Fatalf("an empty buffer gave an input or was not counted starved: %+v", res)
	}
}

func TestInputBufferMergesTheOldestWhenFullKeepingTheShot(t *testing.T) {
	b := newTestBuffer()
	b.push(tanks.Input{Seq: 1, Fire: true})
	for seq := uint32(2); seq <= inputBufferSize; seq++ {
		if b.push(tanks.Input{Seq: seq, Throttle: 1}) {
			t.Fatalf("input %d merged into a buffer of %d that was not full", seq, inputBufferSize)
		}
	}
	if !b.push(tanks.Input{Seq: inputBufferSize + 1}) {
		t.Fatal("an input pushed into a full buffer merged nothing")
	}
	in, _, _ := b.take(newBufferClock(60))
	if in.Seq != 2 || !in.Fire || in.Throttle != 1 || b.n != inputBufferSize-1 {
		t.Fatalf("took %+v with %d left, want seq 2 carrying seq 1's shot, %d left", in, b.n, inputBufferSize-1)
	}
}

// A buffer left deep by a stall sheds one input a tick beyond the one it applies (handed over as
// older, oldest first), only after the depth stayed high for half a second, and only down to one
// above its target.
func TestInputBufferShedsSlowlyAndOnlyAfterASustainedExcess(t *testing.T) {
	b, c := newTestBuffer(), newBufferClock(60)
	seq := uint32(0)
	// The click is the oldest input waiting when the shedding begins, so the first one shed.
	click := uint32(5*c.window + c.shedAfter + 1)
	push := func(n int) {
		for range n {
			seq++
			b.push(tanks.Input{Seq: seq, Fire: seq == click})
		}
	}
	for range 5 * c.window { // a steady link: the target comes down to 1
		push(1)
		b.take(c)
	}
	if b.target != 1 {
		t.Fatalf("target %d after five steady seconds, want 1", b.target)
	}
	push(20)
	var applied []uint32
	shedAt := -1
	fired := false
	var res tickResult
	for tick := range 2 * c.window {
		push(1)
		var in, older tanks.Input
		in, older, res = b.take(c)
		if !res.applied {
			t.Fatalf("tick %d: starved with %d waiting", tick, b.n)
		}
		if in.Seq == click {
			t.Fatalf("tick %d: the click was the input applied, want it shed as the older one", tick)
		}
		if res.shed {
			if older.Seq+1 != in.Seq {
				t.Fatalf("tick %d: shed seq %d with seq %d, want the one just before", tick, older.Seq, in.Seq)
			}
			fired = fired || older.Fire
			if shedAt < 0 {
				shedAt = tick
			}
		}
		if n := len(applied); n > 0 && in.Seq-applied[n-1] > 2 {
			t.Fatalf("tick %d: applied seq %d after %d: more than one input shed in a tick", tick, in.Seq, applied[n-1])
		}
		applied = append(applied, in.Seq)
	}
	if shedAt < c.shedAfter {
		t.Fatalf("shedding began at tick %d after the burst, before the depth had stayed high for %d ticks", shedAt, c.shedAfter)
	}
	if res.depth != b.target+1 {
		t.Fatalf("depth %d two seconds after the burst, want one above the target %d", res.depth, b.target)
	}
	if !fired {
		t.Fatal("the input with the shot was not handed over as shed")
	}
}

// The target follows the jitter: up on a jittery link within a few seconds, down again once the
// link is steady.
func TestInputBufferTargetAdaptsToTheJitter(t *testing.T) {
	b, c := newTestBuffer(), newBufferClock(60)
	seq := uint32(0)
	run := func(pattern []int) {
		for _, n := range pattern {
			for range n {
				seq++
				b.push(tanks.Input{Seq: seq})
			}
			b.take(c)
		}
	}
	run(steady(5 * c.window))
	if b.target != 1 {
		t.Fatalf("target %d on a steady link, want 1", b.target)
	}
	run(bunched(5 * c.window))
	if b.target != 2 {
		t.Fatalf("target %d with inputs bunched in twos, want 2", b.target)
	}
	run(jittery(3, 5*c.window, 4))
	if b.target < 4 {
		t.Fatalf("target %d with inputs up to 4 ticks late, want at least 4", b.target)
	}
	var stalls []int
	for range 5 {
		stalls = append(append(stalls, stalled(15)...), steady(c.window-16)...)
	}
	run(stalls)
	if b.target != maxTargetDepth {
		t.Fatalf("target %d on a link that stalls for 15 ticks every second, want the cap %d", b.target, maxTargetDepth)
	}
	run(steady(5 * c.window))
	if b.target != 1 || b.n > 2 {
		t.Fatalf("target %d, depth %d after five steady seconds, want 1 and at most 2", b.target, b.n)
	}
}

// The tick path allocates nothing: taking inputs, shedding, and buffering them.
func TestInputBufferTickPathDoesNotAllocate(t *testing.T) {
	a := testArena(t, 0)
	peer := &recordingPeer{}
	p, err := a.join("Alloc", "token", peer, lagOf(LagProfile{}))
	if err != nil {
		t.Fatal(err)
	}
	seq := uint32(0)
	allocs := testing.AllocsPerRun(1000, func() {
		for range 1 + seq%3 { // deep enough that it sheds too
			seq++
			a.input(p, peer, tanks.Input{Seq: seq, Throttle: 1})
		}
		a.simMu.Lock()
		a.applyInputs()
		a.simMu.Unlock()
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per tick", allocs)
	}
	if _, shed, _ := a.opts.Metrics.InputBuffers(); shed == 0 {
		t.Fatal("the run never shed, so the shedding path was not measured")
	}
}
