package engineio

import (
	"errors"
	"net"
	"os"
	"sync"
)

// The session's websocket writes go out one of two ways, and the session's writing flag
// makes sure only one is under way at a time:
//
//   - a flusher (flusher.go) writes what is queued with one non-blocking write, and
//   - when the socket is full, or the session is closing, a writer goroutine of the
//     session's own (writeLoop) waits for the peer, up to WriteTimeout, and writes
//     everything queued meanwhile in one write.
//
// Either way, every frame waiting for a client goes out in one write: a busy server makes
// fewer, bigger writes rather than more.

// flushWriteLimit caps what a flusher writes for one session in one turn: more is left to
// the session's writer goroutine, which does not copy it.
const flushWriteLimit = 64 << 10

// flushBuffers holds the buffers flushers assemble frames in.
var flushBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// flushNow is a flusher's turn at the session: it writes the queue without waiting if the
// socket takes it all, and otherwise leaves the rest to the session's writer goroutine.
func (s *Session) flushNow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stateOpen && len(s.queue) > 0 {
		written, all := s.writeNowLocked(s.queue)
		if written {
			s.queue, s.queuedMsgs, s.queuedBytes = nil, 0, 0
		}
		if all {
			s.writing = false
			return
		}
	}
	go s.writeLoop(s.ws) // waits for the socket, or finishes a close
}

// writeNowLocked writes pkts with one non-blocking write. written reports that the socket
// took some of it, and the rest, if any, is kept by the connection (wsConn.rest) for the
// next write; all, that it took everything. When written is false nothing went out.
func (s *Session) writeNowLocked(pkts []packet) (written, all bool) {
	var wire []byte
	if len(pkts) == 1 && pkts[0].frame != nil {
		wire = pkts[0].frame.wire(pkts[0]) // a broadcast: the shared frame, as it is
	} else {
		buf := flushBuffers.Get().(*[]byte)
		defer func() { *buf = (*buf)[:0]; flushBuffers.Put(buf) }()
		for _, p := range pkts {
			if *buf = appendFrame(*buf, p); len(*buf) > flushWriteLimit {
				return false, false
			}
		}
		wire = *buf
	}
	n := s.ws.tryWrite(wire)
	if n == 0 {
		return false, false
	}
	s.countSent(pkts)
	return true, n == len(wire)
}

// writeLoop is the session's writer goroutine: it runs while there is something to write
// and ends when the queue is empty, so idle sessions have no writer goroutine. Its first
// write goes out even with nothing queued, for the end of a frame the flusher cut
// (wsConn.write sends it first).
func (s *Session) writeLoop(ws *wsConn) {
	growStack(0)
	for first := true; ; first = false {
		s.mu.Lock()
		if s.state == stateClosed {
			s.writing = false
			s.mu.Unlock()
			return // the close frame goes after any cut frame's end
		}
		batch := s.takeQueueLocked()
		if len(batch) == 0 && !first {
			s.writing = false
			closing, reason := s.state == stateClosing, s.closeReason
			s.mu.Unlock()
			if closing {
				s.closeNow(reason) // everything is written; closeNow sends the close frame
			}
			return
		}
		s.mu.Unlock()
		err := s.writeBatch(ws, batch)
		s.written(batch)
		if err != nil {
			s.srv.log.Debug("engineio: websocket write failed", "sid", s.id, "err", err)
			if isTimeout(err) {
				s.srv.counters.writeTimeouts.Add(1)
			}
			s.closeNow(ReasonTransportError)
			return
		}
	}
}

// growStack grows a new writer goroutine's stack while it holds a single frame: writing
// (the net package, the deadline's clock read) needs more than the 2 KB a goroutine starts
// with, and growing the stack later, under more frames, costs more (every frame is
// adjusted). The array is indexed with an argument so it cannot be optimized out.
//
//go:noinline
func growStack(i int) byte {
	var room [2048]byte
	room[i] = 1
	return room[i/2]
}

// writeBatch writes batch, after the end of a cut frame if there is one, all in one write
// (writev), without copying the payloads.
func (s *Session) writeBatch(ws *wsConn, batch []packet) error {
	bufs := make(net.Buffers, 0, 2*len(batch))
	headers := make([]byte, 0, maxHeaderLen*len(batch))
	for _, p := range batch {
		bufs, headers = appendFrameParts(bufs, headers, p)
	}
	if err := ws.write(bufs, s.srv.opts.WriteTimeout); err != nil {
		return err
	}
	s.countSent(batch)
	return nil
}

// countSent adds pkts to the server's outgoing counters.
func (s *Session) countSent(pkts []packet) {
	var msgs, bytes int64
	for _, p := range pkts {
		if p.typ == packetMessage {
			msgs++
		}
		if p.binary {
			bytes += int64(len(p.data))
		} else {
			bytes += int64(1 + len(p.data))
		}
	}
	s.srv.counters.msgsOut.Add(msgs)
	s.srv.counters.bytesOut.Add(bytes)
}

// isTimeout reports whether err is a network deadline running out.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
