package engineio

import (
	"bytes"
	"encoding/binary"
	"net"
	"strings"
	"testing"
	"time"

	"tankarena/internal/wstest"
)

// TestEndsWriteSplitsTheWrite: messages queued together go out in one write, except that
// one with EndsWrite is the last of its write. The writes are counted on the server's
// socket, since the client's reads cannot tell them apart.
func TestEndsWriteSplitsTheWrite(t *testing.T) {
	accepted := make(chan *wstest.CountedConn, 1)
	ts := startServerOn(t, Options{PingInterval: 10 * time.Minute}, false, func(l net.Listener) net.Listener {
		return wstest.CountingWrites{Listener: l, Accepted: accepted}
	})
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	conn, sess := <-accepted, ts.nextSession(t)

	send := func(msgs ...Message) (writes int64) {
		t.Helper()
		before := conn.RawWrites()
		if err := sess.Send(msgs...); err != nil { // all queued at once, before any is written
			t.Fatal(err)
		}
		for _, m := range msgs {
			expectMessage(t, c, m)
		}
		return conn.RawWrites() - before
	}
	if n := send(Message{Data: []byte("a")}, Message{Data: []byte("b")}, Message{Data: []byte("c")}); n != 1 {
		t.Errorf("3 messages took %d writes, want 1", n)
	}
	if n := send(Message{Data: []byte("a")}, Message{Data: []byte("b"), EndsWrite: true},
		Message{Binary: true, Data: []byte("c")}, Message{Data: []byte("d")}); n != 2 {
		t.Errorf("a, b (ends its write), c, d took %d writes, want 2", n)
	}
	if n := send(Message{Data: []byte("a"), EndsWrite: true}, Message{Data: []byte("b"), EndsWrite: true}); n != 2 {
		t.Errorf("two messages that end their writes took %d writes, want 2", n)
	}
	if n := send(Message{Data: []byte("a"), EndsWrite: true}); n != 1 {
		t.Errorf("one message took %d writes, want 1", n)
	}
}

// TestEndsWriteThroughTheWriter: when the socket is full, the writer goroutine splits its
// batch at the messages that end their writes; every message still arrives, whole and in
// order, once the client reads again.
func TestEndsWriteThroughTheWriter(t *testing.T) {
	ts := startServerOn(t, Options{PingInterval: 10 * time.Minute, WriteTimeout: time.Minute}, false,
		func(l net.Listener) net.Listener { return wstest.SmallSendBuffers{Listener: l} })
	c, _, err := wstest.StallingDialer.Dial("ws"+strings.TrimPrefix(ts.url("EIO=4&transport=websocket"), "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	readFrame(t, c)
	sess := ts.nextSession(t)
	message := func(i int) Message {
		data := bytes.Repeat([]byte{byte(i)}, 2<<10+i)
		binary.BigEndian.PutUint32(data, uint32(i))
		return Message{Binary: true, Data: data, EndsWrite: i%3 == 0}
	}
	const count = 40 // 80 KB: far more than the small socket buffers hold
	for i := range count {
		if err := sess.Send(message(i)); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	for i := range count {
		expectMessage(t, c, message(i))
	}
}
