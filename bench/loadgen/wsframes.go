package main

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Websocket opcodes (RFC 6455 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// maxMessageBytes bounds one websocket message, fragments included: a tick is a few hundred
// bytes, so anything near this is a broken or hostile stream, not something to buffer.
const maxMessageBytes = 1 << 20

var errFrame = errors.New("websocket frame")

// messageSink receives what a frameStream parses: every complete data message (opText or
// opBinary, fragments joined) and every control frame, in stream order. payload is only
// valid during the call.
type messageSink interface {
	message(op byte, payload []byte) error
}

// frameStream splits a server's websocket byte stream into messages. It is fed whatever a
// read returned, so a frame may arrive in pieces: the incomplete tail is kept for the next
// feed. Server frames are never masked (RFC 6455 5.1) and no extension is negotiated, so
// the RSV bits must be clear.
type frameStream struct {
	pending    []byte // the start of a frame not yet complete
	fragments  []byte // the data of a fragmented message so far
	fragOp     byte   // opcode of that message
	fragmented bool   // a message's first fragment has come, its last not yet
}

// feed parses data after whatever was left over from earlier feeds and passes every
// complete message to sink. An error means the stream cannot be trusted any further.
func (s *frameStream) feed(data []byte, sink messageSink) error {
	if len(s.pending) > 0 {
		s.pending = append(s.pending, data...)
		data = s.pending
	}
	rest, err := s.parse(data, sink)
	if err != nil {
		return err
	}
	// rest may lie inside s.pending; copy moves overlapping bytes correctly.
	if cap(s.pending) < len(rest) {
		s.pending = make([]byte, 0, max(len(rest), 512))
	}
	s.pending = s.pending[:copy(s.pending[:len(rest)], rest)]
	return nil
}

// parse delivers every complete frame of data and returns the incomplete tail.
func (s *frameStream) parse(data []byte, sink messageSink) ([]byte, error) {
	for {
		if len(data) < 2 {
			return data, nil
		}
		b0, b1 := data[0], data[1]
		fin, op := b0&0x80 != 0, b0&0x0F
		if b0&0x70 != 0 {
			return nil, fmt.Errorf("%w: reserved bits set", errFrame)
		}
		if b1&0x80 != 0 {
			return nil, fmt.Errorf("%w: masked frame from the server", errFrame)
		}
		header, length := 2, uint64(b1&0x7F)
		switch length {
		case 126:
			if len(data) < 4 {
				return data, nil
			}
			header, length = 4, uint64(binary.BigEndian.Uint16(data[2:]))
		case 127:
			if len(data) < 10 {
				return data, nil
			}
			header, length = 10, binary.BigEndian.Uint64(data[2:])
		}
		if length > maxMessageBytes {
			return nil, fmt.Errorf("%w: %d bytes is over the %d limit", errFrame, length, maxMessageBytes)
		}
		end := header + int(length)
		if len(data) < end {
			return data, nil
		}
		if err := s.frame(fin, op, data[header:end], sink); err != nil {
			return nil, err
		}
		data = data[end:]
	}
}

// frame handles one complete frame: control frames go straight to sink (they may come
// between the fragments of a message), data frames are joined until the final one.
func (s *frameStream) frame(fin bool, op byte, payload []byte, sink messageSink) error {
	switch op {
	case opClose, opPing, opPong:
		if !fin || len(payload) > 125 {
			return fmt.Errorf("%w: control frame fragmented or over 125 bytes", errFrame)
		}
		return sink.message(op, payload)
	case opText, opBinary:
		if s.fragmented {
			return fmt.Errorf("%w: new message before the last fragment of the previous one", errFrame)
		}
		if fin {
			return sink.message(op, payload)
		}
		s.fragmented, s.fragOp = true, op
		s.fragments = append(s.fragments[:0], payload...)
		return nil
	case opContinuation:
		if !s.fragmented {
			return fmt.Errorf("%w: continuation without a message", errFrame)
		}
		if len(s.fragments)+len(payload) > maxMessageBytes {
			return fmt.Errorf("%w: fragmented message over the %d limit", errFrame, maxMessageBytes)
		}
		s.fragments = append(s.fragments, payload...)
		if !fin {
			return nil
		}
		s.fragmented = false
		return sink.message(s.fragOp, s.fragments)
	default:
		return fmt.Errorf("%w: unknown opcode %#x", errFrame, op)
	}
}

// appendMaskedFrame appends one final client frame (clients must mask, RFC 6455 5.3) of
// op carrying payload, masked with key.
func appendMaskedFrame(dst []byte, op byte, payload []byte, key [4]byte) []byte {
	dst = append(dst, 0x80|op)
	switch n := len(payload); {
	case n < 126:
		dst = append(dst, 0x80|byte(n))
	case n <= 0xFFFF:
		dst = append(dst, 0x80|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, 0x80|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	dst = append(dst, key[:]...)
	for i, c := range payload {
		dst = append(dst, c^key[i&3])
	}
	return dst
}
