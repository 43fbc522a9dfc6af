package memtest

import (
	"runtime"
	"testing"
	"time"
)

// Usage is the memory in use by the heap's spans and by goroutine stacks, in bytes.
type Usage struct {
	Heap  int64 // runtime.MemStats.HeapInuse
	Stack int64 // runtime.MemStats.StackInuse
}

// InUse returns the heap spans and goroutine stacks in use after two full collections.
func InUse() Usage {
	m := collected()
	return Usage{Heap: int64(m.HeapInuse), Stack: int64(m.StackInuse)}
}

// LiveHeap returns the bytes of live heap objects (runtime.MemStats.HeapAlloc) after two
// full collections: what a leak leaves behind, without the free space of the spans.
func LiveHeap() uint64 {
	return collected().HeapAlloc
}

// ReportPer reports to b the memory taken since before, divided among n of what the benchmark
// holds (connections, say), as the metrics "bytes/"+unit (heap and stacks) and
// "stack-bytes/"+unit (stacks alone).
func ReportPer(b *testing.B, before Usage, n int, unit string) {
	after := InUse()
	b.ReportMetric(float64(after.Heap-before.Heap+after.Stack-before.Stack)/float64(n), "bytes/"+unit)
	b.ReportMetric(float64(after.Stack-before.Stack)/float64(n), "stack-bytes/"+unit)
}

// WaitIdle waits until idle reports true, or timeout has passed, before a measurement of
// idle memory. It does not fail: on a slow machine a benchmark still reports what it saw.
func WaitIdle(timeout time.Duration, idle func() bool) {
	for deadline := time.Now().Add(timeout); !idle() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
}

func collected() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}
