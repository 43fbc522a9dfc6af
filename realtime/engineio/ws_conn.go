package engineio

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// closeFrameTimeout bounds the wait to send a close frame, so a stuck peer cannot hold the
// closing goroutine for a whole WriteTimeout.
const closeFrameTimeout = time.Second

// wsConn is one websocket connection after gorilla's upgrade: the session reads it
// (ws_read.go) and writes it (ws_frame.go, ws_write.go) itself. writeMu makes every write
// to the socket whole: the session's writer, a flusher, the reader answering a ping and
// the close frame all take it.
type wsConn struct {
	net     net.Conn
	raw     syscall.RawConn // for writes that must not wait and for parking; nil if none (TLS)
	writeMu sync.Mutex
	// rest is the end of a frame a non-blocking write got only partly out; guarded by
	// writeMu. Every later write sends it first, so nothing (a pong, the close frame) can
	// land inside that frame, whoever gets writeMu next.
	rest []byte
	rd   wsReadState

	// closeCode is the status of the close frame: closeNormal unless the reader ends the
	// connection for what the client sent.
	closeCode atomic.Int32

	park parkState // the parker's, under its mutex
}

// newWSConn takes over the connection gorilla upgraded; gorilla's own Conn is not used.
func newWSConn(c *websocket.Conn) *wsConn {
	ws := &wsConn{net: c.UnderlyingConn()}
	ws.closeCode.Store(closeNormal)
	if sc, ok := ws.net.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			ws.raw = raw
		}
	}
	return ws
}

// write writes what is left of a cut frame (rest) and then bufs, whole, waiting at most
// timeout for the peer to take them. A write deadline is set only while writeMu is held and
// cleared before it is let go, because writeNonBlocking fails outright on a connection
// whose deadline has passed. A write that fails after some of it went out has cut a frame
// that nothing may follow, so it closes the connection.
func (ws *wsConn) write(bufs net.Buffers, timeout time.Duration) error {
	ws.writeMu.Lock()
	defer ws.writeMu.Unlock()
	if ws.rest != nil {
		bufs = append(net.Buffers{ws.rest}, bufs...)
	}
	if len(bufs) == 0 {
		return nil
	}
	if err := ws.net.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	n, err := bufs.WriteTo(ws.net)
	if err != nil && n > 0 {
		_ = ws.net.Close()
		return err
	}
	if err == nil {
		ws.rest = nil
	}
	if clearErr := ws.net.SetWriteDeadline(time.Time{}); err == nil {
		err = clearErr
	}
	return err
}

// tryWrite writes as much of b as the socket takes without waiting and returns how much
// that was: 0 when the connection cannot be written that way, is busy with another write,
// or its buffer is full, or a cut frame's rest must go first (the writer goroutine's job).
// The end of b that the socket did not take is kept as rest, for the next write.
func (ws *wsConn) tryWrite(b []byte) int {
	if ws.raw == nil || !ws.writeMu.TryLock() {
		return 0
	}
	defer ws.writeMu.Unlock()
	if ws.rest != nil {
		return 0
	}
	n := writeNonBlocking(ws.raw, b)
	if n > 0 && n < len(b) {
		ws.rest = append([]byte(nil), b[n:]...)
	}
	return n
}

// pong answers a websocket ping, as RFC 6455 requires, on the reader's goroutine. Engine.IO
// has its own heartbeat, so clients seldom ping; a failed write shows up on the next read.
func (ws *wsConn) pong(data []byte) {
	frame := append(appendFrameHeader(make([]byte, 0, 2+len(data)), opPong, len(data)), data...)
	_ = ws.write(net.Buffers{frame}, closeFrameTimeout)
}

// close sends a close frame, waiting at most timeout (and closeFrameTimeout), and closes
// the connection, which also ends its reader (or its parking).
func (ws *wsConn) close(p *parker, timeout time.Duration) {
	p.unpark(ws)
	timeout = min(timeout, closeFrameTimeout)
	// A writer blocked on a stalled peer holds writeMu until its own deadline: past timeout
	// the connection is closed under it, which ends that write and lets go of the lock.
	giveUp := time.AfterFunc(timeout, func() { _ = ws.net.Close() })
	defer giveUp.Stop()
	_ = ws.write(net.Buffers{closeFrame(int(ws.closeCode.Load()))}, timeout)
	_ = ws.net.Close()
}
