package clientjs_test

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// testFront stands before the Go server and plays the network faults a case asks for with a
// query parameter, which the client repeats on every Engine.IO request (the reference server
// does the same in compat/clientjs/server.js):
//
//	probe=refuse  an upgrade's websocket (one with a sid) gets HTTP 400, so the probe fails
//	probe=hang    an upgrade's websocket is never answered, so the probe stays pending
//	probe=cut     an upgrade's websocket is closed right after the server's "3probe"
//	gate          an upgrade's websocket waits until openGate is called with its sid, so a
//	              case can have its probe answered only once it is connected
//	silenceable   silence() makes the connection go quiet: its polls are never answered and
//	              its websocket's writes and close are dropped, so the client hears nothing
//
// Requests without these parameters go straight to the server, on its usual code paths.
type testFront struct {
	next http.Handler
	done chan struct{} // closed at the end of the test: held requests return

	mu    sync.Mutex
	sids  map[string]bool // sessions seen with silenceable: true once silenced
	conns map[*faultConn]bool
	gates map[string]chan struct{} // by sid: closed when the session's probe may go on
}

func newTestFront(next http.Handler) *testFront {
	return &testFront{
		next:  next,
		done:  make(chan struct{}),
		sids:  make(map[string]bool),
		conns: make(map[*faultConn]bool),
		gates: make(map[string]chan struct{}),
	}
}

func (f *testFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sid := q.Get("sid")
	probe := q.Get("transport") == "websocket" && sid != ""
	if probe && q.Has("gate") {
		select {
		case <-f.gate(sid):
		case <-r.Context().Done():
			return
		case <-f.done:
			return
		}
	}
	switch {
	case probe && q.Get("probe") == "refuse":
		http.Error(w, "upgrade refused by the test", http.StatusBadRequest)
		return
	case probe && q.Get("probe") == "hang":
		f.hold(r)
		return
	case probe && q.Get("probe") == "cut":
		f.next.ServeHTTP(&hijackTap{ResponseWriter: w, front: f, cutAfterProbe: true}, r)
		return
	case !q.Has("silenceable"):
		f.next.ServeHTTP(w, r)
		return
	}
	f.mu.Lock()
	silenced := f.sids[sid]
	if sid != "" && !silenced {
		f.sids[sid] = false
	}
	f.mu.Unlock()
	if silenced && r.Method == http.MethodGet && q.Get("transport") == "polling" {
		f.hold(r)
		return
	}
	f.next.ServeHTTP(&hijackTap{ResponseWriter: w, front: f, sid: sid}, r)
}

// hold answers nothing until the client gives up or the test ends.
func (f *testFront) hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-f.done:
	}
}

// silence quiets every silenceable session and connection open now; new ones are not.
func (f *testFront) silence() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sid := range f.sids {
		f.sids[sid] = true
	}
	for c := range f.conns {
		c.silent.Store(true)
	}
}

func (f *testFront) gate(sid string) chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	gate, ok := f.gates[sid]
	if !ok {
		gate = make(chan struct{})
		f.gates[sid] = gate
	}
	return gate
}

// openGate lets the gated probe of session sid go on, now or when it comes.
func (f *testFront) openGate(sid string) {
	gate := f.gate(sid)
	select {
	case <-gate:
	default:
		close(gate)
	}
}

func (f *testFront) close() { close(f.done) }

func (f *testFront) closeConns() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		_ = c.Conn.Close()
	}
}

// hijackTap hands the server a faultConn when it takes the connection for a websocket.
// That connection has no file descriptor to offer, so the server writes it the way it
// writes a TLS connection.
type hijackTap struct {
	http.ResponseWriter
	front         *testFront
	sid           string // an upgrade's session: its websocket starts silent if it was silenced
	cutAfterProbe bool
}

func (h *hijackTap) Unwrap() http.ResponseWriter { return h.ResponseWriter }

func (h *hijackTap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	c := &faultConn{Conn: conn, cutAfterProbe: h.cutAfterProbe}
	h.front.mu.Lock()
	c.silent.Store(h.front.sids[h.sid])
	h.front.conns[c] = true
	h.front.mu.Unlock()
	return c, rw, nil
}

// faultConn drops what the server writes, and its close, once silent: the client's side of
// the connection stays open and hears nothing. With cutAfterProbe it closes once "3probe"
// is written (the server writes a frame whole, with one Write when there is no descriptor).
type faultConn struct {
	net.Conn
	silent        atomic.Bool
	cutAfterProbe bool
}

func (c *faultConn) Write(b []byte) (int, error) {
	if c.silent.Load() {
		return len(b), nil
	}
	n, err := c.Conn.Write(b)
	if c.cutAfterProbe && bytes.Contains(b, []byte("3probe")) {
		_ = c.Conn.Close()
	}
	return n, err
}

func (c *faultConn) Close() error {
	if c.silent.Load() {
		return nil // closed by closeConns when the test ends
	}
	return c.Conn.Close()
}
