package engineio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// clientFrame builds a frame as a client sends it: masked (unless unmasked is set), with
// the given first byte (FIN, RSV bits, opcode) and payload.
func clientFrame(first byte, payload []byte, unmasked bool) []byte {
	var b []byte
	maskBit := byte(0x80)
	if unmasked {
		maskBit = 0
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, first, maskBit|byte(n))
	case n <= 0xFFFF:
		b = binary.BigEndian.AppendUint16(append(b, first, maskBit|126), uint16(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, first, maskBit|127), uint64(n))
	}
	if unmasked {
		return append(b, payload...)
	}
	mask := [4]byte{0x12, 0x34, 0x56, 0x78}
	b = append(b, mask[:]...)
	for i, c := range payload {
		b = append(b, c^mask[i%4])
	}
	return b
}

func frames(fs ...[]byte) []byte { return bytes.Join(fs, nil) }

// TestReaderAssemblesMessages sends hand-made frames: fragmented messages with control
// frames between the fragments, and several frames in one write.
func TestReaderAssemblesMessages(t *testing.T) {
	ts := startServer(t, Options{}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	raw := c.UnderlyingConn()
	big := strings.Repeat("ü", 40_000) // a 16-bit length inside, a 64-bit one whole
	_, err := raw.Write(frames(
		clientFrame(0x80|opText, []byte("4whole"), false),
		clientFrame(opText, []byte("4frag"), false),
		clientFrame(0x80|opPing, []byte("ping data"), false),
		clientFrame(opContinuation, []byte("men"), false),
		clientFrame(0x80|opPong, nil, false),
		clientFrame(0x80|opContinuation, []byte("ted"), false),
		clientFrame(0x80|opBinary, []byte{0, 1, 2, 255}, false),
		clientFrame(opBinary, []byte{9}, false),
		clientFrame(0x80|opContinuation, []byte{8, 7}, false),
		clientFrame(0x80|opText, []byte("4"+big), false),
		clientFrame(0x80|opText, []byte("4"), false),
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []Message{
		{Data: []byte("whole")}, {Data: []byte("fragmented")}, {Binary: true, Data: []byte{0, 1, 2, 255}},
		{Binary: true, Data: []byte{9, 8, 7}}, {Data: []byte(big)}, {Data: []byte{}},
	} {
		got := sess.nextMessage(t)
		if got.Binary != want.Binary || !bytes.Equal(got.Data, want.Data) {
			t.Fatalf("message binary=%v %.30q (%d bytes), want binary=%v %.30q", got.Binary, got.Data, len(got.Data), want.Binary, want.Data)
		}
	}
	pongs := make(chan string, 1)
	c.SetPongHandler(func(data string) error { pongs <- data; return nil })
	sess.Send(Message{Data: []byte("after")})
	if _, got := readFrame(t, c); got != "4after" {
		t.Fatalf("frame %q", got)
	}
	select {
	case got := <-pongs:
		if got != "ping data" {
			t.Errorf("pong %q", got)
		}
	default:
		t.Error("the ping between fragments was not answered before the next message")
	}
}

// TestReaderRefusesBrokenFrames checks each way a client can break RFC 6455: only that
// client is closed, with the close status that names the fault, and others carry on.
func TestReaderRefusesBrokenFrames(t *testing.T) {
	long := make([]byte, 0, 14)
	long = binary.BigEndian.AppendUint64(append(long, 0x80|opBinary, 0x80|127), 1<<63)
	long = append(long, 1, 2, 3, 4)
	for _, tt := range []struct {
		name   string
		frames []byte
		code   int
		reason string
	}{
		{"unmasked frame", clientFrame(0x80|opText, []byte("4hi"), true), closeProtocolError, ReasonTransportError},
		{"reserved bit", clientFrame(0x80|0x40|opText, []byte("4hi"), false), closeProtocolError, ReasonTransportError},
		{"unknown data opcode", clientFrame(0x80|0x3, []byte("4hi"), false), closeProtocolError, ReasonTransportError},
		{"unknown control opcode", clientFrame(0x80|0xB, nil, false), closeProtocolError, ReasonTransportError},
		{"continuation without a message", clientFrame(0x80|opContinuation, []byte("x"), false), closeProtocolError, ReasonTransportError},
		{"new message inside a fragmented one", frames(clientFrame(opText, []byte("4a"), false), clientFrame(0x80|opText, []byte("4b"), false)), closeProtocolError, ReasonTransportError},
		{"fragmented control frame", clientFrame(opPing, nil, false), closeProtocolError, ReasonTransportError},
		{"control frame over 125 bytes", clientFrame(0x80|opPing, make([]byte, 126), false), closeProtocolError, ReasonTransportError},
		{"length with the top bit set", long, closeProtocolError, ReasonTransportError},
		{"text that is not UTF-8", clientFrame(0x80|opText, []byte("4\xff\xfe"), false), closeInvalidData, ReasonTransportError},
		{"message over MaxPayload", clientFrame(0x80|opText, []byte("4"+strings.Repeat("x", 300)), false), closeMessageTooBig, ReasonTransportError},
		{"fragments over MaxPayload together", frames(clientFrame(opBinary, make([]byte, 200), false), clientFrame(0x80|opContinuation, make([]byte, 200), false)), closeMessageTooBig, ReasonTransportError},
		{"close frame", clientFrame(0x80|opClose, []byte{0x03, 0xE8}, false), closeNormal, ReasonTransportClose},
		{"close frame without a body", clientFrame(0x80|opClose, nil, false), closeNormal, ReasonTransportClose},
		{"close frame with an application status and reason", clientFrame(0x80|opClose, []byte("\x0f\xa0bye"), false), closeNormal, ReasonTransportClose},
		{"close frame with a one-byte body", clientFrame(0x80|opClose, []byte{0x03}, false), closeProtocolError, ReasonTransportError},
		{"close status below 1000", clientFrame(0x80|opClose, []byte{0x00, 0x0A}, false), closeProtocolError, ReasonTransportError},
		{"close status 1005, never sent", clientFrame(0x80|opClose, []byte{0x03, 0xED}, false), closeProtocolError, ReasonTransportError},
		{"close status 2000, unassigned", clientFrame(0x80|opClose, []byte{0x07, 0xD0}, false), closeProtocolError, ReasonTransportError},
		{"close reason that is not UTF-8", clientFrame(0x80|opClose, []byte("\x03\xe8\xff"), false), closeInvalidData, ReasonTransportError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, Options{MaxPayload: 256}, true)
			bad := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
			readFrame(t, bad)
			sess := ts.nextSession(t)
			good := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
			readFrame(t, good)
			ts.nextSession(t)

			if _, err := bad.UnderlyingConn().Write(tt.frames); err != nil {
				t.Fatal(err)
			}
			if reason := sess.waitClosed(t); reason != tt.reason {
				t.Errorf("close reason %q, want %q", reason, tt.reason)
			}
			_ = bad.SetReadDeadline(time.Now().Add(waitLong))
			_, _, err := bad.ReadMessage()
			var closeErr *websocket.CloseError
			if !errors.As(err, &closeErr) || closeErr.Code != tt.code {
				t.Errorf("client read %v, want a close frame with status %d", err, tt.code)
			}
			writeFrameT(t, good, websocket.TextMessage, "4still here")
			if _, got := readFrame(t, good); got != "4still here" {
				t.Errorf("the other client's echo: %q", got)
			}
		})
	}
}

// pipeConn is a net.Conn that reads from r and discards writes: the reader under fuzzing.
type pipeConn struct {
	net.Conn
	r io.Reader
}

func (c pipeConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c pipeConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c pipeConn) SetWriteDeadline(time.Time) error { return nil }
func (c pipeConn) SetReadDeadline(time.Time) error  { return nil }
func (c pipeConn) Close() error                     { return nil }
func (c pipeConn) SetDeadline(t time.Time) error    { return nil }
func (c pipeConn) LocalAddr() net.Addr              { return nil }
func (c pipeConn) RemoteAddr() net.Addr             { return nil }

// FuzzReadMessage feeds arbitrary bytes to the frame reader: it must return messages within
// MaxPayload, or an error, and never panic or read past what it was given.
func FuzzReadMessage(f *testing.F) {
	f.Add(frames(clientFrame(0x80|opText, []byte("4hello"), false)))
	f.Add(frames(clientFrame(opText, []byte("4he"), false), clientFrame(0x80|opPing, []byte("p"), false), clientFrame(0x80|opContinuation, []byte("llo"), false)))
	f.Add(clientFrame(0x80|opBinary, make([]byte, 300), false))
	f.Add(clientFrame(0x80|opClose, []byte{3, 232}, false))
	f.Add(clientFrame(0x80|opText, []byte("4hi"), true))
	f.Fuzz(func(t *testing.T, data []byte) {
		const maxPayload = 1024
		ws := &wsConn{net: pipeConn{r: bytes.NewReader(data)}}
		for range 64 {
			_, msg, err := ws.readMessage(maxPayload)
			if err != nil {
				return
			}
			if len(msg) > maxPayload {
				t.Fatalf("message of %d bytes over MaxPayload", len(msg))
			}
		}
	})
}
