package main

import (
	"net"
	"syscall"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// TestStampedReadKernelStamp reads a real loopback TCP socket with kernel stamps and checks
// that the stamp comes from the kernel's control message and lies between the write and
// the read: the bytes cannot have arrived before they were sent or after they were read.
func TestStampedReadKernelStamp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialed, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer dialed.Close()
	accepted, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer accepted.Close()
	fd, err := detach(dialed)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)

	r := newStampedRead(true, 4096)
	if err := r.prepare(fd); err != nil {
		t.Fatal(err)
	}
	// The kernel turns stamping on from a work queue once the first socket asks, so the first
	// segments may come unstamped (read then falls back to the read time): send until one
	// carries a stamp.
	deadline := time.Now().Add(testenv.Patience(10 * time.Second))
	for {
		before := time.Now().UnixMicro()
		if _, err := accepted.Write([]byte("tick")); err != nil {
			t.Fatal(err)
		}
		n, at := readSome(t, r, fd, deadline)
		after := time.Now().UnixMicro()
		if string(r.buf[:n]) != "tick" {
			t.Fatalf("read %q, want tick", r.buf[:n])
		}
		stamp, ok := r.kernelStamp()
		if !ok {
			if time.Now().After(deadline) {
				t.Fatal("no SCM_TIMESTAMPNS control message")
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if stamp != at || stamp < before || stamp > after {
			t.Errorf("stamp %d (returned %d), want it between the write (%d) and the read (%d)", stamp, at, before, after)
		}
		return
	}
}

// readSome reads the non-blocking fd until it returns bytes.
func readSome(t *testing.T, r *stampedRead, fd int, deadline time.Time) (n int, at int64) {
	t.Helper()
	for time.Now().Before(deadline) {
		n, at, err := r.read(fd)
		if err != nil && err != syscall.EAGAIN {
			t.Fatal(err)
		}
		if n > 0 {
			return n, at
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("nothing to read")
	return 0, 0
}
