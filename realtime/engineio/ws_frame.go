package engineio

import (
	"encoding/binary"
	"net"
)

// The session writes its websocket frames itself (gorilla/websocket only does the
// handshake): gorilla writes one frame per write call, and a server that fans out to
// thousands of clients spends most of its time in those calls, so the session instead
// puts every frame waiting for a client into one write. Server frames are simple: final,
// unmasked, uncompressed (compression is never negotiated).

// Websocket opcodes (RFC 6455, section 5.2) and the FIN bit of a frame's first byte.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
	finBit         = 0x80
)

// maxHeaderLen is the longest header appendPacketHeader writes: 10 bytes of frame header
// and the packet type digit.
const maxHeaderLen = 11

// closeFrame returns a close frame with status code and no reason.
func closeFrame(code int) []byte {
	return []byte{finBit | opClose, 2, byte(code >> 8), byte(code)}
}

// appendFrameHeader appends the header of a final, unmasked frame carrying n payload bytes.
func appendFrameHeader(dst []byte, opcode byte, n int) []byte {
	dst = append(dst, finBit|opcode)
	switch {
	case n < 126:
		return append(dst, byte(n))
	case n <= 0xFFFF:
		return binary.BigEndian.AppendUint16(append(dst, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, 127), uint64(n))
	}
}

// appendPacketHeader appends everything of p's frame that comes before p.data: binary
// messages are binary frames of their data; other packets are text frames of the type
// digit and the data.
func appendPacketHeader(dst []byte, p packet) []byte {
	if p.binary {
		return appendFrameHeader(dst, opBinary, len(p.data))
	}
	return append(appendFrameHeader(dst, opText, 1+len(p.data)), byte(p.typ))
}

// appendFrame appends p's whole frame to dst.
func appendFrame(dst []byte, p packet) []byte {
	if p.frame != nil {
		return append(dst, p.frame.wire(p)...)
	}
	return append(appendPacketHeader(dst, p), p.data...)
}

// appendFrameParts appends p's frame to bufs without copying its data: the header goes in
// headers' spare capacity (the caller gives it room for maxHeaderLen bytes per packet, so
// earlier parts never move) and the data slice follows it.
func appendFrameParts(bufs net.Buffers, headers []byte, p packet) (net.Buffers, []byte) {
	if p.frame != nil {
		return append(bufs, p.frame.wire(p)), headers
	}
	start := len(headers)
	headers = appendPacketHeader(headers, p)
	bufs = append(bufs, headers[start:len(headers):len(headers)])
	if len(p.data) > 0 {
		bufs = append(bufs, p.data)
	}
	return bufs, headers
}
