package engineio

import (
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// closeFrameTimeout bounds the wait to send a close frame, so a stuck peer cannot hold the
// closing goroutine for a whole WriteTimeout.
const closeFrameTimeout = time.Second

// wsConn is one websocket connection: gorilla reads it (frames, masks, control frames) and
// the session writes it directly, so that several frames can share one write (see
// ws_frame.go). writeMu makes every write to the socket whole: the session's writer, a write
// straight from a sender (writeNowLocked), the reader answering a ping, and the close frame
// all take it, and gorilla itself is left no reason to write (its ping and close handlers
// are replaced).
type wsConn struct {
	*websocket.Conn
	net     net.Conn
	raw     syscall.RawConn // for writes that must not wait; nil if the connection has none (TLS)
	writeMu sync.Mutex
}

func newWSConn(c *websocket.Conn) *wsConn {
	ws := &wsConn{Conn: c, net: c.UnderlyingConn()}
	if sc, ok := ws.net.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			ws.raw = raw
		}
	}
	c.SetPingHandler(ws.pong)
	// The reader ends on the peer's close frame; the session's close answers it.
	c.SetCloseHandler(func(int, string) error { return nil })
	return ws
}

// write writes bufs whole, waiting at most timeout for the peer to take them. A write
// deadline is set only while writeMu is held and cleared before it is let go, because
// writeNonBlocking fails outright on a connection whose deadline has passed.
func (ws *wsConn) write(bufs net.Buffers, timeout time.Duration) error {
	ws.writeMu.Lock()
	defer ws.writeMu.Unlock()
	if err := ws.net.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := bufs.WriteTo(ws.net); err != nil {
		return err
	}
	return ws.net.SetWriteDeadline(time.Time{})
}

// tryWrite writes as much of b as the socket takes without waiting and returns how much
// that was: 0 when the connection cannot be written that way, is busy with another write,
// or its buffer is full.
func (ws *wsConn) tryWrite(b []byte) int {
	if ws.raw == nil || !ws.writeMu.TryLock() {
		return 0
	}
	defer ws.writeMu.Unlock()
	return writeNonBlocking(ws.raw, b)
}

// pong answers a websocket ping, as RFC 6455 requires, on the reader's goroutine. Engine.IO
// has its own heartbeat, so clients seldom ping; a failed write shows up on the next read.
func (ws *wsConn) pong(data string) error {
	frame := append(appendFrameHeader(make([]byte, 0, 2+len(data)), opPong, len(data)), data...)
	_ = ws.write(net.Buffers{frame}, closeFrameTimeout)
	return nil
}

// close sends a normal close frame, waiting at most timeout, and closes the connection,
// which also ends its reader.
func (ws *wsConn) close(timeout time.Duration) {
	// A writer blocked on a stalled peer holds writeMu until its own deadline: past timeout
	// the connection is closed under it, which ends that write and lets go of the lock.
	giveUp := time.AfterFunc(timeout, func() { _ = ws.Conn.Close() })
	defer giveUp.Stop()
	_ = ws.write(net.Buffers{closeNormalFrame}, timeout)
	_ = ws.Conn.Close()
}
