package procstat

import (
	"os"
	"testing"
	"time"
)

func TestOwnProcess(t *testing.T) {
	before, err := CPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Burn some CPU so the counter must move (it ticks every 10 ms).
	deadline := time.Now().Add(100 * time.Millisecond)
	for n := 0; time.Now().Before(deadline); n++ {
		_ = n * n
	}
	after, err := CPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("CPU time did not grow while spinning: %v then %v", before, after)
	}
	rss, err := RSSKB(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1024 {
		t.Errorf("RSS of a Go test binary = %d KiB, want at least 1 MiB", rss)
	}
}

func TestMissingProcess(t *testing.T) {
	if _, err := CPU(-1); err == nil {
		t.Error("CPU(-1) succeeded")
	}
	if _, err := RSSKB(-1); err == nil {
		t.Error("RSSKB(-1) succeeded")
	}
}
