package engineio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"unicode/utf8"
)

// The session reads its websocket frames itself too (RFC 6455, section 5): a reader that
// owns its buffer can give it back, and its goroutine can end, whenever it stands between
// two messages with nothing buffered, which is what lets an idle connection be parked
// (ws_park_linux.go) at the cost of no goroutine and no buffer at all. gorilla/websocket's
// reader keeps both for the connection's life, and its read errors are final, so a read
// cannot be interrupted to park.

// Close status codes sent when the engine ends a connection for what the client sent.
const (
	closeNormal        = 1000
	closeProtocolError = 1002
	closeInvalidData   = 1007 // text (a message or a close reason) that is not UTF-8
	closeMessageTooBig = 1009
)

// errPeerClosed is the client's close frame; errTooBig a message over MaxPayload; errIdle
// tells the read loop that the connection stands idle between messages and may be parked.
var (
	errPeerClosed = errors.New("engineio: websocket closed by the client")
	errTooBig     = errors.New("engineio: websocket message over MaxPayload")
	errIdle       = errors.New("engineio: websocket idle")
)

// wsProtocolError is a frame that breaks RFC 6455; code is the close status it earns.
type wsProtocolError struct {
	code   int
	reason string
}

func (e *wsProtocolError) Error() string { return "engineio: websocket protocol error: " + e.reason }

func protocolError(format string, args ...any) error {
	return &wsProtocolError{code: closeProtocolError, reason: fmt.Sprintf(format, args...)}
}

// readBufferSize is the reader's buffer: several small frames arriving together are read
// with one system call; larger payloads are read straight into the message.
const readBufferSize = 4096

var readBuffers = sync.Pool{New: func() any { b := make([]byte, readBufferSize); return &b }}

// wsReadState is the reader's part of a wsConn, touched only by its reader goroutine.
type wsReadState struct {
	buf        *[]byte // from readBuffers while reading; nil while nothing is buffered at rest
	start, end int     // buf[start:end] is read and not yet used
	busy       bool    // a message arrived since the idle deadline was last armed
}

// releaseBuffer gives the read buffer back if it holds nothing.
func (ws *wsConn) releaseBuffer() {
	if ws.rd.buf != nil && ws.rd.start == ws.rd.end {
		readBuffers.Put(ws.rd.buf)
		ws.rd.buf, ws.rd.start, ws.rd.end = nil, 0, 0
	}
}

// fill reads until at least n (at most readBufferSize) bytes are buffered. atRest is true
// while waiting for the first byte of a message: only then can the idle deadline end the
// wait with errIdle.
func (ws *wsConn) fill(n int, atRest bool) error {
	rd := &ws.rd
	if rd.buf == nil {
		rd.buf = readBuffers.Get().(*[]byte)
	}
	buf := *rd.buf
	if len(buf)-rd.start < n {
		rd.end = copy(buf, buf[rd.start:rd.end])
		rd.start = 0
	}
	for rd.end-rd.start < n {
		m, err := ws.net.Read(buf[rd.end:])
		rd.end += m
		switch {
		case err == nil:
		case rd.end-rd.start >= n:
			return nil // the error shows again on the next read
		case isTimeout(err):
			if atRest && rd.end == rd.start && !rd.busy {
				return errIdle
			}
			rd.busy = false
			ws.armIdle()
		case errors.Is(err, io.EOF) && rd.end > rd.start:
			return io.ErrUnexpectedEOF
		default:
			return err
		}
	}
	return nil
}

// readFull fills p, from the buffer first and then straight from the connection.
func (ws *wsConn) readFull(p []byte) error {
	rd := &ws.rd
	n := copy(p, (*rd.buf)[rd.start:rd.end])
	rd.start += n
	for n < len(p) {
		m, err := ws.net.Read(p[n:])
		n += m
		switch {
		case err == nil:
		case n == len(p):
			return nil
		case isTimeout(err):
			rd.busy = false
			ws.armIdle()
		case errors.Is(err, io.EOF):
			return io.ErrUnexpectedEOF
		default:
			return err
		}
	}
	return nil
}

// readMessage reads the next whole message (text or binary, maybe fragmented), answering
// pings on the way. The data is the caller's to keep.
func (ws *wsConn) readMessage(maxPayload int64) (isBinary bool, data []byte, err error) {
	started := false // a fragmented message is under way
	for {
		rd := &ws.rd
		if err := ws.fill(2, !started); err != nil {
			return false, nil, err
		}
		buf := *rd.buf
		b0, b1 := buf[rd.start], buf[rd.start+1]
		final, opcode := b0&finBit != 0, b0&0x0F
		if b0&0x70 != 0 {
			return false, nil, protocolError("reserved bits set: no extension was negotiated")
		}
		if b1&0x80 == 0 {
			return false, nil, protocolError("client frame not masked")
		}
		size, headerLen := int64(b1&0x7F), 2+4
		switch size {
		case 126:
			headerLen += 2
		case 127:
			headerLen += 8
		}
		if err := ws.fill(headerLen, false); err != nil {
			return false, nil, err
		}
		buf = *rd.buf
		header := buf[rd.start : rd.start+headerLen]
		switch size {
		case 126:
			size = int64(binary.BigEndian.Uint16(header[2:]))
		case 127:
			u := binary.BigEndian.Uint64(header[2:])
			if u > 1<<62 {
				return false, nil, protocolError("frame length %d", u)
			}
			size = int64(u)
		}
		var mask [4]byte
		copy(mask[:], header[headerLen-4:])
		rd.start += headerLen

		if opcode >= 0x8 { // control frame: may come between the fragments of a message
			if !final || size > 125 {
				return false, nil, protocolError("control frame fragmented or over 125 bytes")
			}
			payload := make([]byte, size)
			if err := ws.readFull(payload); err != nil {
				return false, nil, err
			}
			unmask(payload, mask)
			switch opcode {
			case opClose:
				if err := checkCloseBody(payload); err != nil {
					return false, nil, err
				}
				return false, nil, errPeerClosed
			case opPing:
				ws.pong(payload)
			case opPong:
			default:
				return false, nil, protocolError("unknown control opcode %#x", opcode)
			}
			continue
		}

		switch {
		case opcode == opContinuation && !started:
			return false, nil, protocolError("continuation frame without a message")
		case opcode != opContinuation && started:
			return false, nil, protocolError("new message before the last one ended")
		case opcode == opText || opcode == opBinary:
			started, isBinary = true, opcode == opBinary
		case opcode != opContinuation:
			return false, nil, protocolError("unknown data opcode %#x", opcode)
		}
		if int64(len(data))+size > maxPayload {
			return false, nil, errTooBig
		}
		at := len(data)
		data = slices.Grow(data, int(size))[:at+int(size)]
		if err := ws.readFull(data[at:]); err != nil {
			return false, nil, err
		}
		unmask(data[at:], mask)
		if !final {
			continue
		}
		rd.busy = true
		if !isBinary && !utf8.Valid(data) {
			return false, nil, &wsProtocolError{code: closeInvalidData, reason: "text message is not UTF-8"}
		}
		return isBinary, data, nil
	}
}

// checkCloseBody checks a client's close frame body (RFC 6455, sections 5.5.1 and 7.4):
// empty, or a status a peer may send (not 1004-1006 or 1015, which are never sent, nor an
// unassigned one) and a UTF-8 reason.
func checkCloseBody(body []byte) error {
	if len(body) == 0 {
		return nil
	}
	if len(body) == 1 {
		return protocolError("close frame body of one byte")
	}
	code := binary.BigEndian.Uint16(body)
	if !(code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999) {
		return protocolError("close status %d", code)
	}
	if !utf8.Valid(body[2:]) {
		return &wsProtocolError{code: closeInvalidData, reason: "close reason is not UTF-8"}
	}
	return nil
}

// unmask undoes the client's masking of one frame's payload.
func unmask(p []byte, mask [4]byte) {
	key := binary.LittleEndian.Uint32(mask[:])
	key64 := uint64(key) | uint64(key)<<32
	i := 0
	for ; i+8 <= len(p); i += 8 {
		binary.LittleEndian.PutUint64(p[i:], binary.LittleEndian.Uint64(p[i:])^key64)
	}
	for ; i < len(p); i++ {
		p[i] ^= mask[i&3]
	}
}
