package engineio

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/wstest"
)

// cutFrame leaves sess's websocket in the middle of a frame, as a flusher does when the
// socket takes only part of its write: owning the session's writes as a flusher does, it
// writes numbered messages without waiting until one goes out only in part, and returns
// every message that went out, whole or in part. The writer goroutine that would finish the
// cut frame is not started: the caller starts it when it chooses.
func cutFrame(t *testing.T, sess *Session) [][]byte {
	t.Helper()
	sess.mu.Lock()
	defer sess.mu.Unlock()
	sess.writing = true
	var sent [][]byte
	for i := 0; ; i++ {
		data := bytes.Repeat([]byte{byte(i)}, 60007) // not a round size: the socket fills inside a frame
		written, all := sess.writeNowLocked([]packet{{typ: packetMessage, binary: true, data: data}})
		if !written {
			t.Fatalf("the socket filled at a frame boundary after %d messages", i)
		}
		sent = append(sent, data)
		if !all {
			return sent
		}
	}
}

// startCutFrameServer serves sessions whose socket fills after a little data (the server's
// send buffer is small) while their client does not read, and empties fast when it does
// (the client's receive buffer is not).
func startCutFrameServer(t *testing.T) *testServer {
	t.Helper()
	return startServerOn(t, Options{PingInterval: time.Hour, PingTimeout: time.Hour}, false,
		func(l net.Listener) net.Listener { return wstest.SmallSendBuffers{Listener: l} })
}

// dialSession opens a websocket session.
func dialSession(t *testing.T, ts *testServer) (*websocket.Conn, *testSession) {
	t.Helper()
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	return c, ts.nextSession(t)
}

// readWhole reads sent back in order, each whole; it runs on a goroutine of its own.
func readWhole(c *websocket.Conn, sent [][]byte) error {
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	for i, want := range sent {
		kind, got, err := c.ReadMessage()
		if err != nil {
			return fmt.Errorf("message %d of %d: %w", i, len(sent), err)
		}
		if kind != websocket.BinaryMessage || !bytes.Equal(got, want) {
			return fmt.Errorf("message %d of %d: kind %d, %d bytes, not the %d bytes sent", i, len(sent), kind, len(got), len(want))
		}
	}
	return nil
}

// TestPongWaitsForACutFrame answers a client's ping while a frame has gone out only in
// part: the pong must follow the whole frame, not land inside it.
func TestPongWaitsForACutFrame(t *testing.T) {
	ts := startCutFrameServer(t)
	c, sess := dialSession(t, ts)
	sent := cutFrame(t, sess.Session)
	ws := sess.ws

	pongs := make(chan string, 1)
	c.SetPongHandler(func(data string) error { pongs <- data; return nil })
	read := make(chan struct{})
	go func() { // the client reads again, while the server answers its ping
		defer close(read)
		if err := readWhole(c, sent); err != nil {
			t.Error(err)
			return
		}
		if _, got, err := c.ReadMessage(); err != nil || string(got) != "4after" {
			t.Errorf("after the cut frame and the pong: %q, %v", got, err)
		}
	}()
	ws.pong([]byte("ping data")) // what the reader does with a client's ping
	go sess.writeLoop(ws)        // what the flusher started after its partial write
	if err := sess.Send(Message{Data: []byte("after")}); err != nil {
		t.Fatal(err)
	}
	<-read
	if t.Failed() {
		return
	}
	select {
	case got := <-pongs:
		if got != "ping data" {
			t.Errorf("pong %q", got)
		}
	default:
		t.Error("no pong before the next message")
	}
}

// TestCloseFrameWaitsForACutFrame closes a session while a frame has gone out only in part:
// the close frame must follow the whole frame, not land inside it.
func TestCloseFrameWaitsForACutFrame(t *testing.T) {
	ts := startCutFrameServer(t)
	c, sess := dialSession(t, ts)
	sent := cutFrame(t, sess.Session)
	ws := sess.ws

	read := make(chan struct{})
	go func() {
		defer close(read)
		if err := readWhole(c, sent); err != nil {
			t.Error(err)
			return
		}
		_, _, err := c.ReadMessage()
		var closeErr *websocket.CloseError
		if !errors.As(err, &closeErr) || closeErr.Code != websocket.CloseNormalClosure {
			t.Errorf("after the cut frame: %v, want a normal close frame", err)
		}
	}()
	sess.closeNow(ReasonForcedClose) // before the writer the flusher started gets the session
	go sess.writeLoop(ws)
	<-read
	sess.waitClosed(t)
}
