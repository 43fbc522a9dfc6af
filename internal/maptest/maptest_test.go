package maptest

import (
	"runtime"
	"testing"

	"tankarena/game/tanks"
)

func TestShippedMapsMakeWorlds(t *testing.T) {
	for _, name := range []string{"arena", "bunkers"} {
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
