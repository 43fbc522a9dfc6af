package main

import "testing"

// TestSpectatorDecodesWhatItHolds: a spectator counts a keyframe and a delta against a snapshot
// it holds; a delta against one it missed asks for one resync, and nothing counts until the
// keyframe that answers it.
func TestSpectatorDecodesWhatItHolds(t *testing.T) {
	frame := func(n, back byte) []byte { return []byte{n, back, 0xaa} }
	var w spectator
	steps := []struct {
		frame  []byte
		resync bool
		total  uint64
	}{
		{frame(1, 0), false, 1},  // a keyframe
		{frame(2, 1), false, 2},  // a delta on 1
		{frame(4, 1), true, 2},   // on 3, which it missed: resync
		{frame(5, 1), false, 2},  // still waiting: no second resync, nothing decodes
		{frame(6, 0), false, 3},  // the keyframe
		{frame(7, 5), false, 4},  // on 2, which it still holds
		{[]byte{0x80}, false, 4}, // junk counts nothing
	}
	for i, s := range steps {
		if got := w.receive(s.frame); got != s.resync {
			t.Errorf("frame %d: resync %v, want %v", i, got, s.resync)
		}
		if got := w.decoded.Load(); got != s.total {
			t.Errorf("after frame %d: %d decoded, want %d", i, got, s.total)
		}
	}
}
