package maptest

import (
	"io/fs"
	"path"
	"runtime"
	"strings"
	"testing"

	"tankarena/assets"
	"tankarena/game/tanks"
)

// TestShippedMapsMakeWorlds loads every map in assets/maps: the rotation may name any of them.
func TestShippedMapsMakeWorlds(t *testing.T) {
	files, err := fs.Glob(assets.Maps, "maps/*.txt")
	if err != nil || len(files) < 3 {
		t.Fatalf("shipped maps %v (%v), want at least arena, bunkers and fortress", files, err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".txt")
		if _, err := tanks.NewWorld(tanks.DefaultConfig(), Shipped(t, name), 1); err != nil {
			t.Errorf("the shipped map %s makes no world: %v", name, err)
		}
	}
}

// fatalRecorder notes a Fatal call and ends the goroutine, as testing.T does.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (r *fatalRecorder) Fatal(...any) { r.failed = true; runtime.Goexit() }

func TestMissingMapFails(t *testing.T) {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Shipped(r, "no-such-map")
	}()
	<-done
	if !r.failed {
		t.Error("Shipped returned a map that is not shipped")
	}
}
