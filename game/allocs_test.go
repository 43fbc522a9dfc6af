package game

import (
	"log/slog"
	"math"
	"strconv"
	"testing"

	"tankarena/game/tanks"
)

// TestSteadyTickAllocations: a full room in steady state (16 players each sending one input per
// tick, dozens of shells flying, nobody joining or leaving) ticks without allocating, and a
// tick that sends a snapshot allocates once whatever the number of players: the delta's copy,
// which the connections keep. (The transport's encoding of the frame, made once for all the
// connections that get it, is socketPeer's and not counted here.)
func TestSteadyTickAllocations(t *testing.T) {
	t.Run("plain", func(t *testing.T) { steadyTickAllocations(t, false) })
	// Recording the room's replay adds nothing: the tick hands the writer the frame the
	// players got (the writer's own work, on its goroutine, counts here too).
	t.Run("recording", func(t *testing.T) { steadyTickAllocations(t, true) })
}

func steadyTickAllocations(t *testing.T, recording bool) {
	cfg := tanks.DefaultConfig()
	cfg.ReloadTime = 0.2
	cfg.ShellDamage = 0 // every tank stays alive: no respawn, no roster change
	a := testArenaWith(t, 0, cfg)
	if recording {
		rec, err := newRecorder(&ReplayStore{dir: t.TempDir(), maxBytes: 64 << 20, maxFiles: 10}, a.opts.Metrics, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(rec.Close)
		a.opts.recorder = rec
	}
	peers := make([]*countingPeer, 16)
	seats := make([]*player[tanks.Input], len(peers))
	for i := range peers {
		peers[i] = &countingPeer{}
		p, err := a.join("P", strconv.Itoa(i), peers[i], lagOf(LagProfile{}))
		if err != nil {
			t.Fatal(err)
		}
		seats[i] = p
	}
	tick := 0
	step := func(send bool) {
		tick++
		for i, p := range seats {
			a.input(p, peers[i], tanks.Input{Seq: uint32(tick), Throttle: 1, Turn: math.Sin(float64(tick+40*i) / 50),
				Aim: float64(tick%360+i*20) * math.Pi / 180, Fire: true})
		}
		a.tick(send)
	}
	for range 600 { // ten seconds of play: buffers grown, shells flying, every player on deltas
		step(tick%2 == 0)
	}
	if n := testing.AllocsPerRun(100, func() { step(false) }); n != 0 {
		t.Errorf("a tick without a snapshot allocates %v times, want 0", n)
	}
	// Measure between two periodic keyframes, so every send is one delta.
	for a.stream.sent%a.keyframeEvery() != 1 {
		step(false)
		step(true)
	}
	const runs = 20 // AllocsPerRun calls once more; with it, fewer sends than keyframeEvery
	if a.keyframeEvery() < runs+2 {
		t.Fatalf("a keyframe every %d sends: the measured sends would include one", a.keyframeEvery())
	}
	if n := testing.AllocsPerRun(runs, func() { step(false); step(true) }); n != 1 {
		t.Errorf("a tick without and one with a snapshot allocate %v times, want 1 (the delta's copy)", n)
	}
	for i, p := range peers {
		if p.snapshots == 0 {
			t.Errorf("player %d got no snapshot", i)
		}
	}
}

// countingPeer is a connection that takes every snapshot and keeps nothing but their count, so
// that what allocates is the room, not the fake.
type countingPeer struct{ snapshots int }

func (p *countingPeer) Emit(string, ...any) error { return nil }
func (p *countingPeer) SendSnapshot(*Frame) bool {
	p.snapshots++
	return true
}
func (p *countingPeer) Join(string)  {}
func (p *countingPeer) Leave(string) {}
