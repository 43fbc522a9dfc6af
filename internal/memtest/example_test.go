package memtest_test

import (
	"runtime"
	"testing"
	"time"

	"tankarena/internal/memtest"
)

// An idle-memory benchmark reads the memory before it opens b.N connections, waits for them
// to go idle, and reports what each one keeps.
func ExampleReportPer() {
	var b *testing.B // the *testing.B of your benchmark
	before := memtest.InUse()
	conns := make([][]byte, b.N)
	for i := range conns {
		conns[i] = make([]byte, 512) // stands for an open connection
	}
	memtest.WaitIdle(10*time.Second, func() bool { return true })
	memtest.ReportPer(b, before, b.N, "conn") // bytes/conn and stack-bytes/conn
	runtime.KeepAlive(conns)
}

// A leak test compares the live heap after its work with the one before.
func ExampleLiveHeap() {
	var t *testing.T // the *testing.T of your test
	before := memtest.LiveHeap()
	// ... open and close many connections ...
	if after := memtest.LiveHeap(); after > before+1<<20 {
		t.Errorf("heap grew by %d bytes", after-before)
	}
}
