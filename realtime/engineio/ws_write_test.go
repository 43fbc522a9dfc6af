package engineio

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/testenv"
)

// Frame lengths around each of the three length encodings (7-bit, 16-bit, 64-bit).
var frameSizes = []int{0, 1, 124, 125, 126, 127, 1000, 0xFFFE, 0xFFFF, 0x10000, 200_000}

// TestFramesOfEverySizeReachAStandardClient sends text and binary messages of every length
// encoding, one at a time and all queued together, and checks that gorilla's client reads
// each one back exactly: the engine frames them itself.
func TestFramesOfEverySizeReachAStandardClient(t *testing.T) {
	ts := startServer(t, Options{MaxPayload: 1 << 20}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	c.SetReadLimit(1 << 20)
	readFrame(t, c)
	sess := ts.nextSession(t)

	var want []Message
	for _, n := range frameSizes {
		want = append(want,
			Message{Data: []byte(strings.Repeat("é", n/2) + strings.Repeat("t", n%2))},
			Message{Binary: true, Data: bytes.Repeat([]byte{byte(n)}, n)},
			NewSharedMessage(false, []byte(strings.Repeat("s", n))),
			NewSharedMessage(true, bytes.Repeat([]byte{0xB0}, n)))
	}
	for _, m := range want { // one at a time
		if err := sess.Send(m); err != nil {
			t.Fatal(err)
		}
		expectMessage(t, c, m)
	}
	if err := sess.Send(want...); err != nil { // all at once
		t.Fatal(err)
	}
	for _, m := range want {
		expectMessage(t, c, m)
	}
}

// expectMessage reads one frame from c and checks it carries m.
func expectMessage(t *testing.T, c *websocket.Conn, m Message) {
	t.Helper()
	kind, got := readFrame(t, c)
	wantKind, wantData := websocket.TextMessage, "4"+string(m.Data)
	if m.Binary {
		wantKind, wantData = websocket.BinaryMessage, string(m.Data)
	}
	if kind != wantKind || got != wantData {
		t.Fatalf("frame %d of %d bytes, want %d of %d bytes (%.20q…)", kind, len(got), wantKind, len(wantData), wantData)
	}
}

// TestBacklogOfAStalledClientArrivesInOrder fills the socket of a client that stops
// reading, so that writes go through the partly-written frame (wsConn.rest) and the writer
// goroutine, and then checks that every message arrives, whole and in order, once the client
// reads again.
func TestBacklogOfAStalledClientArrivesInOrder(t *testing.T) {
	const count = 400
	// Room for all 26 MB, and time for the client to read them: under -race, on a loaded
	// machine, reading them can take longer than the default WriteTimeout of 10s, and longer
	// than PingInterval+PingTimeout (45s by default), after which the ping, queued behind the
	// backlog, would be unanswered and the session closed (close 1006 at a load of 14).
	ts := startServer(t, Options{
		SendQueueSize: count, SendQueueBytes: 32 << 20,
		WriteTimeout: testenv.Patience(time.Minute), PingInterval: time.Hour,
	}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)

	payload := func(i int) []byte { // 64 KiB + i bytes, numbered
		b := bytes.Repeat([]byte{byte(i)}, 64<<10+i)
		binary.BigEndian.PutUint32(b, uint32(i))
		return b
	}
	for i := range count { // 26 MB: far more than the socket buffers hold
		if err := sess.Send(Message{Binary: true, Data: payload(i)}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	for i := range count {
		kind, got := readFrame(t, c)
		if kind != websocket.BinaryMessage || !bytes.Equal([]byte(got), payload(i)) {
			n := -1
			if len(got) >= 4 {
				n = int(binary.BigEndian.Uint32([]byte(got)))
			}
			t.Fatalf("message %d: kind %d, %d bytes numbered %d", i, kind, len(got), n)
		}
	}
}

// TestPingIsAnsweredWithPong checks that the engine, which writes its own frames, still
// answers a websocket-level ping with a pong carrying the same data.
func TestPingIsAnsweredWithPong(t *testing.T) {
	ts := startServer(t, Options{}, true)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	pongs := make(chan string, 1)
	c.SetPongHandler(func(data string) error { pongs <- data; return nil })
	if err := c.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(waitLong)); err != nil {
		t.Fatal(err)
	}
	writeFrameT(t, c, websocket.TextMessage, "4after the ping")
	if _, got := readFrame(t, c); got != "4after the ping" { // the pong is handled while reading
		t.Fatalf("echo %q", got)
	}
	select {
	case got := <-pongs:
		if got != "are you there" {
			t.Errorf("pong %q", got)
		}
	case <-time.After(waitLong):
		t.Fatal("no pong")
	}
}

func TestAppendFrameHeader(t *testing.T) {
	for _, n := range frameSizes {
		h := appendFrameHeader(nil, opBinary, n)
		var got int
		switch h[1] {
		case 126:
			got = int(binary.BigEndian.Uint16(h[2:]))
		case 127:
			got = int(binary.BigEndian.Uint64(h[2:]))
		default:
			got = int(h[1])
		}
		wantLen := 2
		if n >= 126 {
			wantLen = 4
		}
		if n > 0xFFFF {
			wantLen = 10
		}
		if h[0] != finBit|opBinary || got != n || len(h) != wantLen || h[1]&0x80 != 0 {
			t.Errorf("%d bytes: header % x", n, h)
		}
	}
}
