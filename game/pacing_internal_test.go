package game

import (
	"math"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// TestCPUMeterSeesTheProcessWork: CPU time the process spends shows in the meter's share (a
// share of the CPUs Go may use; with the time its threads waited for one on Linux, which a
// busy machine adds to). No timing: the test works until the process's own clock says it did.
func TestCPUMeterSeesTheProcessWork(t *testing.T) {
	if _, ok := cpuDemand(); !ok {
		t.Skip("the process's CPU time is not read on this system")
	}
	var m cpuMeter
	m.read(time.Now())
	start, _ := cpuDemand()
	deadline := time.Now().Add(testenv.Patience(10 * time.Second))
	sink := 0
	for used, _ := cpuDemand(); used-start < 50*time.Millisecond; used, _ = cpuDemand() {
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
	if share <= 0 || math.IsInf(share, 0) || math.IsNaN(share) {
		t.Errorf("after 50 ms of work the meter reads a share of %v, want above 0", share)
	}
}
