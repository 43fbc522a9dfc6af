package game

import (
	"testing"

	"tankarena/game/tanks"
)

func TestNextInputDrainsABacklogAndKeepsItsFire(t *testing.T) {
	queue := []tanks.Input{{Seq: 1}, {Seq: 2, Fire: true}, {Seq: 3}, {Seq: 4, Throttle: 1}, {Seq: 5, Turn: -1}}
	in, rest, skipped := nextInput(queue)
	if in.Seq != 4 || !in.Fire || in.Throttle != 1 || skipped != 3 {
		t.Fatalf("applied %+v after skipping %d, want seq 4 with the throttle and the skipped fire, 3 skipped", in, skipped)
	}
	if len(rest) != 1 || rest[0].Seq != 5 || rest[0].Fire {
		t.Fatalf("left %+v, want only seq 5, not firing", rest)
	}
	in, rest, skipped = nextInput([]tanks.Input{{Seq: 6}, {Seq: 7, Fire: true}})
	if in.Seq != 6 || in.Fire || len(rest) != 1 || skipped != 0 {
		t.Fatalf("a queue within the backlog must be applied one by one, got %+v rest %+v skipped %d", in, rest, skipped)
	}
}

// A burst (a client catching up after a stall) followed by the normal one input per tick: the
// queue must drain within a couple of ticks instead of keeping every later input that many
// ticks late, and a shot in the burst must still be fired.
func TestInputQueueDrainsAfterABurstWithoutLosingTheShot(t *testing.T) {
	a := testArena(t, 0)
	peer := &recordingPeer{}
	p, err := a.join("Burst", "token", peer, lagOf(LagProfile{}))
	if err != nil {
		t.Fatal(err)
	}
	for range 30 { // past spawn; no input yet, so the gun is loaded
		a.tick(false)
	}
	seq := uint32(0)
	send := func(fire bool) {
		seq++
		a.input(p, peer, tanks.Input{Seq: seq, Aim: 1, Fire: fire})
	}
	for i := range maxQueuedInputs {
		send(i == 1) // one click, early in the burst
	}
	fired := false
	for tick := 1; tick <= 20; tick++ {
		a.tick(false)
		var s tanks.Snapshot
		tankRoom(a).World.Snapshot(&s)
		for _, e := range s.Events {
			if e.Type == tanks.EventFire && int(e.Tank) == int(p.id) {
				fired = true
			}
		}
		a.mu.Lock()
		depth := len(p.queue)
		a.mu.Unlock()
		if tick >= 2 && depth > 1 {
			t.Fatalf("tick %d after the burst: %d inputs still wait", tick, depth)
		}
		applied, _ := tankRoom(a).World.LastInputSeq(tanks.PlayerID(p.id))
		if tick >= 2 && seq-applied > maxInputBacklog {
			t.Fatalf("tick %d: applied seq %d while %d was sent", tick, applied, seq)
		}
		send(false)
	}
	if !fired {
		t.Fatal("the click inside the burst was never fired")
	}
	if _, superseded, _ := a.opts.Metrics.InputsDropped(); superseded == 0 {
		t.Fatal("the skipped inputs were not counted")
	}
}
