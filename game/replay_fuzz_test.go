package game

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecodeReplay: a replay file of any bytes decodes or is refused with ErrReplayMalformed or
// ErrReplayTruncated, never a panic; and the header reader agrees with the decoder on what a
// header is.
func FuzzDecodeReplay(f *testing.F) {
	valid := appendReplayStart(nil)
	valid = appendRecord(valid, recordHeader, 0, []byte(`{"game":"g","room":"r","round":1,"part":1,"tickRate":60,"snapshotRate":30}`))
	valid = appendRecord(valid, recordWelcome, 0, []byte(`{"map":null}`))
	valid = appendRecord(valid, recordRoster, 0, []byte(`[{"id":1,"name":"a"}]`))
	valid = appendRecord(valid, recordSnapshot, 2, appendFrame(nil, 1, 0, []byte{3, 0}))
	valid = appendRecord(valid, recordSnapshot, 4, appendFrame(nil, 2, 1, []byte{3, 1}))
	valid = appendRecord(valid, recordSnapshot, 6, appendFrame(nil, 3, 1, []byte{3, 1})) // on 1: version 2
	f.Add(valid)
	f.Add(valid[:len(valid)-3])
	f.Add([]byte(replayMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := DecodeReplay(data)
		if err != nil && !errors.Is(err, ErrReplayMalformed) && !errors.Is(err, ErrReplayTruncated) {
			t.Fatalf("error %v wraps neither ErrReplayMalformed nor ErrReplayTruncated", err)
		}
		if err == nil && rep.Keyframes == 0 && rep.Snapshots > 0 {
			t.Fatal("snapshots without a keyframe first")
		}
		h, herr := ReadReplayHeader(bytes.NewReader(data))
		if err == nil && (herr != nil || h != rep.Header) {
			t.Fatalf("header %+v (%v), the decoder read %+v", h, herr, rep.Header)
		}
	})
}

// TestDecodeReplayBases: a delta may be against any snapshot since the last keyframe (version
// 2), never one before it; a version 1 file, whose deltas are on the snapshot just before,
// still reads; other versions are refused.
func TestDecodeReplayBases(t *testing.T) {
	file := func(version uint64, frames ...[2]uint32) []byte {
		b := append([]byte(replayMagic), byte(version))
		b = appendRecord(b, recordHeader, 0, []byte(`{"game":"g","room":"r","round":1,"part":1,"tickRate":60,"snapshotRate":30}`))
		b = appendRecord(b, recordWelcome, 0, []byte(`{}`))
		for i, f := range frames {
			b = appendRecord(b, recordSnapshot, uint64(2*i), appendFrame(nil, f[0], f[1], []byte{3}))
		}
		return b
	}
	for _, c := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"deltas on any snapshot since the keyframe", file(2, [2]uint32{1, 0}, [2]uint32{2, 1}, [2]uint32{3, 1}, [2]uint32{4, 2}), true},
		{"version 1", file(1, [2]uint32{1, 0}, [2]uint32{2, 1}, [2]uint32{3, 2}), true},
		{"a delta on a snapshot before the keyframe", file(2, [2]uint32{1, 0}, [2]uint32{2, 1}, [2]uint32{3, 0}, [2]uint32{4, 2}), false},
		{"a delta on a snapshot never recorded", file(2, [2]uint32{1, 0}, [2]uint32{3, 2}), false},
		{"version 3", file(3, [2]uint32{1, 0}), false},
	} {
		_, err := DecodeReplay(c.data)
		if c.ok && err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if !c.ok && !errors.Is(err, ErrReplayMalformed) {
			t.Errorf("%s: error %v, want ErrReplayMalformed", c.name, err)
		}
	}
}
