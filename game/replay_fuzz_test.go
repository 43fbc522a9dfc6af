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
