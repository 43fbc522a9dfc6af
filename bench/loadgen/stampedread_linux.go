package main

import (
	"syscall"
	"time"
	"unsafe"
)

// stampedRead reads a socket and tells when the bytes arrived. With kernel stamps on, it
// is recvmsg(2) on a socket with SO_TIMESTAMPNS set, and the time is the kernel's receive
// stamp of the newest segment the read took (on loopback: when the server's write put it
// into the socket), so however far behind the load generator falls, its backlog is not
// counted as the server's latency. Otherwise it is read(2) and the time it returned.
//
// The message header, the vector and the control buffer are made once and reused: a read
// allocates nothing.
type stampedRead struct {
	kernel bool
	buf    []byte
	oob    []byte
	iov    syscall.Iovec
	msg    syscall.Msghdr
}

// timespecCmsgSpace holds one SCM_TIMESTAMPNS control message, with room to spare.
var timespecCmsgSpace = syscall.CmsgSpace(int(unsafe.Sizeof(syscall.Timespec{}))) * 2

func newStampedRead(kernel bool, size int) *stampedRead {
	r := &stampedRead{kernel: kernel, buf: make([]byte, size), oob: make([]byte, timespecCmsgSpace)}
	r.iov.Base = &r.buf[0]
	r.iov.SetLen(len(r.buf))
	r.msg.Iov = &r.iov
	r.msg.Iovlen = 1
	r.msg.Control = &r.oob[0]
	return r
}

// prepare turns on the receive stamps of a socket that is to be read with kernel stamps.
func (r *stampedRead) prepare(fd int) error {
	if !r.kernel {
		return nil
	}
	return syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
}

// read reads fd into r.buf and returns the count and the arrival time in Unix µs.
func (r *stampedRead) read(fd int) (n int, at int64, err error) {
	if !r.kernel {
		n, err = syscall.Read(fd, r.buf)
		return n, time.Now().UnixMicro(), err
	}
	r.msg.SetControllen(len(r.oob))
	r.msg.Flags = 0
	got, _, errno := syscall.Syscall(syscall.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&r.msg)), 0)
	if errno != 0 {
		return 0, 0, errno
	}
	n = int(got)
	if at, ok := r.kernelStamp(); ok {
		return n, at, nil
	}
	// No stamp: the read hit the end, or the segment came before the kernel, which turns
	// stamping on from a work queue after the first socket asks, had started stamping.
	return n, time.Now().UnixMicro(), nil
}

// kernelStamp finds the SCM_TIMESTAMPNS control message of the last recvmsg.
func (r *stampedRead) kernelStamp() (int64, bool) {
	control := r.oob[:r.msg.Controllen]
	hdr := syscall.CmsgLen(0)
	for len(control) >= hdr {
		h := (*syscall.Cmsghdr)(unsafe.Pointer(&control[0]))
		if uint64(h.Len) < uint64(hdr) || uint64(h.Len) > uint64(len(control)) {
			return 0, false
		}
		if h.Level == syscall.SOL_SOCKET && h.Type == syscall.SCM_TIMESTAMPNS &&
			int(h.Len)-hdr >= int(unsafe.Sizeof(syscall.Timespec{})) {
			ts := (*syscall.Timespec)(unsafe.Pointer(&control[hdr]))
			if ts.Sec == 0 && ts.Nsec == 0 {
				return 0, false
			}
			return int64(ts.Sec)*1e6 + int64(ts.Nsec)/1e3, true
		}
		next := syscall.CmsgSpace(int(h.Len) - hdr)
		if next > len(control) {
			return 0, false
		}
		control = control[next:]
	}
	return 0, false
}
