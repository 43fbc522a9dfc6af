package main

import (
	"net"
	"syscall"
	"testing"
	"time"
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
	before := time.Now().UnixMicro()
	if _, err := accepted.Write([]byte("tick")); err != nil {
		t.Fatal(err)
	}
	var n int
	var at int64
	deadline := time.Now().Add(10 * time.Second)
	for n == 0 && time.Now().Before(deadline) { // non-blocking: wait for the bytes
		n, at, err = r.read(fd)
		if err != nil && err != syscall.EAGAIN {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	after := time.Now().UnixMicro()
	if string(r.buf[:n]) != "tick" {
		t.Fatalf("read %q, want tick", r.buf[:n])
	}
	stamp, ok := r.kernelStamp()
	if !ok {
		t.Fatal("no SCM_TIMESTAMPNS control message")
	}
	if stamp != at || stamp < before || stamp > after {
		t.Errorf("stamp %d (returned %d), want it between the write (%d) and the read (%d)", stamp, at, before, after)
	}
}
