package engineio

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestWebSocketOverTLS runs a websocket session over TLS, where the connection has no file
// descriptor of its own: writes all go through the writer goroutine and the reader cannot
// be parked, so it keeps waiting through idle spells. Messages still flow both ways after
// the client has been idle long enough for a plain connection to be parked, and the close
// frame still arrives.
func TestWebSocketOverTLS(t *testing.T) {
	eio := NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	sessions := make(chan *Session, 1)
	eio.OnConnection(func(s *Session) {
		s.OnMessage(func(m Message) { _ = s.Send(m) })
		sessions <- s
	})
	srv := httptest.NewTLSServer(eio)
	t.Cleanup(func() { eio.Close(); srv.Close() })

	dialer := websocket.Dialer{TLSClientConfig: srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()}
	dialer.TLSClientConfig.MinVersion = tls.VersionTLS12
	c, _, err := dialer.Dial("wss"+strings.TrimPrefix(srv.URL, "https")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	readFrame(t, c)
	var sess *Session
	select {
	case sess = <-sessions:
	case <-time.After(waitLong):
		t.Fatal("no session")
	}
	if sess.ws.raw != nil {
		t.Fatal("a TLS connection with a raw socket: this test would not test TLS")
	}

	writeFrameT(t, c, websocket.TextMessage, "4before")
	if _, got := readFrame(t, c); got != "4before" {
		t.Fatalf("echo %q", got)
	}
	time.Sleep(1500 * time.Millisecond) // idle past the reader's idle deadline (Linux: parkIdleAfter)
	writeFrameT(t, c, websocket.TextMessage, "4after an idle spell")
	if _, got := readFrame(t, c); got != "4after an idle spell" {
		t.Fatalf("echo %q", got)
	}
	if err := sess.Send(Message{Binary: true, Data: []byte{1, 2, 3}}); err != nil {
		t.Fatal(err)
	}
	if kind, got := readFrame(t, c); kind != websocket.BinaryMessage || got != "\x01\x02\x03" {
		t.Fatalf("frame %d %q", kind, got)
	}
	sess.Close(ReasonForcedClose)
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	if _, _, err := c.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("client read %v, want a normal close frame", err)
	}
}
