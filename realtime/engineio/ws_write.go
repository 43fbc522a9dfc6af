package engineio

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// The session's websocket writes go out one of two ways, and the session's writing flag
// makes sure only one is under way at a time:
//
//   - a flusher (flusher.go) writes what is queued with one non-blocking write, and
//   - when the socket is full, or the session is closing, a writer goroutine of the
//     session's own (writeLoop) waits for the peer, up to WriteTimeout, and writes
//     everything queued meanwhile in one write.
//
// Either way, every frame waiting for a client goes out in one write, up to a message that
// ends its write (Message.EndsWrite): a busy server makes fewer, bigger writes rather than
// more.

// flushWriteLimit caps what a flusher writes for one session in one turn: more is left to
// the session's writer goroutine, which does not copy it.
const flushWriteLimit = 64 << 10

// flushBuffers holds the buffers flushers assemble frames in.
var flushBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// flushNow is a flusher's turn at the session: it writes the queue without waiting if the
// socket takes it all, and otherwise leaves the rest to the session's writer goroutine. A
// message that ends its write (Message.EndsWrite) ends the turn too: the session's writes
// then pause for endsWriteGap (see holdWritesLocked).
func (s *Session) flushNow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.state == stateOpen && len(s.queue) > 0 {
		n := writeLen(s.queue)
		endsWrite := s.queue[n-1].endsWrite
		written, all := s.writeNowLocked(s.queue[:n])
		if written {
			s.dropWrittenLocked(n)
		}
		if !all {
			go s.writeLoop(s.ws) // waits for the socket
			return
		}
		if endsWrite {
			s.holdWritesLocked()
			return
		}
	}
	if s.state == stateOpen { // and so the queue is empty
		s.writing = false
		return
	}
	go s.writeLoop(s.ws) // finishes a close
}

// endsWriteGap is how long a session's websocket writes pause after a message that ends its
// write. A write of its own is not enough: what the application sends right after such a
// message (a Socket.IO connection handler's first events, run on another core) would be
// written microseconds later, before the client has read, and arrive in the same read
// anyway. The reference server pauses too, by nature: it runs the handler and a turn of its
// event loop before the next write. Measured with a Node ws client on a busy 2-core machine
// (one run of 200 connections each), the first event arrived in the same chunk as the
// CONNECT answer for 164 connections with back-to-back writes, 22 with a 100 µs pause, 3
// with 1 ms, and 66 to 92 with the reference server. A millisecond once per join costs a
// game nothing.
const endsWriteGap = time.Millisecond

// holdWritesLocked keeps the session's writing flag set for endsWriteGap after a message that
// ends its write, so that whatever is sent meanwhile waits and then goes out together (and
// SendVolatile, finding the writer busy, drops). The writer goroutine, which takes over only
// when the socket is full, writes such messages apart without the pause: its client is
// behind and reads whatever has piled up at once.
func (s *Session) holdWritesLocked() {
	time.AfterFunc(endsWriteGap, func() {
		s.mu.Lock()
		s.writing = false
		s.flushLocked()
		s.mu.Unlock()
	})
}

// writeLen is how many of pkts go in one write: up to the first that ends its write.
func writeLen(pkts []packet) int {
	for i, p := range pkts {
		if p.endsWrite {
			return i + 1
		}
	}
	return len(pkts)
}

// dropWrittenLocked takes the first n packets, written, off the queue.
func (s *Session) dropWrittenLocked(n int) {
	written := s.queue[:n]
	s.queuedMsgs -= countMessages(written)
	s.queuedBytes -= int32(messageBytes(written))
	if n == len(s.queue) {
		s.queue = nil
		return
	}
	clear(written) // the array stays, for what is left: let go of the data written
	s.queue = s.queue[n:]
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

// writeBatch writes batch, after the end of a cut frame if there is one, in one write
// (writev) up to each message that ends its write, without copying the payloads.
func (s *Session) writeBatch(ws *wsConn, batch []packet) error {
	for first := true; first || len(batch) > 0; first = false {
		n := writeLen(batch)
		part := batch[:n]
		batch = batch[n:]
		bufs := make(net.Buffers, 0, 2*len(part))
		headers := make([]byte, 0, maxHeaderLen*len(part))
		for _, p := range part {
			bufs, headers = appendFrameParts(bufs, headers, p)
		}
		if err := ws.write(bufs, s.srv.opts.WriteTimeout); err != nil {
			return err
		}
		s.countSent(part)
	}
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
