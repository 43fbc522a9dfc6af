package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// epollReceiver reads every fan-out client with one goroutine per CPU, each an epoll loop
// over its share of the sockets, so a received message costs a read and a parse instead of
// a netpoll wakeup, a goroutine switch and a read that finds nothing before parking again.
//
// The clients connect by hand (dialTick). Each socket then leaves Go's runtime entirely: its
// fd is duplicated and the net.Conn closed, which removes the original from the runtime's
// netpoller, so the runtime is never woken for these sockets and nothing else can read
// them. The duplicate shares the open file description, so it is non-blocking already, and
// close(2) of the original does not shut the connection down while the duplicate is open.
//
// The epoll sets are level-triggered: a socket is read until a read comes back short
// (EAGAIN included) rather than until EAGAIN, as data arriving after that read makes
// epoll_wait report the socket again. That spares the empty read per message an
// edge-triggered drain would cost.
type epollReceiver struct {
	f            *fleet
	kernelStamps bool
	url          string
	bytes        atomic.Uint64
	pollers      []*poller
	next         atomic.Uint64
	running      sync.WaitGroup
	closing      sync.Once
}

// pollReadBuffer is each poller's read buffer, shared by its sockets: one read takes
// everything a socket has queued, hundreds of ticks if it fell behind.
const pollReadBuffer = 64 << 10

// pollEvents is how many ready sockets one epoll_wait may return.
const pollEvents = 256

// newEpollReceiver starts loops epoll loops. With kernelStamps, a tick's receive time is the
// kernel's arrival stamp of its bytes, otherwise the time their read returned (stampedRead).
func newEpollReceiver(f *fleet, url string, loops int, kernelStamps bool) (*epollReceiver, error) {
	r := &epollReceiver{f: f, url: url, kernelStamps: kernelStamps}
	for range max(loops, 1) {
		p, err := newPoller(r)
		if err != nil {
			r.close()
			return nil, err
		}
		r.pollers = append(r.pollers, p)
		r.running.Go(p.run)
	}
	return r, nil
}

func (r *epollReceiver) connect(ctx context.Context, timeout time.Duration) error {
	conn, tc, err := dialTick(ctx, r.url, timeout, r.f, &r.bytes)
	if err != nil {
		return err
	}
	fd, err := detach(conn)
	if err != nil {
		return err
	}
	tc.out = fdWriter(fd)
	p := r.pollers[r.next.Add(1)%uint64(len(r.pollers))]
	if err := p.add(fd, tc); err != nil {
		syscall.Close(fd)
		return err
	}
	return nil
}

func (r *epollReceiver) bytesIn() uint64 { return r.bytes.Load() }

// close stops the pollers, then closes every socket.
func (r *epollReceiver) close() {
	r.closing.Do(func() {
		for _, p := range r.pollers {
			p.stop()
		}
		r.running.Wait()
		for _, p := range r.pollers {
			p.release()
		}
	})
}

// detach takes conn's socket out of Go's runtime: it returns a close-on-exec duplicate of
// its fd and closes conn.
func detach(conn net.Conn) (int, error) {
	defer conn.Close()
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return -1, fmt.Errorf("loadgen: %T has no file descriptor", conn)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1, fmt.Errorf("loadgen: %w", err)
	}
	fd := -1
	var dupErr error
	err = raw.Control(func(orig uintptr) {
		r, _, errno := syscall.Syscall(syscall.SYS_FCNTL, orig, syscall.F_DUPFD_CLOEXEC, 0)
		if errno != 0 {
			dupErr = errno
			return
		}
		fd = int(r)
	})
	if err = errors.Join(err, dupErr); err != nil {
		if fd >= 0 {
			syscall.Close(fd)
		}
		return -1, fmt.Errorf("loadgen: dup: %w", err)
	}
	return fd, nil
}

// fdWriter writes to a non-blocking socket; it never blocks, so a full send buffer shows
// as EAGAIN or a short count.
type fdWriter int

func (w fdWriter) Write(p []byte) (int, error) {
	for {
		n, err := syscall.Write(int(w), p)
		if err == syscall.EINTR {
			continue
		}
		return max(n, 0), err
	}
}

// poller is one epoll loop and the sockets it reads. Only its run goroutine reads the
// sockets and drives their tickConns; mu guards the fd table that connect adds to.
type poller struct {
	rx           *epollReceiver
	epfd         int
	wakeR, wakeW int // a pipe in the epoll set: closing wakeW stops run

	mu     sync.Mutex
	conns  map[int32]*tickConn
	closed bool

	in     *stampedRead
	events []syscall.EpollEvent
	ready  []polled
}

// polled is a ready socket found by one epoll_wait.
type polled struct {
	fd int
	tc *tickConn
}

func newPoller(r *epollReceiver) (*poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("loadgen: epoll_create1: %w", err)
	}
	var pipe [2]int
	if err := syscall.Pipe2(pipe[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("loadgen: pipe2: %w", err)
	}
	p := &poller{
		rx: r, epfd: epfd, wakeR: pipe[0], wakeW: pipe[1],
		conns:  make(map[int32]*tickConn),
		in:     newStampedRead(r.kernelStamps, pollReadBuffer),
		events: make([]syscall.EpollEvent, pollEvents),
		ready:  make([]polled, 0, pollEvents),
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p.wakeR)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.wakeR, &ev); err != nil {
		p.release()
		return nil, fmt.Errorf("loadgen: epoll_ctl: %w", err)
	}
	return p, nil
}

// add hands a connected socket and its session to the poller.
func (p *poller) add(fd int, tc *tickConn) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("loadgen: receiver closed")
	}
	if err := p.in.prepare(fd); err != nil {
		return fmt.Errorf("loadgen: receive stamps: %w", err)
	}
	p.conns[int32(fd)] = tc
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(fd)}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		delete(p.conns, int32(fd))
		return fmt.Errorf("loadgen: epoll_ctl: %w", err)
	}
	return nil
}

// run reads ready sockets until stop.
func (p *poller) run() {
	for {
		n, err := syscall.EpollWait(p.epfd, p.events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			slog.Error("loadgen: epoll_wait: the receiver stops reading", "err", err)
			return
		}
		p.ready = p.ready[:0]
		p.mu.Lock()
		for _, ev := range p.events[:n] {
			if int(ev.Fd) == p.wakeR {
				p.mu.Unlock()
				return
			}
			if tc := p.conns[ev.Fd]; tc != nil {
				p.ready = append(p.ready, polled{fd: int(ev.Fd), tc: tc})
			}
		}
		p.mu.Unlock()
		for _, c := range p.ready {
			p.serve(c)
		}
	}
}

// serve reads one ready socket until a read comes back short and parses what came; every
// tick in a read gets the read's arrival time.
func (p *poller) serve(c polled) {
	for {
		n, at, err := p.in.read(c.fd)
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			return
		case err != nil:
			p.drop(c.fd, fmt.Errorf("loadgen: read: %w", err))
			return
		case n == 0:
			p.drop(c.fd, errEnded)
			return
		}
		if err := c.tc.received(p.in.buf[:n], at); err != nil {
			p.drop(c.fd, err)
			return
		}
		if n < len(p.in.buf) {
			return
		}
	}
}

// drop closes a socket whose session has ended and counts the client as disconnected.
func (p *poller) drop(fd int, why error) {
	if !errors.Is(why, errEnded) {
		slog.Warn("loadgen: client dropped", "err", why)
	}
	p.mu.Lock()
	delete(p.conns, int32(fd))
	p.mu.Unlock()
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	syscall.Close(fd)
	p.rx.f.disconnected.Add(1)
}

// stop makes run return and refuses further sockets.
func (p *poller) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		syscall.Close(p.wakeW) // the read end reports EPOLLHUP
	}
}

// release closes the poller's sockets and descriptors; run must have returned.
func (p *poller) release() {
	p.stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for fd := range p.conns {
		syscall.Close(int(fd))
	}
	clear(p.conns)
	syscall.Close(p.wakeR)
	syscall.Close(p.epfd)
}
