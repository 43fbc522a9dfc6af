package engineio

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
)

// closeFrameTimeout bounds the wait to send a close frame, so a stuck peer cannot hold the
// closing goroutine for a whole WriteTimeout.
const closeFrameTimeout = time.Second

// handshakeWebSocket opens a session directly over websocket (no polling first).
func (s *Server) handshakeWebSocket(w http.ResponseWriter, r *http.Request, ip string) {
	c, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.release(ip)
		s.log.Debug("engineio: websocket handshake failed", "remote", r.RemoteAddr, "err", err)
		return // the upgrader has answered the request
	}
	sess := s.register(r, ip, TransportWebSocket, c)
	if sess == nil {
		s.counters.rejectShuttingDown.Add(1)
		closeWebSocket(c, s.opts.WriteTimeout)
		return
	}
	// A fresh goroutine, rather than this request's, keeps the idle reader's stack small.
	go sess.readLoop(c)
}

// upgradeSession accepts the websocket a polling client opens to upgrade. It becomes the
// session's transport only after the "2probe"/"3probe" exchange and the client's "5".
func (s *Server) upgradeSession(sess *Session, w http.ResponseWriter, r *http.Request) {
	c, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.counters.rejectUpgrade.Add(1)
		s.log.Debug("engineio: websocket upgrade failed", "sid", sess.id, "remote", r.RemoteAddr, "err", err)
		return
	}
	if !sess.beginProbe(c) {
		s.counters.rejectUpgrade.Add(1)
		s.log.Debug("engineio: upgrade refused", "sid", sess.id, "remote", r.RemoteAddr)
		closeWebSocket(c, s.opts.WriteTimeout)
		return
	}
	go sess.readLoop(c)
}

// beginProbe records c as the upgrade candidate, if the session can upgrade: open, still
// polling, no other upgrade under way, upgrades enabled.
func (s *Session) beginProbe(c *websocket.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || s.transport != TransportPolling || s.probe != nil || s.srv.opts.DisableUpgrades {
		return false
	}
	s.probe = c
	s.upgradeTimer = time.AfterFunc(s.srv.opts.UpgradeTimeout, func() {
		s.srv.log.Debug("engineio: upgrade timed out", "sid", s.id)
		s.abortProbe(c)
	})
	return true
}

// abortProbe gives up the upgrade over c (if still the candidate) and closes c; the session
// carries on over polling.
func (s *Session) abortProbe(c *websocket.Conn) {
	s.mu.Lock()
	if s.probe == c {
		s.abortProbeLocked()
		s.srv.counters.rejectUpgrade.Add(1)
	}
	s.mu.Unlock()
	closeWebSocket(c, s.srv.opts.WriteTimeout)
}

// abortProbeLocked forgets the upgrade candidate and returns it for the caller to close.
func (s *Session) abortProbeLocked() *websocket.Conn {
	c := s.probe
	s.probe, s.probed = nil, false
	if s.upgradeTimer != nil {
		s.upgradeTimer.Stop()
	}
	return c
}

// readLoop reads frames from c until it fails or the session closes. c is either the
// session's transport or an upgrade candidate; it is the only reader of c.
//
// An idle session is parked in NextReader, and its reader is the one goroutine it keeps, so
// that goroutine's stack is most of an idle connection's cost. Handling a message (OnMessage
// included) can grow the stack, and the runtime shrinks it only while less than a quarter is
// in use, which the parked reader's frames exceed: a grown stack would stay grown for the
// connection's life. So once a message has moved the stack, reading carries on in a fresh
// goroutine, whose stack starts small, and this one ends.
func (s *Session) readLoop(c *websocket.Conn) {
	c.SetReadLimit(s.srv.opts.MaxPayload)
	mark := stackMark()
	for {
		// NextReader, not ReadMessage, and everything else in readMessage: the shallower the
		// stack below this frame, the smaller the goroutine stack every idle connection keeps.
		kind, r, err := c.NextReader()
		if err != nil || !s.readMessage(c, kind, r) {
			if err != nil {
				s.readFailed(c, err)
			}
			return
		}
		if stackMark() != mark {
			go s.readLoop(c)
			return
		}
	}
}

// stackMark returns the address of a local variable: called from the same frame, it changes
// only when the runtime has moved the goroutine's stack, which it does to grow it.
//
//go:noinline
func stackMark() uintptr {
	var local byte
	return uintptr(unsafe.Pointer(&local))
}

// readMessage reads the rest of one message from c and acts on it; it returns false when c
// should not be read any more.
//
//go:noinline
func (s *Session) readMessage(c *websocket.Conn, kind int, r io.Reader) bool {
	data, err := io.ReadAll(r)
	if err != nil {
		s.readFailed(c, err)
		return false
	}
	s.srv.counters.bytesIn.Add(int64(len(data)))
	s.mu.Lock()
	active := s.ws == c
	s.mu.Unlock()
	if active {
		return s.handleFrame(kind, data)
	}
	return s.handleProbeFrame(c, kind, data)
}

// handleFrame decodes a frame of the active websocket: binary frames are binary messages
// as they are; text frames are packets.
func (s *Session) handleFrame(kind int, data []byte) bool {
	if kind == websocket.BinaryMessage {
		return s.handlePacket(packet{typ: packetMessage, binary: true, data: data})
	}
	p, err := decodePacket(data)
	if err != nil {
		s.srv.counters.parseErrors.Add(1)
		s.srv.log.Debug("engineio: bad websocket packet", "sid", s.id, "err", err)
		s.closeNow(ReasonParseError)
		return false
	}
	return s.handlePacket(p)
}

// handleProbeFrame runs the upgrade over candidate c: "2probe" is answered with "3probe" and
// parked polls get released; "5" makes c the transport, after which everything still
// queued goes out over it, so no message is reordered; a session closing meanwhile ends
// with a close frame on c. Anything else aborts the upgrade.
func (s *Session) handleProbeFrame(c *websocket.Conn, kind int, data []byte) bool {
	if kind == websocket.TextMessage && string(data) == "2probe" {
		if err := writeFrame(c, packet{typ: packetPong, data: []byte("probe")}, s.srv.opts.WriteTimeout); err != nil {
			s.srv.log.Debug("engineio: probe write failed", "sid", s.id, "err", err)
			s.abortProbe(c)
			return false
		}
		s.mu.Lock()
		if s.probe == c {
			s.probed = true
			s.wakePollLocked()
		}
		s.mu.Unlock()
		return true
	}
	if kind == websocket.TextMessage && string(data) == "5" {
		s.mu.Lock()
		// Closing too: the websocket then carries the rest of the queue and the close.
		if s.probe == c && s.state != stateClosed {
			s.abortProbeLocked()
			s.transport, s.ws = TransportWebSocket, c
			s.srv.counters.openPolling.Add(-1)
			s.srv.counters.openWebSocket.Add(1)
			s.srv.counters.upgrades.Add(1)
			s.wakePollLocked()
			s.flushLocked()
			s.mu.Unlock()
			s.srv.log.Debug("engineio: upgraded to websocket", "sid", s.id)
			return true
		}
		s.mu.Unlock()
	}
	s.srv.log.Debug("engineio: unexpected packet during upgrade", "sid", s.id)
	s.abortProbe(c)
	return false
}

// readFailed ends the session when its websocket fails, or just the upgrade when the
// candidate fails. A close frame or EOF is the peer leaving; anything else (e.g. a frame
// over MaxPayload) is a transport error.
func (s *Session) readFailed(c *websocket.Conn, err error) {
	s.mu.Lock()
	active := s.ws == c
	s.mu.Unlock()
	if !active {
		s.abortProbe(c)
		return
	}
	reason := ReasonTransportError
	if errors.Is(err, websocket.ErrReadLimit) {
		s.srv.counters.oversize.Add(1)
	}
	var closeErr *websocket.CloseError
	if errors.As(err, &closeErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		reason = ReasonTransportClose
	}
	s.srv.log.Debug("engineio: websocket read ended", "sid", s.id, "err", err)
	s.closeNow(reason)
}

// writeLoop is the only writer of the session's websocket c. It runs while the queue has
// packets and exits when it is empty, so idle sessions have no writer goroutine.
func (s *Session) writeLoop(c *websocket.Conn) {
	growStack(0)
	timeout := s.srv.opts.WriteTimeout
	for {
		s.mu.Lock()
		if s.state == stateClosed {
			s.writing = false
			s.mu.Unlock()
			return
		}
		batch := s.queue
		s.queue, s.queuedMsgs = nil, 0
		if len(batch) == 0 {
			s.writing = false
			closing, reason := s.state == stateClosing, s.closeReason
			s.mu.Unlock()
			if closing {
				s.closeNow(reason) // everything is written; closeNow sends the close frame
			}
			return
		}
		s.mu.Unlock()
		if err := s.writeBatch(c, batch, timeout); err != nil {
			s.srv.log.Debug("engineio: websocket write failed", "sid", s.id, "err", err)
			if isTimeout(err) {
				s.srv.counters.writeTimeouts.Add(1)
			}
			s.closeNow(ReasonTransportError)
			return
		}
	}
}

// growStack grows a new writer goroutine's stack while it holds a single frame: writing one
// packet (gorilla, the net package, the deadline's clock read) needs more than the 2 KB a
// goroutine starts with, and growing the stack later, under a dozen frames, costs several
// times more (every frame is adjusted); the writer starts once per burst of packets, so once
// per message in a fan-out. The array is indexed with an argument so it cannot be optimized out.
//
//go:noinline
func growStack(i int) byte {
	var room [2048]byte
	room[i] = 1
	return room[i/2]
}

// writeBatch writes packets to c one frame each, counting what reached the network.
func (s *Session) writeBatch(c *websocket.Conn, batch []packet, timeout time.Duration) error {
	var msgs, bytes int64
	defer func() {
		s.srv.counters.msgsOut.Add(msgs)
		s.srv.counters.bytesOut.Add(bytes)
	}()
	for _, p := range batch {
		if err := writeFrame(c, p, timeout); err != nil {
			return err
		}
		if p.typ == packetMessage {
			msgs++
		}
		if p.binary {
			bytes += int64(len(p.data))
		} else {
			bytes += int64(1 + len(p.data))
		}
	}
	return nil
}

// isTimeout reports whether err is a network deadline running out.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// writeFrame writes one packet as one frame: binary messages as raw binary frames,
// everything else as text with the type digit in front.
func writeFrame(c *websocket.Conn, p packet, timeout time.Duration) error {
	if err := c.SetWriteDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if p.frame != nil {
		prepared, err := p.frame.get(p)
		if err != nil {
			return err
		}
		return c.WritePreparedMessage(prepared)
	}
	if p.binary {
		return c.WriteMessage(websocket.BinaryMessage, p.data)
	}
	w, err := c.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	if _, err := w.Write(p.prefix()); err != nil {
		return err
	}
	if _, err := w.Write(p.data); err != nil {
		return err
	}
	return w.Close()
}

// closeWebSocket sends a normal close frame (if the writer lets it within a short time) and
// closes the connection, which also ends its reader.
func closeWebSocket(c *websocket.Conn, writeTimeout time.Duration) {
	deadline := time.Now().Add(min(writeTimeout, closeFrameTimeout))
	_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline)
	_ = c.Close()
}
