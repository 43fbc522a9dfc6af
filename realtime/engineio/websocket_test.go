package engineio

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// dialWebSocket opens a websocket to the engine with query.
func dialWebSocket(t *testing.T, ts *testServer, query string, header http.Header) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(ts.url(query), "http")
	c, resp, err := websocket.DefaultDialer.Dial(u, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", u, err, status)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readFrame reads one frame, failing the test after waitLong.
func readFrame(t *testing.T, c *websocket.Conn) (int, string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	kind, data, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return kind, string(data)
}

func writeFrameT(t *testing.T, c *websocket.Conn, kind int, data string) {
	t.Helper()
	if err := c.WriteMessage(kind, []byte(data)); err != nil {
		t.Fatalf("write %q: %v", data, err)
	}
}

func TestWebSocketDirectEcho(t *testing.T) {
	ts := startServer(t, Options{}, true)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	kind, open := readFrame(t, c)
	var op openPacket
	if kind != websocket.TextMessage || !strings.HasPrefix(open, "0") || json.Unmarshal([]byte(open[1:]), &op) != nil ||
		len(op.Upgrades) != 0 || op.PingInterval != 25000 {
		t.Fatalf("open frame %d %q", kind, open)
	}
	sess := ts.nextSession(t)
	if sess.Transport() != TransportWebSocket || sess.ID() != op.SID {
		t.Errorf("session %q transport %q", sess.ID(), sess.Transport())
	}

	writeFrameT(t, c, websocket.TextMessage, "4héllo ✓")
	writeFrameT(t, c, websocket.BinaryMessage, "\x00\x01\xff")
	if kind, got := readFrame(t, c); kind != websocket.TextMessage || got != "4héllo ✓" {
		t.Errorf("text echo %d %q", kind, got)
	}
	if kind, got := readFrame(t, c); kind != websocket.BinaryMessage || got != "\x00\x01\xff" {
		t.Errorf("binary echo %d %q", kind, got)
	}
	if m := sess.nextMessage(t); m.Binary || string(m.Data) != "héllo ✓" {
		t.Errorf("first message %+v", m)
	}
	if m := sess.nextMessage(t); !m.Binary || !bytes.Equal(m.Data, []byte{0, 1, 255}) {
		t.Errorf("second message %+v", m)
	}

	writeFrameT(t, c, websocket.TextMessage, "1")
	if reason := sess.waitClosed(t); reason != ReasonTransportClose {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportClose)
	}
}

func TestWebSocketBadInputClosesOnlyThatSession(t *testing.T) {
	ts := startServer(t, Options{MaxPayload: 100}, true)
	good := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, good)
	goodSess := ts.nextSession(t)

	for _, tt := range []struct {
		name, frame string
		reason      string
	}{
		{"unknown packet type", "9junk", ReasonParseError},
		{"empty text frame", "", ReasonParseError},
		{"bad base64", "b***", ReasonParseError},
		{"frame over MaxPayload", "4" + strings.Repeat("x", 500), ReasonTransportError},
		{"ping from client", "2", ReasonTransportError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
			readFrame(t, c)
			sess := ts.nextSession(t)
			writeFrameT(t, c, websocket.TextMessage, tt.frame)
			if reason := sess.waitClosed(t); reason != tt.reason {
				t.Errorf("close reason %q, want %q", reason, tt.reason)
			}
			_ = c.SetReadDeadline(time.Now().Add(waitLong))
			if _, _, err := c.ReadMessage(); err == nil {
				t.Error("connection still open after the bad frame")
			}
		})
	}

	writeFrameT(t, good, websocket.TextMessage, "4alive")
	if _, got := readFrame(t, good); got != "4alive" {
		t.Errorf("other session echo %q", got)
	}
	if m := goodSess.nextMessage(t); string(m.Data) != "alive" {
		t.Errorf("other session got %q", m.Data)
	}
}

func TestWebSocketHeartbeat(t *testing.T) {
	// Answered pings keep the session; the timeout is long so a slow machine cannot make
	// the answering client look dead.
	ts := startServer(t, Options{PingInterval: 20 * time.Millisecond, PingTimeout: waitLong}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	for range 3 {
		if _, got := readFrame(t, c); got != "2" {
			t.Fatalf("frame %q, want a ping", got)
		}
		writeFrameT(t, c, websocket.TextMessage, "3")
	}
	select {
	case reason := <-sess.closed:
		t.Fatalf("answering client was closed: %s", reason)
	default:
	}
}

func TestWebSocketPingTimeout(t *testing.T) {
	ts := startServer(t, Options{PingInterval: 20 * time.Millisecond, PingTimeout: 50 * time.Millisecond}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	if _, got := readFrame(t, c); got != "2" {
		t.Fatalf("frame %q, want a ping", got)
	}
	// Silent from here on: the ping goes unanswered.
	if reason := sess.waitClosed(t); reason != ReasonPingTimeout {
		t.Errorf("close reason %q, want %q", reason, ReasonPingTimeout)
	}
}

func TestWebSocketServerClose(t *testing.T) {
	ts := startServer(t, Options{}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	if err := sess.Send(Message{Data: []byte("last words")}); err != nil {
		t.Fatal(err)
	}
	sess.Close(ReasonForcedClose)
	if _, got := readFrame(t, c); got != "4last words" {
		t.Errorf("frame %q, want the queued message before the close", got)
	}
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("read after Close: %v, want a normal close frame", err)
	}
	if reason := sess.waitClosed(t); reason != ReasonForcedClose {
		t.Errorf("close reason %q", reason)
	}
}

// TestWebSocketOriginCheck covers new websocket sessions and upgrades of polling ones: a
// refused origin gets the reference's answer to any refused upgrade, 400 "Forbidden".
func TestWebSocketOriginCheck(t *testing.T) {
	ts := startServer(t, Options{CORS: CORSOptions{AllowedOrigins: []string{"http://game.lan"}}}, false)
	for _, tt := range []struct {
		origin string
		ok     bool
	}{
		{"http://game.lan", true},
		{ts.http.URL, true}, // same origin
		{"", true},          // not a browser
		{"http://evil.example", false},
	} {
		for _, query := range []string{"", "&sid=" + pollingHandshake(t, ts).SID} {
			u := "ws" + strings.TrimPrefix(ts.url("EIO=4&transport=websocket"+query), "http")
			header := http.Header{}
			if tt.origin != "" {
				header.Set("Origin", tt.origin)
			}
			c, resp, err := websocket.DefaultDialer.Dial(u, header)
			if (err == nil) != tt.ok {
				t.Errorf("origin %q%s: err %v, want ok=%v", tt.origin, query, err, tt.ok)
			}
			if c != nil {
				c.Close()
			}
			if err == nil || resp == nil {
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest || string(body) != "Forbidden" {
				t.Errorf("origin %q%s: %d %q, want 400 \"Forbidden\"", tt.origin, query, resp.StatusCode, body)
			}
		}
	}
	if got := ts.Stats().Rejected.Forbidden; got != 2 {
		t.Errorf("Stats().Rejected.Forbidden = %d, want 2", got)
	}
}

func TestWebSocketUpgradeErrors(t *testing.T) {
	ts := startServer(t, Options{}, false)
	u := "ws" + strings.TrimPrefix(ts.url("EIO=4&transport=websocket&sid=unknown"), "http")
	_, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("upgrade with unknown sid: %v %v", err, resp)
	}
	buf := new(bytes.Buffer)
	_, _ = buf.ReadFrom(resp.Body)
	if buf.String() != "Session ID unknown" {
		t.Errorf("body %q", buf)
	}
}

// TestUpgradeFromPolling walks the upgrade by hand: probe, pause, "5", and checks that a
// message queued during the upgrade arrives over the websocket, after the earlier ones.
func TestUpgradeFromPolling(t *testing.T) {
	ts := startServer(t, Options{}, false)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)

	parked := make(chan string, 1)
	go func() {
		_, body := do(t, "GET", ts.sessionURL(sid), "")
		parked <- body
	}()
	waitFor(t, "the poll to park", func() bool { return pollParked(sess.Session) })

	c := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, nil)
	writeFrameT(t, c, websocket.TextMessage, "2probe")
	if _, got := readFrame(t, c); got != "3probe" {
		t.Fatalf("probe answer %q", got)
	}
	if body := <-parked; body != "6" {
		t.Errorf("parked poll released with %q, want a noop", body)
	}
	if err := sess.Send(Message{Data: []byte("during upgrade")}); err != nil {
		t.Fatal(err)
	}
	if sess.Transport() != TransportPolling {
		t.Error("transport switched before the client's upgrade packet")
	}
	writeFrameT(t, c, websocket.TextMessage, "5")
	if _, got := readFrame(t, c); got != "4during upgrade" {
		t.Errorf("first websocket frame %q, want the message queued during the upgrade", got)
	}
	if sess.Transport() != TransportWebSocket {
		t.Errorf("transport %q after upgrade", sess.Transport())
	}
	if status, _ := do(t, "GET", ts.sessionURL(sid), ""); status != http.StatusBadRequest {
		t.Errorf("poll after upgrade: status %d, want 400", status)
	}
	writeFrameT(t, c, websocket.TextMessage, "4over ws")
	if m := sess.nextMessage(t); string(m.Data) != "over ws" {
		t.Errorf("message %q", m.Data)
	}
	// A second upgrade attempt is refused; the session is unaffected.
	c2 := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, nil)
	_ = c2.SetReadDeadline(time.Now().Add(waitLong))
	if _, _, err := c2.ReadMessage(); err == nil {
		t.Error("second upgrade websocket was not closed")
	}
	if ts.Count() != 1 {
		t.Errorf("Count() = %d", ts.Count())
	}
}

func TestUpgradeAbortedByJunkKeepsPolling(t *testing.T) {
	ts := startServer(t, Options{}, true)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, nil)
	writeFrameT(t, c, websocket.TextMessage, "4not a probe")
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	if _, _, err := c.ReadMessage(); err == nil {
		t.Error("probe websocket stayed open after junk")
	}
	if status, _ := do(t, "POST", ts.sessionURL(sid), "4still polling"); status != http.StatusOK {
		t.Errorf("POST: %d", status)
	}
	if m := sess.nextMessage(t); string(m.Data) != "still polling" {
		t.Errorf("message %q", m.Data)
	}
}

func TestStalledWriteClosesSession(t *testing.T) {
	ts := startServer(t, Options{WriteTimeout: 100 * time.Millisecond, SendQueueSize: 1 << 20}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c) // then never read again: the socket buffers fill and writes stall
	sess := ts.nextSession(t)
	big := Message{Binary: true, Data: make([]byte, 256<<10)}
	deadline := time.Now().Add(waitLong)
	for sess.Send(big) == nil {
		if time.Now().After(deadline) {
			t.Fatal("session still accepting sends although its client reads nothing")
		}
		time.Sleep(time.Millisecond)
	}
	if reason := sess.waitClosed(t); reason != ReasonTransportError {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportError)
	}
}

func TestConcurrentSendsAndClose(t *testing.T) {
	// Room for every send: on a loaded machine the writer may not run before they are all
	// queued, and this test is about sends racing a close, not about the queue's bound.
	ts := startServer(t, Options{SendQueueSize: 8 * 200}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	sess := ts.nextSession(t)
	go func() { // drain until the server closes
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				if err := sess.Send(Message{Data: []byte{byte('a' + g), byte(i)}}); err != nil {
					return // ErrClosed once the close below lands
				}
				if g == 0 && i == 100 {
					sess.Close(ReasonForcedClose)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	if reason := sess.waitClosed(t); reason != ReasonForcedClose {
		t.Errorf("close reason %q", reason)
	}
	select {
	case r := <-sess.closed:
		t.Errorf("OnClose called twice (second: %q)", r)
	case <-time.After(50 * time.Millisecond):
	}
}
