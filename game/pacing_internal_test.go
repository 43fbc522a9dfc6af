package game

import (
	"runtime"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// TestCPUMeterSeesTheProcessWork: CPU time the process spends shows in the meter's share, a
// share of the CPUs Go may use, never more than all of them. No timing: the test works until
// the process's own CPU clock says it did.
func TestCPUMeterSeesTheProcessWork(t *testing.T) {
	if _, ok := processCPU(); !ok {
		t.Skip("the process's CPU time is not read on this system")
	}
	var m cpuMeter
	m.read(time.Now())
	start, _ := processCPU()
	deadline := time.Now().Add(testenv.Patience(10 * time.Second))
	sink := 0
	for used, _ := processCPU(); used-start < 50*time.Millisecond; used, _ = processCPU() {
		if time.Now().After(deadline) {
			t.Fatal("the process's CPU time did not advance by 50 ms")
		}
		for i := range 100000 {
			sink += i
		}
	}
	_ = sink
	// The meter samples at most every cpuSampleEvery: read it as of then, the work all in it.
	share := m.read(time.Now().Add(cpuSampleEvery))
	// GC and other threads may add to the work done here, but not past every CPU of the
	// machine, whatever GOMAXPROCS says.
	if share <= 0 || share > float64(runtime.NumCPU())/float64(runtime.GOMAXPROCS(0)) {
		t.Errorf("after 50 ms of work the meter reads a share of %v, want above 0 and at most %d CPUs' worth", share, runtime.NumCPU())
	}
}
