package memtest

import (
	"sync"
	"testing"
	"time"
)

var kept [][]byte

func TestLiveHeapSeesWhatIsKeptAndNotWhatIsDropped(t *testing.T) {
	before := LiveHeap()
	for range 64 {
		kept = append(kept, make([]byte, 64<<10))
	}
	held := LiveHeap()
	if held < before+(4<<20) {
		t.Errorf("live heap %d -> %d bytes with 4 MiB more kept", before, held)
	}
	kept = nil
	if after := LiveHeap(); after > held-(3<<20) {
		t.Errorf("live heap %d -> %d bytes once 4 MiB were dropped", held, after)
	}
}

func TestInUseCountsStacks(t *testing.T) {
	before := InUse()
	var ready sync.WaitGroup
	stop := make(chan struct{})
	for range 100 {
		ready.Add(1)
		go deepStack(64, &ready, stop)
	}
	ready.Wait()
	during := InUse()
	close(stop)
	if during.Stack <= before.Stack {
		t.Errorf("stacks %d -> %d bytes with 100 more goroutines, each 64 frames deep", before.Stack, during.Stack)
	}
}

// deepStack recurses n frames deep and waits there, so its stack stays grown.
//
//go:noinline
func deepStack(n int, ready *sync.WaitGroup, stop <-chan struct{}) byte {
	var pad [128]byte
	if n == 0 {
		ready.Done()
		<-stop
		return pad[0]
	}
	return deepStack(n-1, ready, stop) + pad[n%len(pad)]
}

func TestWaitIdleGivesUpWithoutFailing(t *testing.T) {
	calls := 0
	WaitIdle(120*time.Millisecond, func() bool { calls++; return false })
	if calls < 2 {
		t.Errorf("idle asked %d times", calls)
	}
}
