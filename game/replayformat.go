package game

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// A replay file is a room's snapshot stream as its players received it, one round (or, for a
// game without rounds, one bounded part of a room's life) a file. The layout is documented in
// game/tanks/REPLAY.md; web/js/replayfile.js reads it in the browser:
//
//	"TAREPLAY" uv(version) then records: u8 kind, uv tick, uv length, length bytes
//
// The first record is the header (JSON, ReplayHeader), the second the welcome (the join
// answer's "game" JSON); then rosters (the "roster" event's JSON) and snapshots (the
// "snapshot" event's frame: its number, how far back its base is, the game's encoding) in the
// order the room sent them. The first snapshot is a keyframe, a delta's base is a snapshot
// recorded at or after the last keyframe before it (version 1: always the snapshot just
// before it), and a keyframe comes at least every keyframeInterval, so a player seeks by
// decoding from the keyframe before the moment it wants, keeping the snapshots it decoded
// since that keyframe by number.

// replayMagic opens every replay file.
const replayMagic = "TAREPLAY"

// ReplayVersion is the version of the file layout this runtime writes. It reads version 1
// too, whose rule for a delta's base (the snapshot just before) is a case of version 2's.
const ReplayVersion = 2

// oldestReplayVersion is the oldest version DecodeReplay reads.
const oldestReplayVersion = 1

// The record kinds.
const (
	recordHeader   = 1
	recordWelcome  = 2
	recordRoster   = 3
	recordSnapshot = 4
)

// maxReplayRecord bounds one record a reader accepts: a keyframe of a full room is a few KB,
// a welcome with every map a few tens.
const maxReplayRecord = 1 << 20

var (
	// ErrReplayMalformed is what DecodeReplay's errors wrap for a file that is not a replay
	// or breaks its rules.
	ErrReplayMalformed = errors.New("replay: malformed")
	// ErrReplayTruncated is what DecodeReplay's error wraps for a file cut inside a record
	// (a server stopped while writing it); what precedes the cut was read.
	ErrReplayTruncated = errors.New("replay: truncated")
)

// ReplayHeader is a replay's first record.
type ReplayHeader struct {
	Game string `json:"game"` // the game's metrics namespace, e.g. "tankarena"
	Room string `json:"room"` // the room's UUID
	Kind string `json:"kind"` // the kind of room (the tanks: the map it started on)
	// Round is the simulation's round number (Rounds); 0 for a game without rounds.
	Round int `json:"round"`
	// Part counts from 1 the files one round was split into for size.
	Part         int       `json:"part"`
	Started      time.Time `json:"started"`
	TickRate     int       `json:"tickRate"`
	SnapshotRate int       `json:"snapshotRate"`
}

// Replay is what DecodeReplay found in a file.
type Replay struct {
	Header  ReplayHeader
	Welcome json.RawMessage
	// Snapshots and Keyframes count the snapshot records, Rosters the roster records.
	Snapshots, Keyframes, Rosters int
	// FirstTick and LastTick are the runtime ticks of the first and the last snapshot.
	FirstTick, LastTick uint64
}

// Duration is the time from the first snapshot to the last.
func (r Replay) Duration() time.Duration {
	if r.Header.TickRate <= 0 {
		return 0
	}
	return time.Duration(r.LastTick-r.FirstTick) * time.Second / time.Duration(r.Header.TickRate)
}

// appendReplayStart appends the magic and the version: a file's first bytes.
func appendReplayStart(dst []byte) []byte {
	dst = append(dst, replayMagic...)
	return binary.AppendUvarint(dst, ReplayVersion)
}

// appendRecord appends one record.
func appendRecord(dst []byte, kind byte, tick uint64, data []byte) []byte {
	dst = append(dst, kind)
	dst = binary.AppendUvarint(dst, tick)
	dst = binary.AppendUvarint(dst, uint64(len(data)))
	return append(dst, data...)
}

// replayReader reads records from a file.
type replayReader struct {
	r *bufio.Reader
}

type replayRecord struct {
	kind byte
	tick uint64
	data []byte
}

// start checks the magic and the version.
func (rr *replayReader) start() error {
	magic := make([]byte, len(replayMagic))
	if _, err := io.ReadFull(rr.r, magic); err != nil || string(magic) != replayMagic {
		return fmt.Errorf("%w: not a replay file", ErrReplayMalformed)
	}
	v, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return fmt.Errorf("%w: no version", ErrReplayMalformed)
	}
	if v < oldestReplayVersion || v > ReplayVersion {
		return fmt.Errorf("%w: version %d, this server reads %d to %d", ErrReplayMalformed, v, oldestReplayVersion, ReplayVersion)
	}
	return nil
}

// next reads one record; io.EOF at a clean end, ErrReplayTruncated inside a record.
func (rr *replayReader) next() (replayRecord, error) {
	kind, err := rr.r.ReadByte()
	if err != nil {
		return replayRecord{}, io.EOF
	}
	tick, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return replayRecord{}, truncatedOr(err, "tick")
	}
	n, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return replayRecord{}, truncatedOr(err, "length")
	}
	if n > maxReplayRecord {
		return replayRecord{}, fmt.Errorf("%w: a record of %d bytes", ErrReplayMalformed, n)
	}
	data := make([]byte, n)
	if _, err := io.ReadFull(rr.r, data); err != nil {
		return replayRecord{}, fmt.Errorf("%w: inside a record", ErrReplayTruncated)
	}
	return replayRecord{kind: kind, tick: tick, data: data}, nil
}

// truncatedOr tells a varint cut by the end of the file from one that overflows.
func truncatedOr(err error, what string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: inside a record's %s", ErrReplayTruncated, what)
	}
	return fmt.Errorf("%w: a record's %s", ErrReplayMalformed, what)
}

// ReadReplayHeader reads the header of the replay file r starts with.
func ReadReplayHeader(r io.Reader) (ReplayHeader, error) {
	rr := &replayReader{r: bufio.NewReader(r)}
	if err := rr.start(); err != nil {
		return ReplayHeader{}, err
	}
	rec, err := rr.next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: no header", ErrReplayTruncated)
		}
		return ReplayHeader{}, err
	}
	return parseHeader(rec)
}

func parseHeader(rec replayRecord) (ReplayHeader, error) {
	var h ReplayHeader
	if rec.kind != recordHeader {
		return h, fmt.Errorf("%w: the first record is of kind %d, not the header", ErrReplayMalformed, rec.kind)
	}
	if err := json.Unmarshal(rec.data, &h); err != nil {
		return h, fmt.Errorf("%w: header: %v", ErrReplayMalformed, err)
	}
	if h.TickRate < 1 || h.SnapshotRate < 1 {
		return h, fmt.Errorf("%w: header: tick rate %d, snapshot rate %d", ErrReplayMalformed, h.TickRate, h.SnapshotRate)
	}
	return h, nil
}

// DecodeReplay reads a whole replay file and checks its rules (see the top of this file):
// the game's encodings inside the snapshots are left to the game. A file cut inside a record
// returns what came before with an error wrapping ErrReplayTruncated; any other fault an error
// wrapping ErrReplayMalformed. It never panics on junk.
func DecodeReplay(data []byte) (Replay, error) {
	var rep Replay
	rr := &replayReader{r: bufio.NewReader(bytes.NewReader(data))}
	if err := rr.start(); err != nil {
		return rep, err
	}
	var last uint32    // the number of the snapshot recorded before
	var since []uint32 // the snapshots since the last keyframe, ascending: a delta's possible bases
	var lastTick uint64
	for i := 0; ; i++ {
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rep, err
		}
		switch {
		case i == 0:
			if rep.Header, err = parseHeader(rec); err != nil {
				return rep, err
			}
		case i == 1:
			if rec.kind != recordWelcome || !json.Valid(rec.data) {
				return rep, fmt.Errorf("%w: the second record is not the welcome", ErrReplayMalformed)
			}
			rep.Welcome = rec.data
		case rec.kind == recordRoster:
			if !json.Valid(rec.data) {
				return rep, fmt.Errorf("%w: a roster is not JSON", ErrReplayMalformed)
			}
			rep.Rosters++
		case rec.kind == recordSnapshot:
			n, base, _, err := ParseSnapshotFrame(rec.data)
			if err != nil {
				return rep, fmt.Errorf("%w: snapshot %d: %v", ErrReplayMalformed, rep.Snapshots+1, err)
			}
			if _, held := slices.BinarySearch(since, base); base != 0 && !held {
				return rep, fmt.Errorf("%w: snapshot %d is a delta against %d, not one recorded since the last keyframe", ErrReplayMalformed, n, base)
			}
			if rep.Snapshots > 0 && (n <= last || rec.tick < lastTick) {
				return rep, fmt.Errorf("%w: snapshot %d at tick %d goes back", ErrReplayMalformed, n, rec.tick)
			}
			if base == 0 {
				since = since[:0]
			}
			since = append(since, n)
			if rep.Snapshots == 0 {
				rep.FirstTick = rec.tick
			}
			if base == 0 {
				rep.Keyframes++
			}
			rep.Snapshots++
			rep.LastTick = rec.tick
			last, lastTick = n, rec.tick
		default:
			return rep, fmt.Errorf("%w: record %d is of kind %d", ErrReplayMalformed, i+1, rec.kind)
		}
	}
	if rep.Welcome == nil {
		return rep, fmt.Errorf("%w: no header and welcome", ErrReplayTruncated)
	}
	return rep, nil
}
