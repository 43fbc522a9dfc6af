package host

import (
	"errors"
	"math"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"tankarena/realtime/engineio"
)

// fileReserve is how many open files the connection budget leaves to everything else: the
// listener, the pollers, standard streams, the files -dev serves from disk, and room to
// accept one more connection and close it again.
const fileReserve = 128

// pageConnections is what the per-address connection cap allows beyond two for each
// Engine.IO session: a browser loading the page opens up to six connections, and a few
// players behind one address may load it at once.
const pageConnections = 16

// connectionBudget is how many TCP connections a process with an open-file limit of
// limit may hold: all but fileReserve, at least half of them. 0 (no limit known) or an
// unlimited limit is no budget.
func connectionBudget(limit uint64) int {
	if limit == 0 || limit > math.MaxInt32 {
		return math.MaxInt
	}
	if limit < 2*fileReserve {
		return int(limit / 2)
	}
	return int(limit - fileReserve)
}

// connPhase is where a TCP connection is in its life, as http.Server.ConnState reports it.
type connPhase int

const (
	phaseNew      connPhase = iota // accepted, no request read yet
	phaseActive                    // a request is being read or answered
	phaseIdle                      // kept alive between requests
	phaseUpgraded                  // taken over by a websocket (hijacked)
	phaseCount
)

// quiet phases hold a connection that is doing nothing for anyone: closing it costs a
// client at most a reconnect, so these are closed first when room is needed.
func (p connPhase) quiet() bool { return p == phaseNew || p == phaseIdle }

// connTracker counts the server's open TCP connections, in total and per client address,
// from accept to close (websockets included, whose connection the HTTP server no longer
// tracks after the upgrade). A connection over the per-address cap or the process budget
// first makes room by closing the oldest quiet connection (of its address, or of anyone for
// the budget); when there is none it is closed at once. So a flood of idle keep-alive
// sockets cannot use up the open files and lock new players out: before this, 20,000 idle
// connections from one address took 390 MB and every file the process could open.
type connTracker struct {
	perAddress int // connections one address may hold; 0: no cap (behind a proxy all share its address)
	budget     int // connections the process may hold

	mu        sync.Mutex
	open      int
	phases    [phaseCount]int
	addresses map[string]*addressConns // only addresses with open connections
	quiet     connList                 // quiet connections, oldest first

	refusedPerAddress, refusedBudget atomic.Int64 // connections closed at accept
	closedPerAddress, closedBudget   atomic.Int64 // quiet connections closed to make room
	headerTimeouts                   atomic.Int64 // connections that sent no whole request in time
}

type addressConns struct {
	open  int
	quiet connList
}

func newConnTracker(perAddress, budget int) *connTracker {
	return &connTracker{perAddress: perAddress, budget: budget, addresses: make(map[string]*addressConns)}
}

// trackedConn is an accepted connection the tracker counts. It embeds the *net.TCPConn so
// every method the HTTP server and the websocket code look for (SyscallConn for parking
// idle websockets, ReadFrom for sendfile, CloseWrite) stays available.
type trackedConn struct {
	*net.TCPConn
	tracker *connTracker
	address string

	// Guarded by tracker.mu.
	phase    connPhase
	released bool          // no longer counted: closed, or picked to be closed
	owner    *addressConns // its address's entry
	queued   bool          // in the quiet lists
	links    [2]connLink   // in tracker.quiet (0) and in its address's quiet list (1)
}

// listener wraps ln so that every TCP connection it accepts is counted and vetted.
func (t *connTracker) listener(ln net.Listener) net.Listener { return &trackedListener{ln, t} }

type trackedListener struct {
	net.Listener
	tracker *connTracker
}

// Accept returns the next connection within the limits; the ones over them are closed here,
// before the HTTP server spends a goroutine on them.
func (l *trackedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				// Out of files all the same (files other than connections): give the oldest
				// quiet connection's back, so the server's retry can take the new one.
				l.tracker.closeOldestQuiet()
			}
			return nil, err
		}
		tcp, ok := c.(*net.TCPConn)
		if !ok {
			return c, nil
		}
		if tc := l.tracker.admit(tcp); tc != nil {
			return tc, nil
		}
	}
}

// addressOf is the key c's client counts under: engineio.AddressKey, as for sessions.
func addressOf(c net.Conn) string {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		return engineio.AddressKey(a.AddrPort().Addr())
	}
	return c.RemoteAddr().String()
}

// admit counts c, after making room for it, or closes it and returns nil.
func (t *connTracker) admit(c *net.TCPConn) *trackedConn {
	tc := &trackedConn{TCPConn: c, tracker: t, address: addressOf(c), phase: phaseNew}
	var toClose []*trackedConn
	refused := false
	t.mu.Lock()
	if a := t.addresses[tc.address]; t.perAddress > 0 && a != nil && a.open >= t.perAddress {
		if old := a.quiet.head; old != nil {
			t.releaseLocked(old)
			toClose = append(toClose, old)
			t.closedPerAddress.Add(1)
		} else {
			refused = true
			t.refusedPerAddress.Add(1)
		}
	}
	if !refused && t.open >= t.budget {
		if old := t.quiet.head; old != nil {
			t.releaseLocked(old)
			toClose = append(toClose, old)
			t.closedBudget.Add(1)
		} else {
			refused = true
			t.refusedBudget.Add(1)
		}
	}
	if !refused {
		a := t.addresses[tc.address]
		if a == nil {
			a = &addressConns{}
			t.addresses[tc.address] = a
		}
		tc.owner = a
		a.open++
		t.open++
		t.phases[phaseNew]++
		t.enqueueLocked(tc)
	}
	t.mu.Unlock()
	for _, old := range toClose {
		_ = old.TCPConn.Close() // its server goroutine fails its read and ends
	}
	if refused {
		_ = c.Close()
		return nil
	}
	return tc
}

// closeOldestQuiet closes the oldest quiet connection, if any.
func (t *connTracker) closeOldestQuiet() {
	t.mu.Lock()
	old := t.quiet.head
	if old != nil {
		t.releaseLocked(old)
		t.closedBudget.Add(1)
	}
	t.mu.Unlock()
	if old != nil {
		_ = old.TCPConn.Close()
	}
}

// connState is the http.Server's ConnState hook: it keeps each connection's phase.
func (t *connTracker) connState(c net.Conn, state http.ConnState) {
	tc, ok := c.(*trackedConn)
	if !ok {
		return
	}
	phase := phaseActive
	switch state {
	case http.StateNew:
		return // admit counted it as new
	case http.StateIdle:
		phase = phaseIdle
	case http.StateHijacked:
		phase = phaseUpgraded
	case http.StateClosed:
		t.release(tc)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tc.released {
		return
	}
	t.dequeueLocked(tc)
	t.phases[tc.phase]--
	tc.phase = phase
	t.phases[phase]++
	if phase.quiet() {
		t.enqueueLocked(tc)
	}
}

// Close closes the connection and stops counting it.
func (c *trackedConn) Close() error {
	c.tracker.release(c)
	return c.TCPConn.Close()
}

// Read counts a new connection that sent no whole request head within the server's
// ReadHeaderTimeout, the one read deadline such a connection has. (A slow head on a
// kept-alive connection is not told apart from its idle timeout, so it is not counted.)
func (c *trackedConn) Read(b []byte) (int, error) {
	n, err := c.TCPConn.Read(b)
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		c.tracker.mu.Lock()
		if c.phase == phaseNew && !c.released {
			c.tracker.headerTimeouts.Add(1)
		}
		c.tracker.mu.Unlock()
	}
	return n, err
}

func (t *connTracker) release(tc *trackedConn) {
	t.mu.Lock()
	t.releaseLocked(tc)
	t.mu.Unlock()
}

// releaseLocked stops counting tc; it is a no-op the second time.
func (t *connTracker) releaseLocked(tc *trackedConn) {
	if tc.released {
		return
	}
	tc.released = true
	t.dequeueLocked(tc)
	t.phases[tc.phase]--
	t.open--
	if tc.owner.open--; tc.owner.open == 0 {
		delete(t.addresses, tc.address)
	}
}

func (t *connTracker) enqueueLocked(tc *trackedConn) {
	t.quiet.pushBack(tc, 0)
	tc.owner.quiet.pushBack(tc, 1)
	tc.queued = true
}

func (t *connTracker) dequeueLocked(tc *trackedConn) {
	if tc.queued {
		t.quiet.remove(tc, 0)
		tc.owner.quiet.remove(tc, 1)
		tc.queued = false
	}
}

// connStats is what /metrics shows of the tracker.
type connStats struct {
	phases                           [phaseCount]int
	refusedPerAddress, refusedBudget int64
	closedPerAddress, closedBudget   int64
	headerTimeouts                   int64
}

func (t *connTracker) stats() connStats {
	t.mu.Lock()
	phases := t.phases
	t.mu.Unlock()
	return connStats{
		phases:            phases,
		refusedPerAddress: t.refusedPerAddress.Load(),
		refusedBudget:     t.refusedBudget.Load(),
		closedPerAddress:  t.closedPerAddress.Load(),
		closedBudget:      t.closedBudget.Load(),
		headerTimeouts:    t.headerTimeouts.Load(),
	}
}

// connList is a list of connections threaded through their links[i], oldest at the head:
// pushBack and remove, once or twice a request, cost O(1) and allocate nothing.
type connList struct{ head, tail *trackedConn }

type connLink struct{ prev, next *trackedConn }

func (l *connList) pushBack(c *trackedConn, i int) {
	c.links[i] = connLink{prev: l.tail}
	if l.tail != nil {
		l.tail.links[i].next = c
	} else {
		l.head = c
	}
	l.tail = c
}

func (l *connList) remove(c *trackedConn, i int) {
	link := c.links[i]
	if link.prev != nil {
		link.prev.links[i].next = link.next
	} else {
		l.head = link.next
	}
	if link.next != nil {
		link.next.links[i].prev = link.prev
	} else {
		l.tail = link.prev
	}
	c.links[i] = connLink{}
}
