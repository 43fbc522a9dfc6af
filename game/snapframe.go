package game

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A "snapshot" event carries one frame: the runtime's header, then the game's encoding. The
// header is the snapshot's number as a uvarint, then how many snapshots back its base is as a
// uvarint, 0 for a keyframe (so 2 to 5 bytes in all). A client keeps the last snapshots it
// decoded by number, decodes a delta against its base, and acknowledges the newest number it
// decoded with its inputs; the server then encodes its deltas against that one, so a snapshot
// lost or late on the way costs nothing but itself.

// maxFrameHeader is the longest header: two uvarints of 32 bits.
const maxFrameHeader = 2 * binary.MaxVarintLen32

var errFrame = errors.New("game: malformed snapshot frame")

// appendFrame appends the frame of snapshot n, encoded against base (0: a keyframe), to dst.
func appendFrame(dst []byte, n, base uint32, body []byte) []byte {
	back := uint32(0)
	if base != 0 {
		back = n - base
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	dst = binary.AppendUvarint(dst, uint64(back))
	return append(dst, body...)
}

// ParseSnapshotFrame splits a "snapshot" payload into the snapshot's number, the number of the
// snapshot its body is a delta against (0: the body is a keyframe) and the game's encoding.
// It never panics on junk.
func ParseSnapshotFrame(data []byte) (n, base uint32, body []byte, err error) {
	n64, k := binary.Uvarint(data)
	if k <= 0 || n64 == 0 || n64 > 1<<32-1 {
		return 0, 0, nil, fmt.Errorf("%w: number", errFrame)
	}
	back, j := binary.Uvarint(data[k:])
	if j <= 0 || back >= n64 {
		return 0, 0, nil, fmt.Errorf("%w: base", errFrame)
	}
	n = uint32(n64)
	if back != 0 {
		base = n - uint32(back)
	}
	return n, base, data[k+j:], nil
}
