package engineio

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
)

// packetType is the one-character Engine.IO v4 packet type, kept as the ASCII digit that
// goes on the wire so encoding needs no table lookup.
type packetType byte

const (
	packetOpen    packetType = '0'
	packetClose   packetType = '1'
	packetPing    packetType = '2'
	packetPong    packetType = '3'
	packetMessage packetType = '4'
	packetUpgrade packetType = '5'
	packetNoop    packetType = '6'
)

// binaryMarker starts a base64-encoded binary message inside a polling payload; websocket
// sends binary messages as binary frames instead.
const binaryMarker = 'b'

// recordSeparator joins the packets of one HTTP long-polling payload (v4 replaced v3's
// length prefixes with it because it can never appear in UTF-8 text or base64).
const recordSeparator = 0x1e

var (
	errEmptyPacket   = errors.New("engineio: empty packet")
	errUnknownPacket = errors.New("engineio: unknown packet type")
)

// packet is one decoded or to-be-encoded Engine.IO packet. binary is only meaningful for
// message packets; for every other type data is text (e.g. "probe", or the open JSON).
type packet struct {
	typ       packetType
	binary    bool
	endsWrite bool // Message.EndsWrite: what follows goes in another websocket write
	data      []byte
	frame     *sharedFrame // a message's websocket frame shared with other sessions, or nil
}

// decodePacket decodes one text-encoded packet: a websocket text frame or one record of a
// polling payload. "b"+base64 decodes to a binary message. data aliases b except for base64.
func decodePacket(b []byte) (packet, error) {
	if len(b) == 0 {
		return packet{}, errEmptyPacket
	}
	if b[0] == binaryMarker {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-1))
		n, err := base64.StdEncoding.Decode(data, b[1:])
		if err != nil {
			return packet{}, fmt.Errorf("engineio: binary packet: %w", err)
		}
		return packet{typ: packetMessage, binary: true, data: data[:n]}, nil
	}
	typ := packetType(b[0])
	if typ < packetOpen || typ > packetNoop {
		return packet{}, fmt.Errorf("%w %q", errUnknownPacket, b[0])
	}
	return packet{typ: typ, data: b[1:]}, nil
}

// decodePayload splits a polling request body into packets. Like the reference parser it
// stops at the first malformed record: the packets before it are returned with the error so
// they can still be processed before the session is closed for the parse error.
func decodePayload(body []byte) ([]packet, error) {
	packets := make([]packet, 0, bytes.Count(body, []byte{recordSeparator})+1)
	for {
		record, rest, more := bytes.Cut(body, []byte{recordSeparator})
		p, err := decodePacket(record)
		if err != nil {
			return packets, fmt.Errorf("engineio: payload record %d: %w", len(packets), err)
		}
		packets = append(packets, p)
		if !more {
			return packets, nil
		}
		body = rest
	}
}

// appendPacket appends the text encoding of p (as used in polling payloads) to dst.
func appendPacket(dst []byte, p packet) []byte {
	if p.binary {
		dst = append(dst, binaryMarker)
		return base64.StdEncoding.AppendEncode(dst, p.data)
	}
	dst = append(dst, byte(p.typ))
	return append(dst, p.data...)
}

// encodedLen is the exact length appendPacket adds for p.
func encodedLen(p packet) int {
	if p.binary {
		return 1 + base64.StdEncoding.EncodedLen(len(p.data))
	}
	return 1 + len(p.data)
}

// encodePayload encodes packets as one polling response body, separated by \x1e.
func encodePayload(packets []packet) []byte {
	size := 0
	for _, p := range packets {
		size += encodedLen(p) + 1
	}
	out := make([]byte, 0, size)
	for i, p := range packets {
		if i > 0 {
			out = append(out, recordSeparator)
		}
		out = appendPacket(out, p)
	}
	return out
}
