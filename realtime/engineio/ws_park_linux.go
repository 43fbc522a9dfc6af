//go:build linux

package engineio

import (
	"log/slog"
	"sync"
	"syscall"
	"time"
)

// parkIdleAfter is how long a websocket goes without a message before its reader goroutine
// ends and the connection is parked: no goroutine and no read buffer until data arrives.
// Parking and waking cost a few microseconds; a goroutine's stack and a read buffer, about
// 6 KB for as long as the connection is idle. A client sending often (a player's inputs)
// is never parked; an idle one wakes about once per heartbeat to answer the ping.
const parkIdleAfter = 500 * time.Millisecond

// parkingSupported: idle websockets give up their reader goroutine.
const parkingSupported = true

// parker holds the websocket connections that nothing is being read from: one epoll
// instance watches them all, and one goroutine waits on it and starts a reader for each
// connection that becomes readable. It starts with the first parked connection and stops
// with the server.
type parker struct {
	log *slog.Logger

	mu      sync.Mutex
	epfd    int // -1 until started
	stop    [2]int
	waiting map[uint64]parkedConn
	next    uint64 // the last token given; 0 is the stop pipe's
	closed  bool
	done    chan struct{} // closed when the watcher has ended; nil until it starts
}

// parkState is what the parker keeps in each connection, under its mutex.
type parkState struct {
	token   uint64 // the connection's entry in waiting while no goroutine reads it; 0 if none
	closing bool   // close has begun: the connection is never parked again
}

type parkedConn struct {
	s *Session
	c *wsConn
}

func newParker(log *slog.Logger) *parker {
	return &parker{log: log, epfd: -1, waiting: make(map[uint64]parkedConn)}
}

// armIdle sets the read deadline after which an idle reader parks its connection. A
// connection that cannot be parked (no file descriptor: TLS) gets none, as its reader
// would only wake twice a second to carry on waiting.
func (ws *wsConn) armIdle() {
	if ws.raw == nil {
		return
	}
	_ = ws.net.SetReadDeadline(time.Now().Add(parkIdleAfter))
}

// park hands c over to the watcher: it reports false, and the caller carries on reading,
// when the connection cannot be watched (no file descriptor, the server closed, epoll
// failed).
func (p *parker) park(s *Session, c *wsConn) bool {
	if c.raw == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.park.closing || p.closed || (p.epfd < 0 && !p.startLocked()) {
		return false
	}
	p.next++
	token := p.next
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(token), Pad: int32(token >> 32)}
	var err error
	// Inside Control the descriptor cannot be closed and its number reused.
	if cerr := c.raw.Control(func(fd uintptr) { err = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev) }); cerr != nil || err != nil {
		return false
	}
	// Registered while p.mu is held: the watcher, which takes it too, cannot see the event
	// before the entry exists.
	p.waiting[token] = parkedConn{s, c}
	c.park.token = token
	_ = c.net.SetReadDeadline(time.Time{})
	return true
}

// count returns how many connections are parked.
func (p *parker) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.waiting)
}

// unpark takes c off the watch list, if it is on it, for good: the caller is about to close
// c. A reader parking c between now and the close would leave an entry nothing removes, as
// closing the socket drops it from the epoll set without an event.
func (p *parker) unpark(c *wsConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.park.closing = true
	if c.park.token == 0 {
		return
	}
	delete(p.waiting, c.park.token)
	c.park.token = 0
	p.forgetLocked(c)
}

// forgetLocked removes c's descriptor from the epoll set, unless the set is being closed.
func (p *parker) forgetLocked(c *wsConn) {
	if p.closed {
		return
	}
	_ = c.raw.Control(func(fd uintptr) { _ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, int(fd), nil) })
}

// startLocked creates the epoll instance and the stop pipe and starts the watcher.
func (p *parker) startLocked() bool {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		p.log.Warn("engineio: idle connections cannot be parked", "err", err)
		p.closed = true
		return false
	}
	if err := syscall.Pipe2(p.stop[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		p.log.Warn("engineio: idle connections cannot be parked", "err", err)
		p.closed = true
		return false
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN} // token 0
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p.stop[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(p.stop[0])
		syscall.Close(p.stop[1])
		p.log.Warn("engineio: idle connections cannot be parked", "err", err)
		p.closed = true
		return false
	}
	p.epfd = epfd
	p.done = make(chan struct{})
	go p.watch(epfd, p.stop[0])
	return true
}

// watch waits for parked connections to become readable and starts a reader for each;
// it ends when the stop pipe is written.
func (p *parker) watch(epfd, stop int) {
	defer func() {
		syscall.Close(epfd)
		syscall.Close(stop)
		close(p.done)
	}()
	events := make([]syscall.EpollEvent, 128)
	for {
		n, err := syscall.EpollWait(epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			// Only a programming error gets here. No more parking, and no epoll_ctl on a
			// descriptor about to be closed; the connections still parked wake no more,
			// and their heartbeat closes them.
			p.log.Error("engineio: watching parked connections failed", "err", err)
			p.mu.Lock()
			p.closed = true
			syscall.Close(p.stop[1]) // close, seeing closed, will not
			p.mu.Unlock()
			return
		}
		for _, ev := range events[:n] {
			token := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			if token == 0 {
				return
			}
			p.mu.Lock()
			pc, ok := p.waiting[token]
			if ok {
				delete(p.waiting, token)
				pc.c.park.token = 0
				p.forgetLocked(pc.c)
			}
			p.mu.Unlock()
			if ok {
				go pc.s.readLoop(pc.c)
			}
		}
	}
}

// close stops the watcher and waits for it to end. Connections still parked are closed by
// their sessions.
func (p *parker) close() {
	p.mu.Lock()
	done := p.done
	if !p.closed {
		p.closed = true
		if p.epfd >= 0 {
			_, _ = syscall.Write(p.stop[1], []byte{0})
			syscall.Close(p.stop[1])
		}
	}
	p.mu.Unlock()
	if done != nil {
		<-done // the watcher's descriptors are closed when Server.Close returns
	}
}
