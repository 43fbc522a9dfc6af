package client_test

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/realtime/client"
)

// acceptRoot answers the namespace request for "/" and then sends extra.
func acceptRoot(extra func(ws *websocket.Conn)) func(ws *websocket.Conn, msg string) {
	return func(ws *websocket.Conn, msg string) {
		if msg == "40" {
			sendText(ws, `40{"sid":"s1"}`)
			extra(ws)
		}
	}
}

func TestSilentServerMeansPingTimeout(t *testing.T) {
	// the server promises a ping every 50 ms (+50 ms grace) and never sends one
	srv := scriptedServer(50, 50, acceptRoot(func(*websocket.Conn) {}))
	defer srv.Close()
	_, s := newSocket(t, srv.URL, client.Options{}, "/", nil)
	reasons := make(chan string, 1)
	s.OnDisconnect(func(reason string) { reasons <- reason })
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if r := waitFor(t, reasons, "disconnect"); r != client.ReasonPingTimeout {
		t.Fatalf("reason = %q, want %q", r, client.ReasonPingTimeout)
	}
}

func TestMalformedServerInputClosesWithParseError(t *testing.T) {
	for name, send := range map[string]func(ws *websocket.Conn){
		"empty message":           func(ws *websocket.Conn) { sendText(ws, "") },
		"unknown engine type":     func(ws *websocket.Conn) { sendText(ws, "9") },
		"empty socket.io packet":  func(ws *websocket.Conn) { sendText(ws, "4") },
		"unknown socket.io type":  func(ws *websocket.Conn) { sendText(ws, "47") },
		"truncated json":          func(ws *websocket.Conn) { sendText(ws, `42["event",`) },
		"event not an array":      func(ws *websocket.Conn) { sendText(ws, `42{"a":1}`) },
		"event name not a string": func(ws *websocket.Conn) { sendText(ws, `42[1,2]`) },
		"empty event array":       func(ws *websocket.Conn) { sendText(ws, `42[]`) },
		"ack without id":          func(ws *websocket.Conn) { sendText(ws, `43[1]`) },
		"huge ack id":             func(ws *websocket.Conn) { sendText(ws, `4399999999999999999999["x"]`) },
		"attachment count absurd": func(ws *websocket.Conn) { sendText(ws, `459999-["x"]`) },
		"attachment count no dash": func(ws *websocket.Conn) {
			sendText(ws, `451["x",{"_placeholder":true,"num":0}]`)
		},
		"binary without packet": func(ws *websocket.Conn) { ws.WriteMessage(websocket.BinaryMessage, []byte{1}) },
		"raw event in place of an attachment": func(ws *websocket.Conn) {
			sendText(ws, `451-["y",{"_placeholder":true,"num":0}]`, `42["x",1]`)
		},
		"text instead of attachment": func(ws *websocket.Conn) {
			sendText(ws, `451-["x",{"_placeholder":true,"num":0}]`, `42["x"]`)
		},
		"disconnect with payload": func(ws *websocket.Conn) { sendText(ws, `41{"a":1}`) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := scriptedServer(25000, 20000, acceptRoot(send))
			defer srv.Close()
			_, s := newSocket(t, srv.URL, client.Options{}, "/", nil)
			s.On("x", func(*client.Event) {})
			// A raw handler skips the decoder only for a well-framed event: none of
			// these may reach it, and they must end the connection all the same.
			s.OnRaw("x", func(payload []byte, _ client.AckFunc) { t.Errorf("raw handler got %s", payload) })
			reasons := make(chan string, 1)
			s.OnDisconnect(func(reason string) { reasons <- reason })
			if err := s.Connect(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			if r := waitFor(t, reasons, "disconnect"); r != client.ReasonParseError {
				t.Fatalf("reason = %q, want %q", r, client.ReasonParseError)
			}
		})
	}
}

func TestPlaceholderWithoutAttachmentFailsDecodeOnly(t *testing.T) {
	// a placeholder pointing past the attachments is the handler's problem, not the connection's
	srv := scriptedServer(25000, 20000, acceptRoot(func(ws *websocket.Conn) {
		sendText(ws, `451-["x",{"_placeholder":true,"num":3}]`)
		ws.WriteMessage(websocket.BinaryMessage, []byte{1})
		sendText(ws, `42["y","still open"]`)
	}))
	defer srv.Close()
	_, s := newSocket(t, srv.URL, client.Options{}, "/", nil)
	rec := record(s, "x", "y")
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	var b []byte
	if err := rec.wait(t, "x").Decode(0, &b); err == nil {
		t.Fatalf("decoding a dangling placeholder gave %v, want an error", b)
	}
	var text string
	if err := rec.wait(t, "y").Scan(&text); err != nil || text != "still open" {
		t.Fatalf("next event = %q (%v)", text, err)
	}
}

func TestUnreachableServerGivesConnectErrors(t *testing.T) {
	// a port nobody listens on: grab one, then close it
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	opts := client.Options{Reconnect: true, ReconnectDelay: time.Millisecond, ReconnectAttempts: 2}
	_, s := newSocket(t, "http://"+addr, opts, "/", nil)
	events := make(chan *client.ConnectError, 8)
	s.OnConnectError(func(err *client.ConnectError) { events <- err })
	err = s.Connect(testCtx(t))
	var cerr *client.ConnectError
	if !errors.As(err, &cerr) || cerr.Err == nil {
		t.Fatalf("Connect = %v, want a *ConnectError with its cause", err)
	}
	if n := len(events); n != 3 {
		t.Fatalf("%d connect_error events, want 3 (first try and 2 retries)", n)
	}
}

func TestFullSendQueueFailsInsteadOfBlocking(t *testing.T) {
	// the server stops reading after accepting, so the writer cannot keep
	// up for long: a fast producer must meet the one-slot bound as an error
	stalled := make(chan struct{})
	srv := scriptedServer(25000, 20000, acceptRoot(func(*websocket.Conn) { <-stalled }))
	defer srv.Close()
	defer close(stalled)
	_, s := newSocket(t, srv.URL, client.Options{SendQueue: 1}, "/", nil)
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 256<<10)
	for i := 0; ; i++ {
		err := s.Emit("load", chunk)
		if errors.Is(err, client.ErrSendQueueFull) {
			t.Logf("queue full after %d emits of %d KiB", i, len(chunk)>>10)
			return
		}
		if err != nil {
			t.Fatalf("emit %d: %v", i, err)
		}
		if i > 4096 {
			t.Fatal("1 GiB went out to a server that reads nothing")
		}
	}
}
