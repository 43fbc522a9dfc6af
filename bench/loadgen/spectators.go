package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"tankarena/realtime/client"
)

// Spectators watch instead of playing: each connects like a player and sends "spectate" with
// no room, so the server places it as it places a browser's "Watch" click, on the busiest
// room with a free place. A spectator sends no inputs. It counts the snapshots it could
// decode, as a page would: a keyframe, or a delta against a snapshot it holds. One that gets
// a delta against a snapshot it missed asks for a "resync", as the page does, and counts
// nothing until its keyframe; the server then sends it its own stream until it is synced
// again (game/spectators.go), so the broadcast's misses and their cost are measured too.

// spectatorIndexBase numbers the spectators apart from the players for their loopback
// source addresses (team.dialerFor): spectator j connects as "player" spectatorIndexBase+j,
// from addresses no player uses.
const spectatorIndexBase = 1 << 19

// spectatorHeld is how many of its latest snapshot numbers a spectator remembers as bases.
const spectatorHeld = 8

// spectator is one watching bot. Its counters are written by its reader goroutine.
type spectator struct {
	m *client.Manager
	s *client.Socket

	decoded  atomic.Uint64 // snapshots it could decode
	resyncs  atomic.Uint64 // "resync" it sent
	watching atomic.Bool   // answered, and not told "unwatched" or disconnected since

	// Owned by the reader goroutine.
	held    [spectatorHeld]uint32 // the numbers of the latest snapshots decoded, 0: none
	next    int                   // where the next number goes in held
	waiting bool                  // asked for a resync: nothing decodes until a keyframe
}

func (w *spectator) manager() *client.Manager { return w.m }

// spectatorsFor is how many spectators watch n players at perArena spectators per full
// arena of 16.
func spectatorsFor(n, perArena int) int { return n * perArena / 16 }

// growSpectators adds spectators until there are n, at most concurrency joining at a time.
// It returns how many attempts failed.
func (t *team) growSpectators(ctx context.Context, n, concurrency int, timeout time.Duration) (failed int) {
	start := len(t.spectators.list())
	var failures atomic.Int64
	work := make(chan int, max(n-start, 0))
	for j := start; j < n; j++ {
		work <- j
	}
	close(work)
	done := make(chan struct{})
	workers := min(concurrency, max(n-start, 0))
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for j := range work {
				if ctx.Err() != nil || t.watchOne(ctx, j, timeout) != nil {
					failures.Add(1)
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	t.spectateFailed.Add(failures.Load())
	return int(failures.Load())
}

// watchOne connects spectator number j and asks to spectate.
func (t *team) watchOne(ctx context.Context, j int, timeout time.Duration) error {
	d, err := t.dialerFor(spectatorIndexBase + j)
	if err != nil {
		return err
	}
	m, err := client.NewManager(t.urls[j%len(t.urls)], client.Options{Dialer: d})
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	s, err := m.Socket("/", nil)
	if err != nil {
		m.Close()
		return fmt.Errorf("loadgen: %w", err)
	}
	w := &spectator{m: m, s: s}
	s.On("snapshot", func(ev *client.Event) {
		if frame := ev.Attachments(); len(frame) == 1 && w.receive(frame[0]) {
			w.resyncs.Add(1)
			_ = s.Emit("resync")
		}
	})
	s.On("unwatched", func(*client.Event) { w.watching.Store(false) })
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		m.Close()
		return fmt.Errorf("loadgen: connect: %w", err)
	}
	reply, err := s.EmitWithAck(ctx, "spectate", map[string]string{})
	if err != nil {
		m.Close()
		return fmt.Errorf("loadgen: spectate: %w", err)
	}
	var ack struct {
		Room  string `json:"room"`
		Error string `json:"error"`
	}
	if err := reply.Decode(0, &ack); err != nil {
		m.Close()
		return fmt.Errorf("loadgen: spectate ack: %w", err)
	}
	if ack.Error != "" || ack.Room == "" {
		m.Close()
		return fmt.Errorf("loadgen: spectate refused: %q", strings.TrimSpace(ack.Error))
	}
	w.watching.Store(true)
	s.OnDisconnect(func(string) { w.watching.Store(false) })
	t.spectators.add(w)
	return nil
}

// receive counts a snapshot frame (game/snapframe.go: uv number, uv how far back its base
// is, 0 for a keyframe) if the spectator could decode it. It reports whether to ask for a
// resync: the frame is a delta against a snapshot the spectator missed, and it has not asked
// since its last keyframe.
func (w *spectator) receive(frame []byte) (resync bool) {
	n, k := binary.Uvarint(frame)
	if k <= 0 || n == 0 || n > 1<<32-1 {
		return false
	}
	back, j := binary.Uvarint(frame[k:])
	if j <= 0 || back >= n {
		return false
	}
	if back != 0 && (w.waiting || !w.holds(uint32(n-back))) {
		resync = !w.waiting
		w.waiting = true
		return resync
	}
	w.waiting = false
	w.held[w.next] = uint32(n)
	w.next = (w.next + 1) % spectatorHeld
	w.decoded.Add(1)
	return false
}

// holds reports whether the spectator decoded snapshot n lately.
func (w *spectator) holds(n uint32) bool {
	for _, h := range w.held {
		if h == n {
			return true
		}
	}
	return false
}

// spectatorCounts are the spectators' counters at one moment.
type spectatorCounts struct {
	each     []uint64 // decoded snapshots, per spectator in join order
	decoded  uint64
	resyncs  uint64
	watching int
}

func (t *team) spectatorCounts() spectatorCounts {
	all := t.spectators.list()
	c := spectatorCounts{each: make([]uint64, len(all))}
	for i, w := range all {
		c.each[i] = w.decoded.Load()
		c.decoded += c.each[i]
		c.resyncs += w.resyncs.Load()
		if w.watching.Load() {
			c.watching++
		}
	}
	return c
}
