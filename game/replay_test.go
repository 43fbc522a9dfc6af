package game

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tankarena/game/tanks"
	"tankarena/internal/testenv"
)

// recordingArena is a test arena with 4 bots and a watching player whose rounds last
// roundSeconds, recording into a fresh folder within the limits given.
func recordingArena(t *testing.T, roundSeconds float64, maxBytes int64, maxFiles int) (*room[tanks.Input], *Recorder, *recordingPeer) {
	t.Helper()
	cfg := tanks.DefaultConfig()
	cfg.RoundTime, cfg.Intermission = roundSeconds, 0.5
	a := testArenaWith(t, 4, cfg)
	store := &ReplayStore{dir: t.TempDir(), maxBytes: maxBytes, maxFiles: maxFiles}
	rec, err := newRecorder(store, a.opts.Metrics, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rec.Close)
	a.opts.recorder = rec
	peer := &recordingPeer{}
	if _, err := a.join("Watcher", "token", peer, lagOf(LagProfile{})); err != nil {
		t.Fatal(err)
	}
	return a, rec, peer
}

// play runs the arena for ticks, a snapshot every second tick as at 60/30 Hz.
func play(a *room[tanks.Input], ticks int) {
	for i := range ticks {
		a.tick(i%2 == 0)
	}
}

// decodeAll reads every finished replay of the folder.
func decodeAll(t *testing.T, store *ReplayStore) []Replay {
	t.Helper()
	list, err := store.List()
	if err != nil {
		t.Fatal(err)
	}
	var out []Replay
	for _, info := range list {
		data, err := os.ReadFile(filepath.Join(store.dir, info.ID+replayExt))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := DecodeReplay(data)
		if err != nil {
			t.Fatalf("replay %s: %v", info.ID, err)
		}
		out = append(out, rep)
	}
	return out
}

// TestReplaysRecordEachRound: each round of a room is a file of its own that decodes: header,
// welcome, roster, a keyframe first and deltas chained on the snapshot before, with a keyframe
// at least every keyframeInterval for seeking.
func TestReplaysRecordEachRound(t *testing.T) {
	a, rec, _ := recordingArena(t, 3, 64<<20, 50)
	play(a, 60*8) // rounds of 3 s plus 0.5 s of intermission: two whole rounds and a third begun
	rec.Close()
	reps := decodeAll(t, rec.store)
	if len(reps) < 3 {
		t.Fatalf("%d replays after 8 s of 3.5 s rounds, want 3", len(reps))
	}
	rounds := map[int]bool{}
	for _, rep := range reps {
		rounds[rep.Header.Round] = true
		if rep.Header.TickRate != 60 || rep.Header.SnapshotRate != 30 || rep.Header.Room != "test" || !bytes.Equal(rep.Welcome, a.welcome) {
			t.Errorf("header %+v, want the room's rates and id and its welcome", rep.Header)
		}
		if rep.Rosters == 0 {
			t.Errorf("round %d: no roster", rep.Header.Round)
		}
		seconds := rep.Duration().Seconds()
		if want := seconds / keyframeInterval.Seconds(); float64(rep.Keyframes) < want {
			t.Errorf("round %d: %d keyframes in %.1f s, want one every %v", rep.Header.Round, rep.Keyframes, seconds, keyframeInterval)
		}
	}
	for _, n := range []int{1, 2, 3} {
		if !rounds[n] {
			t.Errorf("no replay of round %d (have %v)", n, rounds)
		}
	}
	if got := a.opts.Metrics.replaysWritten.Load(); got != uint64(len(reps)) {
		t.Errorf("replays_written_total %d, want %d", got, len(reps))
	}
}

// TestReplayFolderKeepsItsLimits: past the file count the oldest replays are removed, and a
// round larger than an eighth of the size bound is split into parts, so the folder stays
// within its bytes too.
func TestReplayFolderKeepsItsLimits(t *testing.T) {
	t.Run("count", func(t *testing.T) {
		a, rec, _ := recordingArena(t, 1, 64<<20, 3)
		play(a, 60*12) // 8 rounds of 1.5 s
		rec.Close()
		reps := decodeAll(t, rec.store)
		if len(reps) != 3 {
			t.Fatalf("%d replays kept, want 3 (-replays-max-files)", len(reps))
		}
		for _, rep := range reps {
			if rep.Header.Round < 5 {
				t.Errorf("round %d kept: the oldest should have gone first", rep.Header.Round)
			}
		}
		if a.opts.Metrics.replaysRemoved.Load() == 0 {
			t.Error("replays_removed_total 0")
		}
	})
	t.Run("bytes", func(t *testing.T) {
		const bound = 200 << 10
		a, rec, _ := recordingArena(t, 0, bound, 100) // one endless round
		play(a, 60*60)
		rec.Close()
		reps := decodeAll(t, rec.store)
		if len(reps) < 2 || reps[0].Header.Part < 2 {
			t.Fatalf("%d files of one endless minute (newest part %d), want it split in parts", len(reps), reps[0].Header.Part)
		}
		var total int64
		entries, _ := os.ReadDir(rec.store.dir)
		for _, e := range entries {
			info, _ := e.Info()
			total += info.Size()
		}
		if total > bound {
			t.Errorf("the folder holds %d bytes, bound %d", total, bound)
		}
	})
}

// TestAFullDiskStopsRecordingNotTheGame: a write that fails (here the kernel's /dev/full, which
// answers every write with ENOSPC) stops recording with a log line and a counted error, while
// the room keeps ticking and sending snapshots.
func TestAFullDiskStopsRecordingNotTheGame(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	a, rec, peer := recordingArena(t, 3, 64<<20, 50)
	var logged bytes.Buffer
	rec.log = slog.New(slog.NewTextHandler(&logged, nil)) // read after Close, which waits for the writer
	rec.create = func(string) (io.WriteCloser, error) { return os.OpenFile("/dev/full", os.O_WRONLY, 0) }
	deadline := time.Now().Add(testenv.Patience(20 * time.Second))
	for a.opts.Metrics.replayWriteErrors.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no write error counted")
		}
		play(a, 60)
	}
	peer.taken()
	play(a, 60)
	if got := len(peer.taken()); got != 30 {
		t.Errorf("the player got %d snapshots in the second after the disk filled, want 30", got)
	}
	if !rec.stopped.Load() {
		t.Error("recording goes on after a failed write")
	}
	rec.Close()
	if n := a.opts.Metrics.replayWriteErrors.Load(); n != 1 {
		t.Errorf("replay_write_errors_total %d, want 1: recording stops at the first", n)
	}
	var metrics strings.Builder
	if err := a.opts.Metrics.Write(&metrics); err != nil || !strings.Contains(metrics.String(), "tankarena_replay_write_errors_total 1") {
		t.Errorf("metrics (%v) without the write error:\n%s", err, metrics.String())
	}
	if !strings.Contains(logged.String(), "recording stopped") || !strings.Contains(logged.String(), "no space left") {
		t.Errorf("log %q, want the stop and its cause", logged.String())
	}
	if list, _ := rec.store.List(); len(list) != 0 {
		t.Errorf("%d replays listed, want none: the broken file is removed", len(list))
	}
}

// TestASlowDiskNeverHoldsTheTick: while the writer is stuck (a disk that does not answer), the
// room ticks on at its pace, the queue stays bounded and drops what does not fit; once the
// disk answers, the file resumes with a keyframe and decodes.
func TestASlowDiskNeverHoldsTheTick(t *testing.T) {
	a, rec, _ := recordingArena(t, 0, 64<<20, 50)
	stuck := make(chan struct{})
	rec.create = func(path string) (io.WriteCloser, error) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		return &stallingFile{File: f, stuck: stuck}, err
	}
	play(a, 60*2*replayQueue/30) // twice the queue's worth of snapshots
	if a.opts.Metrics.replayDropped.Load() == 0 {
		t.Fatal("no record dropped while the writer was stuck")
	}
	close(stuck)
	play(a, 60*3)
	rec.Close()
	reps := decodeAll(t, rec.store)
	if len(reps) != 1 || reps[0].Keyframes < 2 {
		t.Fatalf("replays %+v, want one with the gap bridged by a keyframe", reps)
	}
}

// stallingFile blocks its first write until stuck is closed.
type stallingFile struct {
	*os.File
	stuck   chan struct{}
	stalled atomic.Bool
}

func (f *stallingFile) Write(p []byte) (int, error) {
	if !f.stalled.Swap(true) {
		<-f.stuck
	}
	return f.File.Write(p)
}

// TestReplayIDsNeverNameAPath: the store opens finished replays by their id only; a path, a
// dot-dot, a partial file or an unknown id is ErrNoReplay.
func TestReplayIDsNeverNameAPath(t *testing.T) {
	dir := t.TempDir()
	store := &ReplayStore{dir: filepath.Join(dir, "replays"), maxBytes: 1 << 20, maxFiles: 10}
	if err := os.MkdirAll(store.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"secret.replay": "outside", "replays/ok.replay": "inside", "replays/busy.replay.part": "writing"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if f, err := store.Open("ok"); err != nil {
		t.Fatalf("open ok: %v", err)
	} else {
		f.Close()
	}
	for _, id := range []string{"../secret", "..", "../replays/ok", "/etc/passwd", "ok.replay", "busy.replay", "busy", "nope", "", "ok/", "ok%00", "ok\x00"} {
		f, err := store.Open(id)
		if !errors.Is(err, ErrNoReplay) {
			if f != nil {
				f.Close()
			}
			t.Errorf("Open(%q): %v, want ErrNoReplay", id, err)
		}
	}
}

// TestARestartedRoomRecordsOnInAFileOfItsOwn: a room restarted after a panic records the new
// world in a new file, even within the second its last one started.
func TestARestartedRoomRecordsOnInAFileOfItsOwn(t *testing.T) {
	a, rec, _ := recordingArena(t, 30, 64<<20, 50)
	a.opts.NewSimulation = func(string) (Simulation[tanks.Input], error) {
		g, err := tanks.NewGame(tanks.DefaultConfig(), tankRoom(a).Map(), 2, func() uint64 { return 2 })
		if err != nil {
			return nil, err
		}
		return g.NewRoom()
	}
	play(a, 60)
	if err := a.restart(); err != nil {
		t.Fatal(err)
	}
	play(a, 60)
	if err := a.restart(); err != nil {
		t.Fatal(err)
	}
	play(a, 60)
	rec.Close()
	if n := a.opts.Metrics.replayWriteErrors.Load(); n != 0 {
		t.Fatalf("%d write errors", n)
	}
	if reps := decodeAll(t, rec.store); len(reps) != 3 {
		t.Fatalf("%d replays of a room restarted twice, want 3", len(reps))
	}
}

// TestRecordingTakesAFrameThePlayersGot: when no player's base is the snapshot recorded just
// before (near a node's limit connections drop snapshots, and their bases fall behind), the
// recording takes the delta a player was sent, against a snapshot it recorded since its last
// keyframe, rather than encoding one more (replay version 2); the file still decodes. Only the
// send after each periodic keyframe encodes one: the player's base then predates it.
func TestRecordingTakesAFrameThePlayersGot(t *testing.T) {
	a, rec, peer := recordingArena(t, 60, 64<<20, 50)
	var watcher *player[tanks.Input]
	for _, p := range a.players {
		if p.peer == Peer(peer) {
			watcher = p
		}
	}
	extra := 0
	for i := range 60 * 6 {
		send := i%2 == 0
		a.tick(send)
		if !send {
			continue
		}
		// One encoding a send: the watcher's (a delta on the snapshot two back, which it
		// acknowledges below, or the periodic keyframe). The recording adds none.
		afterKey := a.stream.n%uint32(a.keyframeEvery()) == 2 // keyframes are the 1st, 61st, …
		if n := len(a.stream.encoded); n != 1 && !afterKey {
			extra++
		}
		if n := a.stream.n; n > 1 {
			a.acknowledge(watcher, peer, n-1) // it holds the one before the latest, not the latest
		}
	}
	if extra > 0 {
		t.Errorf("%d sends of %d besides those after a keyframe encoded more than the player's frame", extra, 60*3)
	}
	rec.Close()
	reps := decodeAll(t, rec.store)
	if len(reps) != 1 || reps[0].Snapshots < 60*3-2 || reps[0].Keyframes < 3 {
		t.Fatalf("replays %+v, want one of every snapshot with a keyframe each 2 s", reps)
	}
}
