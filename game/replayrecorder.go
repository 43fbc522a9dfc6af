package game

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Recording: the rooms' ticks hand their frames to one writer goroutine over a bounded channel
// (replayQueue messages). A tick never waits for the disk: when the channel is full the frame
// is dropped and counted, and the room's next frame is a keyframe, so the file stays readable
// with a gap. The channel holds at most replayQueue frames, which the connections hold anyway
// (a frame is the copy the players were sent), so the memory recording takes is bounded too.
// The writer does not wait on the channel: it wakes every replayPoll and drains it, so a send
// never has a goroutine to wake, which would cost the tick a system call (measured: a tick of
// 16 bots took 10.5 µs without recording, 16-24 µs with a writer woken by every send).
const (
	// replayQueue is how many messages wait for the writer: half a second of 64 busy rooms,
	// five times what a replayPoll gathers.
	replayQueue = 1024
	// replayPoll is how often the writer drains the queue.
	replayPoll = 50 * time.Millisecond
	// replayIdle finishes a file whose room sent nothing for this long (it stopped, and its
	// last message was dropped).
	replayIdle = 10 * time.Second
	// replayBuffer is the writer's buffer per file; it is also flushed at the first keyframe
	// a second after the last flush, so what is on disk is a few seconds behind at most and a
	// full disk shows at once (a game that sends keyframes only is not flushed at every one).
	replayBuffer = 32 << 10
	replayFlush  = time.Second
	// minPartBytes is the least a file may grow to before it is split.
	minPartBytes = 16 << 10
)

// Rounds is a Simulation whose play falls into rounds (a match, a level): the runtime records
// each round to a replay file of its own. Without it a room's whole life is recorded, in parts
// of a bounded size.
type Rounds interface {
	// RoundNumber is the round under way; a new number starts a new replay.
	RoundNumber() int
}

// replayMsg is what a room's tick hands the writer.
type replayMsg struct {
	room string
	kind byte // recordHeader: a new file; recordRoster, recordSnapshot; 0: the room stopped
	tick uint64
	data []byte // the record; nothing writes it again
	// With recordHeader: the header, the welcome and the roster the file starts with.
	header          ReplayHeader
	welcome, roster []byte
	key             bool // a snapshot that is a keyframe: a file may be split before it
}

// Recorder writes the rooms' replays into a ReplayStore.
type Recorder struct {
	store   *ReplayStore
	metrics *Metrics
	log     *slog.Logger
	ch      chan replayMsg
	// stopped is set when a write failed (a full disk): the rooms record nothing more.
	stopped atomic.Bool
	quit    chan struct{}
	done    chan struct{}
	once    sync.Once
	// create opens a new file for writing; tests swap it to inject a failing disk.
	create func(path string) (io.WriteCloser, error)

	// Owned by the writer goroutine.
	files   map[string]*replayFile // by room
	scratch []byte
}

// replayFile is one file being written.
type replayFile struct {
	out             io.WriteCloser
	w               *bufio.Writer
	path            string // the .part being written
	size            int64
	header          ReplayHeader
	welcome, roster []byte
	written         time.Time // the last write
	flushed         time.Time // the last flush at a keyframe
	split           bool      // over its size: the next keyframe starts the next part
}

// newRecorder creates the folder if need be, brings it within its limits and starts the
// writer.
func newRecorder(store *ReplayStore, metrics *Metrics, log *slog.Logger) (*Recorder, error) {
	if err := os.MkdirAll(store.dir, 0o755); err != nil {
		return nil, fmt.Errorf("replays: %w", err)
	}
	if _, err := store.prune(0); err != nil {
		return nil, err
	}
	rec := &Recorder{
		store: store, metrics: metrics, log: log,
		ch: make(chan replayMsg, replayQueue), quit: make(chan struct{}), done: make(chan struct{}),
		create: func(path string) (io.WriteCloser, error) {
			return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		},
		files: make(map[string]*replayFile),
	}
	go rec.run()
	return rec, nil
}

// send hands a message to the writer without waiting; false: the queue is full (counted) or
// recording stopped.
func (rec *Recorder) send(m replayMsg) bool {
	if rec.stopped.Load() {
		return false
	}
	select {
	case rec.ch <- m:
		return true
	default:
		rec.metrics.replayDropped.Add(1)
		return false
	}
}

// Close finishes the files being written and stops the writer. Messages sent later are
// dropped.
func (rec *Recorder) Close() {
	rec.once.Do(func() { close(rec.quit) })
	<-rec.done
}

func (rec *Recorder) run() {
	defer close(rec.done)
	poll := time.NewTicker(replayPoll)
	defer poll.Stop()
	for {
		select {
		case now := <-poll.C:
			rec.drain()
			for room, f := range rec.files {
				if now.Sub(f.written) > replayIdle {
					rec.finish(room, f)
				}
			}
		case <-rec.quit:
			rec.drain()
			for room, f := range rec.files {
				rec.finish(room, f)
			}
			return
		}
	}
}

// drain writes the messages waiting in the queue.
func (rec *Recorder) drain() {
	for {
		select {
		case m := <-rec.ch:
			rec.handle(m)
		default:
			return
		}
	}
}

// handle writes one message; a write that fails stops recording.
func (rec *Recorder) handle(m replayMsg) {
	if rec.stopped.Load() {
		return
	}
	f := rec.files[m.room]
	switch m.kind {
	case recordHeader:
		if f != nil {
			rec.finish(m.room, f)
		}
		rec.open(m.room, m.header, m.welcome, m.roster)
	case recordRoster:
		if f != nil {
			f.roster = m.data
			rec.write(m.room, f, recordRoster, m.tick, m.data)
		}
	case recordSnapshot:
		if f == nil {
			return // its file was finished as idle: the room starts a new one with its next round
		}
		if f.split && m.key {
			h := f.header
			h.Part++
			h.Started = time.Now()
			welcome, roster := f.welcome, f.roster
			rec.finish(m.room, f)
			if rec.stopped.Load() {
				return
			}
			if f = rec.open(m.room, h, welcome, roster); f == nil {
				return
			}
		}
		rec.write(m.room, f, recordSnapshot, m.tick, m.data)
		if m.key && !rec.stopped.Load() && time.Since(f.flushed) >= replayFlush {
			f.flushed = time.Now()
			if err := f.w.Flush(); err != nil {
				rec.fail(m.room, f, err)
			}
		}
	default:
		if f != nil {
			rec.finish(m.room, f)
		}
	}
}

// open starts a room's file with its header, welcome and roster.
func (rec *Recorder) open(room string, h ReplayHeader, welcome, roster []byte) *replayFile {
	if n, err := rec.store.prune(1); err != nil {
		rec.log.Warn("replays: could not remove old replays", "err", err)
	} else {
		rec.metrics.replaysRemoved.Add(uint64(n))
	}
	// Two files of one room may start within a second (a restart after a panic): the second
	// takes a suffix, rather than replacing the first when renamed or failing as a disk error.
	name := replayName(h)
	var out io.WriteCloser
	var path string
	err := fs.ErrExist
	for n := 1; errors.Is(err, fs.ErrExist) && n < 10; n++ {
		id := name
		if n > 1 {
			id = fmt.Sprintf("%s-%d", name, n)
		}
		path = filepath.Join(rec.store.dir, id+replayExt+partExt)
		if _, statErr := os.Stat(filepath.Join(rec.store.dir, id+replayExt)); statErr == nil {
			continue // err stays ErrExist
		}
		out, err = rec.create(path)
	}
	if err != nil {
		rec.fail(room, nil, err)
		return nil
	}
	f := &replayFile{out: out, w: bufio.NewWriterSize(out, replayBuffer), path: path, header: h, welcome: welcome, roster: roster}
	rec.files[room] = f
	header, err := json.Marshal(h)
	if err != nil {
		rec.fail(room, f, err) // a header of strings and numbers always marshals
		return nil
	}
	rec.scratch = appendReplayStart(rec.scratch[:0])
	rec.scratch = appendRecord(rec.scratch, recordHeader, 0, header)
	rec.scratch = appendRecord(rec.scratch, recordWelcome, 0, welcome)
	if roster != nil {
		rec.scratch = appendRecord(rec.scratch, recordRoster, 0, roster)
	}
	if !rec.writeBytes(room, f, rec.scratch) {
		return nil
	}
	return f
}

// write appends one record to the room's file.
func (rec *Recorder) write(room string, f *replayFile, kind byte, tick uint64, data []byte) {
	rec.scratch = appendRecord(rec.scratch[:0], kind, tick, data)
	if rec.writeBytes(room, f, rec.scratch) && f.size > rec.partBytes() {
		f.split = true
	}
}

func (rec *Recorder) writeBytes(room string, f *replayFile, b []byte) bool {
	if _, err := f.w.Write(b); err != nil {
		rec.fail(room, f, err)
		return false
	}
	f.size += int64(len(b))
	f.written = time.Now()
	rec.metrics.replayBytes.Add(uint64(len(b)))
	return true
}

// partBytes is the size past which a file is split at its next keyframe: an eighth of the
// folder's bound, so that the folder's pruning has whole files to remove.
func (rec *Recorder) partBytes() int64 { return max(rec.store.maxBytes/8, minPartBytes) }

// finish flushes and closes a room's file and gives it its final name.
func (rec *Recorder) finish(room string, f *replayFile) {
	delete(rec.files, room)
	if err := f.w.Flush(); err != nil {
		rec.fail(room, f, err)
		return
	}
	if err := f.out.Close(); err != nil {
		rec.fail(room, nil, err)
		return
	}
	final := f.path[:len(f.path)-len(partExt)]
	if err := os.Rename(f.path, final); err != nil {
		rec.fail(room, nil, err)
		return
	}
	rec.metrics.replaysWritten.Add(1)
	if n, err := rec.store.prune(0); err == nil {
		rec.metrics.replaysRemoved.Add(uint64(n))
	}
}

// fail stops recording after a write error (a full disk, a folder gone read-only): it says so
// once in the log and in the metrics, drops the files being written and writes nothing more.
// The game carries on.
func (rec *Recorder) fail(room string, f *replayFile, err error) {
	rec.metrics.replayWriteErrors.Add(1)
	rec.stopped.Store(true)
	rec.log.Error("replays: writing failed, recording stopped until the server restarts; the game carries on",
		"dir", rec.store.dir, "room", room, "err", err)
	if f != nil {
		_ = f.out.Close()
	}
	for r, other := range rec.files {
		if other != f {
			_ = other.out.Close()
		}
		_ = os.Remove(other.path)
		delete(rec.files, r)
	}
	if f != nil {
		_ = os.Remove(f.path) // a broken file, and the space a full disk needs most
	}
}
