package game

import (
	"log/slog"
	"math"
	"strconv"
	"testing"

	"tankarena/game/tanks"
)

// BenchmarkArenaTick measures one full arena tick (queued inputs applied, world step, and a
// snapshot sent on every second tick as at 60/30 Hz) for a full 16-tank arena, and what one
// connected player receives. keyframe-bytes/client/s is what the same client would get if every
// snapshot were a keyframe (the protocol before deltas). "bots": 15 bots and the watching
// player. "stress": 16 players driving in circles and firing non-stop with a fast gun that does
// no damage, so every tank stays alive and dozens of shells fly.
func BenchmarkArenaTick(b *testing.B) {
	b.Run("bots", func(b *testing.B) {
		a := testArena(b, 16)
		peer := &recordingPeer{}
		if _, err := a.join("Watcher", "token", peer, lagOf(LagProfile{})); err != nil {
			b.Fatal(err)
		}
		benchArenaTick(b, a, peer, func(int) {})
	})
	// The same with the room recording its replay: what recording adds to a tick (a channel
	// send, and at times an encoding no player shared), the disk being the writer's.
	b.Run("bots-recording", func(b *testing.B) {
		a := testArena(b, 16)
		recordTo(b, a)
		peer := &recordingPeer{}
		if _, err := a.join("Watcher", "token", peer, lagOf(LagProfile{})); err != nil {
			b.Fatal(err)
		}
		benchArenaTick(b, a, peer, func(int) {})
		b.ReportMetric(float64(a.opts.Metrics.replayDropped.Load()), "records-dropped")
	})
	// "behind" and "behind-recording": the same, but the player holds the snapshot before the
	// latest (it acknowledges that one), as players near a node's limit do when their
	// connections drop snapshots: its deltas are not on the snapshot just before, and the
	// recording must not encode one of its own for that (replay version 2).
	for _, recording := range []bool{false, true} {
		name := "behind"
		if recording {
			name = "behind-recording"
		}
		b.Run(name, func(b *testing.B) {
			a := testArena(b, 16)
			if recording {
				recordTo(b, a)
			}
			peer := &recordingPeer{}
			p, err := a.join("Watcher", "token", peer, lagOf(LagProfile{}))
			if err != nil {
				b.Fatal(err)
			}
			benchArenaTick(b, a, peer, func(int) {
				if n := a.stream.n; n > 1 {
					a.acknowledge(p, peer, n-1)
				}
			})
			if recording {
				b.ReportMetric(float64(a.opts.Metrics.replayDropped.Load()), "records-dropped")
			}
		})
	}
	// "bots+spectators": the same with 32 spectators (Settings.MaxSpectators' default), who get
	// the watching player's encodings: the difference to "bots" is what spectators cost a tick.
	b.Run("bots+spectators", func(b *testing.B) {
		a := testArena(b, 16)
		peer := &recordingPeer{}
		if _, err := a.join("Watcher", "token", peer, lagOf(LagProfile{})); err != nil {
			b.Fatal(err)
		}
		for range DefaultMaxSpectators {
			a.watch(&countingPeer{}, lagOf(LagProfile{}))
		}
		benchArenaTick(b, a, peer, func(int) {})
	})
	b.Run("stress", func(b *testing.B) {
		cfg := tanks.DefaultConfig()
		cfg.ReloadTime = 0.2
		cfg.ShellDamage = 0
		a := testArenaWith(b, 0, cfg)
		watcher := &recordingPeer{}
		peers := []Peer{watcher}
		for len(peers) < 16 {
			peers = append(peers, &countingPeer{}) // keeps no payload, allocates nothing
		}
		seats := make([]*player[tanks.Input], 16)
		for i := range peers {
			p, err := a.join("P", strconv.Itoa(i), peers[i], lagOf(LagProfile{}))
			if err != nil {
				b.Fatal(err)
			}
			seats[i] = p
		}
		benchArenaTick(b, a, watcher, func(tick int) {
			for i, p := range seats {
				turn := math.Sin(float64(tick+40*i) / 50)
				a.input(p, peers[i], tanks.Input{Seq: uint32(tick), Throttle: 1, Turn: turn, Aim: float64(tick%360+i*20) * math.Pi / 180, Fire: true})
			}
		})
	})
}

// benchArenaTick runs the arena for ten seconds, then measures; drive sends the tick's inputs.
func benchArenaTick(b *testing.B, a *room[tanks.Input], peer *recordingPeer, drive func(tick int)) {
	tick := 0
	for ; tick < 600; tick++ { // ten seconds of play, so shells fly and tanks have spread out
		drive(tick + 1)
		a.tick(false)
	}
	var keyframe []byte
	snapshots, shells, keyBytes := 0, 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		send := i%2 == 0
		tick++
		drive(tick)
		a.tick(send)
		if !send {
			continue
		}
		b.StopTimer()
		sent := tankRoom(a).LastSnapshot()
		snapshots++
		shells += len(sent.Shells)
		keyframe = tanks.EncodeSnapshot(keyframe[:0], sent, nil)
		keyBytes += len(keyframe)
		peer.forget() // the payloads, keeping the byte count and the slice's array
		b.StartTimer()
	}
	if snapshots > 0 {
		rate := float64(a.opts.SnapshotRate) / float64(snapshots)
		b.ReportMetric(float64(peer.bytes)*rate, "bytes/client/s")
		b.ReportMetric(float64(keyBytes)*rate, "keyframe-bytes/client/s")
		b.ReportMetric(float64(peer.bytes)/float64(snapshots), "bytes/snapshot")
		b.ReportMetric(float64(shells)/float64(snapshots), "shells")
	}
}

// recordTo makes the arena record its replay into a folder of the benchmark's.
func recordTo(b *testing.B, a *room[tanks.Input]) {
	rec, err := newRecorder(&ReplayStore{dir: b.TempDir(), maxBytes: 64 << 20, maxFiles: 50}, a.opts.Metrics, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(rec.Close)
	a.opts.recorder = rec
}
