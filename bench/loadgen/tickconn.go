package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
)

// tickState is how far a tickConn's session has got.
type tickState int

const (
	awaitingOpen    tickState = iota // the Engine.IO open packet `0{…}` has not come yet
	awaitingConnect                  // `40` sent, the namespace's `40{"sid":…}` not yet back
	joined                           // in namespace "/": ticks count
	ended                            // closed by the server or after an error
)

// errEnded reports that the server ended the session (Engine.IO or Socket.IO close,
// websocket close frame); the connection is finished, which is not a protocol error.
var errEnded = errors.New("session ended by the server")

// tickConn is the Engine.IO/Socket.IO side of one fan-out client that is read without the
// realtime/client package: it answers pings, joins namespace "/" and counts the "tick"
// events into its fleet exactly as the goroutine receiver's handlers do. One goroutine at a
// time drives it (the handshake, then its poller).
type tickConn struct {
	f       *fleet
	bytesIn *atomic.Uint64 // websocket data bytes received, shared by the receiver's connections
	out     io.Writer      // the connection; a write must never block (pongs are a few bytes)

	stream  frameStream
	state   tickState
	lastSeq int64
	readAt  int64 // Unix µs when the bytes being parsed were read: the receive time of their ticks
	scratch []byte
}

func newTickConn(f *fleet, bytesIn *atomic.Uint64, out io.Writer) *tickConn {
	return &tickConn{f: f, bytesIn: bytesIn, out: out, lastSeq: -1}
}

// received parses bytes read from the connection at readAt (Unix µs). After an error,
// errEnded included, the connection must be closed.
func (c *tickConn) received(data []byte, readAt int64) error {
	c.readAt = readAt
	return c.stream.feed(data, c)
}

var (
	socketIOConnect = []byte("40")
	tickEvent       = []byte(`2["tick"`) // a Socket.IO EVENT in "/" named "tick", after Engine.IO's '4'
)

// message handles one websocket message or control frame (messageSink).
func (c *tickConn) message(op byte, payload []byte) error {
	switch op {
	case opText:
		c.bytesIn.Add(uint64(len(payload)))
		return c.engineIOPacket(payload)
	case opBinary:
		c.bytesIn.Add(uint64(len(payload))) // no binary events are expected; counted, not read
		return nil
	case opPing:
		return c.send(opPong, payload)
	case opClose:
		_ = c.send(opClose, nil) // answering is a courtesy: the connection is closed either way
		c.state = ended
		return errEnded
	default: // opPong: never asked for
		return nil
	}
}

// engineIOPacket handles one Engine.IO packet: a type digit and its data.
func (c *tickConn) engineIOPacket(p []byte) error {
	if len(p) == 0 {
		return fmt.Errorf("loadgen: empty Engine.IO packet")
	}
	switch p[0] {
	case '0': // open
		if c.state != awaitingOpen {
			return fmt.Errorf("loadgen: a second Engine.IO open packet")
		}
		c.state = awaitingConnect
		return c.send(opText, socketIOConnect)
	case '1': // close
		c.state = ended
		return errEnded
	case '2': // ping: the pong echoes its data
		c.scratch = append(append(c.scratch[:0], '3'), p[1:]...)
		return c.send(opText, c.scratch)
	case '4':
		return c.socketIOPacket(p[1:])
	default: // pong, upgrade, noop: nothing to do
		return nil
	}
}

// socketIOPacket handles one Socket.IO packet of namespace "/"; other namespaces are never
// joined, so nothing comes from them.
func (c *tickConn) socketIOPacket(p []byte) error {
	if c.state == joined && bytes.HasPrefix(p, tickEvent) {
		c.f.onTick(&c.lastSeq, p[1:], c.readAt)
		return nil
	}
	if len(p) == 0 {
		return fmt.Errorf("loadgen: empty Socket.IO packet")
	}
	switch p[0] {
	case '0': // CONNECT answered
		if c.state == awaitingConnect {
			c.state = joined
		}
	case '1': // DISCONNECT: the server removed this client from "/"
		c.state = ended
		return errEnded
	case '4': // CONNECT_ERROR
		return fmt.Errorf("loadgen: connect refused: %.200s", p[1:])
	}
	return nil
}

// send writes one masked frame. A short write is an error: the only frames sent after the
// handshake are pongs of a few bytes to a socket that sends nothing else, so a full send
// buffer means the connection is stuck.
func (c *tickConn) send(op byte, payload []byte) error {
	frame := appendMaskedFrame(make([]byte, 0, 16+len(payload)), op, payload, maskKey())
	n, err := c.out.Write(frame)
	if err != nil {
		return fmt.Errorf("loadgen: write: %w", err)
	}
	if n != len(frame) {
		return fmt.Errorf("loadgen: write: %d of %d bytes", n, len(frame))
	}
	return nil
}

// maskKey returns a fresh frame mask. RFC 6455 asks for an unpredictable one to protect
// proxies from cache poisoning; a load generator on loopback needs no more than this.
func maskKey() [4]byte {
	var k [4]byte
	v := rand.Uint32()
	k[0], k[1], k[2], k[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	return k
}
