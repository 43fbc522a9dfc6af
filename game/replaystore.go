package game

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Replay files: finished ones are <id>.replay, the one a room is writing <id>.replay.part
// (listed nowhere, renamed when finished).
const (
	replayExt = ".replay"
	partExt   = ".part"
)

// ErrNoReplay is what ReplayStore.Open returns for an id that names no finished replay.
var ErrNoReplay = errors.New("replay: no such replay")

// replayID is the shape of every id the recorder makes (replayName): letters, digits and
// dashes, so an id never names a path.
var replayID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,95}$`)

// ReplayStore is the folder of replay files: what /replays lists and serves. The recorder
// writes into it and keeps it within its limits.
type ReplayStore struct {
	dir      string
	maxBytes int64
	maxFiles int
}

// ReplayInfo is one finished replay as /replays lists it.
type ReplayInfo struct {
	ID     string       `json:"id"`
	Size   int64        `json:"size"`
	Ended  time.Time    `json:"ended"`
	Header ReplayHeader `json:"header"`
	// Seconds is how long it plays, from its header's start to the file's last write.
	Seconds float64 `json:"seconds"`
}

// Dir is the folder.
func (s *ReplayStore) Dir() string { return s.dir }

// List returns the finished replays, newest first; a file whose header does not read is left
// out (it is still counted by the limits).
func (s *ReplayStore) List() ([]ReplayInfo, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("replays: %w", err)
	}
	var out []ReplayInfo
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), replayExt)
		if !ok || !replayID.MatchString(id) || !e.Type().IsRegular() {
			continue
		}
		info, err := s.describe(id)
		if err != nil {
			continue
		}
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b ReplayInfo) int { return b.Ended.Compare(a.Ended) })
	return out, nil
}

// describe reads a finished replay's header and size.
func (s *ReplayStore) describe(id string) (ReplayInfo, error) {
	f, err := os.Open(filepath.Join(s.dir, id+replayExt))
	if err != nil {
		return ReplayInfo{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ReplayInfo{}, err
	}
	h, err := ReadReplayHeader(f)
	if err != nil {
		return ReplayInfo{}, err
	}
	seconds := max(0, st.ModTime().Sub(h.Started).Seconds())
	return ReplayInfo{ID: id, Size: st.Size(), Ended: st.ModTime(), Header: h, Seconds: seconds}, nil
}

// Open opens the finished replay id for reading. An id of any other shape than the recorder
// makes (a path, "..") or naming no finished replay is ErrNoReplay: nothing outside the folder
// is ever opened.
func (s *ReplayStore) Open(id string) (*os.File, error) {
	if !replayID.MatchString(id) {
		return nil, ErrNoReplay
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, fmt.Errorf("replays: %w", err)
	}
	defer root.Close()
	f, err := root.Open(id + replayExt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoReplay
	}
	if err != nil {
		return nil, fmt.Errorf("replays: %w", err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, ErrNoReplay
	}
	return f, nil
}

// storedFile is a replay file as prune sees it.
type storedFile struct {
	path     string
	size     int64
	modified time.Time
	writing  bool
}

// prune removes finished replays, oldest first, until the folder holds at most maxFiles
// files with room for more of them and at most maxBytes in all, the files being written
// included. It returns how many it removed.
func (s *ReplayStore) prune(more int) (int, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, fmt.Errorf("replays: %w", err)
	}
	var files []storedFile
	var total int64
	for _, e := range entries {
		name := e.Name()
		writing := strings.HasSuffix(name, replayExt+partExt)
		if !writing && !strings.HasSuffix(name, replayExt) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		files = append(files, storedFile{path: filepath.Join(s.dir, name), size: info.Size(), modified: info.ModTime(), writing: writing})
		total += info.Size()
	}
	slices.SortFunc(files, func(a, b storedFile) int { return a.modified.Compare(b.modified) })
	removed := 0
	count := len(files)
	for _, f := range files {
		if count+more <= s.maxFiles && total <= s.maxBytes {
			break
		}
		if f.writing {
			continue
		}
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("replays: %w", err)
		}
		removed++
		count--
		total -= f.size
	}
	return removed, nil
}

// replayName is the id of a new replay file: when, which room and round, and the part.
func replayName(h ReplayHeader) string {
	kind, room := alphanumeric(h.Kind, 24), alphanumeric(h.Room, 8)
	id := h.Started.UTC().Format("20060102-150405")
	if room != "" {
		id += "-" + room
	}
	if kind != "" {
		id += "-" + kind
	}
	id += fmt.Sprintf("-r%d", h.Round)
	if h.Part > 1 {
		id += fmt.Sprintf("-p%d", h.Part)
	}
	return id
}

// alphanumeric is s without anything but ASCII letters and digits, cut to n bytes.
func alphanumeric(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	return s[:min(len(s), n)]
}
