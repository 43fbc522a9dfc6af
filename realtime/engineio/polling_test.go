package engineio

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// pollUntil polls until the concatenated payloads contain want, skipping pings.
func pollUntil(t *testing.T, ts *testServer, sid string, want ...string) {
	t.Helper()
	var got []string
	for len(got) < len(want) {
		status, body := do(t, "GET", ts.sessionURL(sid), "")
		if status != http.StatusOK {
			t.Fatalf("poll: %d %q", status, body)
		}
		for _, p := range strings.Split(body, "\x1e") {
			if p != "2" && p != "6" {
				got = append(got, p)
			}
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("polled %q, want %q", got, want)
	}
}

func TestPollingEcho(t *testing.T) {
	ts := startServer(t, Options{}, true)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)

	resp := doResponse(t, "POST", ts.sessionURL(sid), "4héllo 🚀\x1ebAAEC/w==\x1e4", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" || resp.Header.Get("Content-Type") != "text/html" {
		t.Fatalf("POST: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	want := []Message{{Data: []byte("héllo 🚀")}, {Binary: true, Data: []byte{0, 1, 2, 255}}, {Data: []byte{}}}
	for i, w := range want {
		if m := sess.nextMessage(t); m.Binary != w.Binary || !bytes.Equal(m.Data, w.Data) {
			t.Errorf("message %d = %+v, want %+v", i, m, w)
		}
	}
	pollUntil(t, ts, sid, "4héllo 🚀", "bAAEC/w==", "4")
}

func TestPollReturnsWhenSomethingIsQueued(t *testing.T) {
	ts := startServer(t, Options{}, false)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	result := make(chan string, 1)
	go func() {
		_, body := do(t, "GET", ts.sessionURL(sid), "")
		result <- body
	}()
	waitFor(t, "the poll to park", func() bool { return pollParked(sess.Session) })
	if !sess.SendVolatile(Message{Data: []byte("first")}) {
		t.Error("SendVolatile refused although a poll is parked")
	}
	if err := sess.Send(Message{Data: []byte("second")}, Message{Binary: true, Data: []byte("3")}); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-result:
		// The parked poll may leave with "first" alone or with everything.
		if body != "4first" && body != "4first\x1e4second\x1ebMw==" {
			t.Errorf("poll body %q", body)
		}
	case <-time.After(waitLong):
		t.Fatal("parked poll did not return")
	}
}

func TestSendVolatileDropsWithoutParkedPoll(t *testing.T) {
	ts := startServer(t, Options{}, false)
	pollingHandshake(t, ts)
	sess := ts.nextSession(t)
	if sess.SendVolatile(Message{Data: []byte("x")}) {
		t.Error("SendVolatile accepted a message with no poll parked")
	}
}

func TestConcurrentPollClosesSession(t *testing.T) {
	ts := startServer(t, Options{}, false)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	first := make(chan string, 1)
	go func() {
		_, body := do(t, "GET", ts.sessionURL(sid), "")
		first <- body
	}()
	waitFor(t, "the first poll to park", func() bool { return pollParked(sess.Session) })
	if status, _ := do(t, "GET", ts.sessionURL(sid), ""); status != http.StatusBadRequest {
		t.Errorf("second poll: status %d, want 400", status)
	}
	if reason := sess.waitClosed(t); reason != ReasonTransportError {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportError)
	}
	if body := <-first; body != "1" {
		t.Errorf("first poll got %q, want the close packet", body)
	}
	if !errors.Is(sess.Send(Message{Data: []byte("late")}), ErrClosed) {
		t.Error("Send to a closed session did not return ErrClosed")
	}
}

// A client that leaves sends the close packet while its poll is parked: the reference
// releases that poll with a noop (polling.js onClose) and ends the session; a close packet
// would tell the client of a close it asked for itself.
func TestClientClosePacketReleasesPollWithNoop(t *testing.T) {
	ts := startServer(t, Options{}, false)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	parked := make(chan string, 1)
	go func() {
		_, body := do(t, "GET", ts.sessionURL(sid), "")
		parked <- body
	}()
	waitFor(t, "the poll to park", func() bool { return pollParked(sess.Session) })
	if status, body := do(t, "POST", ts.sessionURL(sid), "1"); status != http.StatusOK || body != "ok" {
		t.Errorf("close POST: %d %q", status, body)
	}
	select {
	case body := <-parked:
		if body != "6" {
			t.Errorf("parked poll got %q, want a noop (6)", body)
		}
	case <-time.After(waitLong):
		t.Fatal("the parked poll was not released")
	}
	if reason := sess.waitClosed(t); reason != ReasonTransportClose {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportClose)
	}
	if status, _ := do(t, "GET", ts.sessionURL(sid), ""); status != http.StatusBadRequest {
		t.Errorf("poll after the close: status %d, want 400", status)
	}
}

func TestOversizePost(t *testing.T) {
	ts := startServer(t, Options{MaxPayload: 64}, true)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)

	big := "4" + strings.Repeat("x", 200)
	if status, _ := do(t, "POST", ts.sessionURL(sid), big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize POST with Content-Length: status %d, want 413", status)
	}
	// Without a Content-Length (chunked), the limit applies to what arrives.
	req, _ := http.NewRequest("POST", ts.sessionURL(sid), io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize chunked POST: status %d, want 413", resp.StatusCode)
	}
	// The session survives, as in the reference, and a payload within the limit works.
	if status, body := do(t, "POST", ts.sessionURL(sid), "4small"); status != http.StatusOK || body != "ok" {
		t.Errorf("POST after refusal: %d %q", status, body)
	}
	if m := sess.nextMessage(t); string(m.Data) != "small" {
		t.Errorf("message %q, want small", m.Data)
	}
}

func TestMalformedPostClosesOnlyThatSession(t *testing.T) {
	ts := startServer(t, Options{}, false)
	bad := pollingHandshake(t, ts).SID
	badSess := ts.nextSession(t)
	good := pollingHandshake(t, ts).SID
	goodSess := ts.nextSession(t)

	if status, body := do(t, "POST", ts.sessionURL(bad), "4before\x1e9junk\x1e4after"); status != http.StatusOK || body != "ok" {
		t.Errorf("malformed POST: %d %q", status, body)
	}
	if m := badSess.nextMessage(t); string(m.Data) != "before" {
		t.Errorf("message before the junk = %q", m.Data)
	}
	if reason := badSess.waitClosed(t); reason != ReasonParseError {
		t.Errorf("close reason %q, want %q", reason, ReasonParseError)
	}
	select {
	case m := <-badSess.messages:
		t.Errorf("message after the junk was delivered: %q", m.Data)
	default:
	}

	if status, _ := do(t, "POST", ts.sessionURL(good), "4still fine"); status != http.StatusOK {
		t.Errorf("other session POST: status %d", status)
	}
	if m := goodSess.nextMessage(t); string(m.Data) != "still fine" {
		t.Errorf("other session got %q", m.Data)
	}
}

func TestBadPostBodies(t *testing.T) {
	ts := startServer(t, Options{}, false)
	for _, tt := range []struct {
		name, body, contentType string
		status                  int
		reason                  string
	}{
		{"empty body", "", "text/plain", http.StatusOK, ReasonParseError},
		{"bad base64", "b%%%", "text/plain", http.StatusOK, ReasonParseError},
		{"ping from client", "2", "text/plain", http.StatusOK, ReasonTransportError},
		{"binary content type", "4x", "application/octet-stream", http.StatusBadRequest, ReasonTransportError},
		{"close packet", "1", "text/plain", http.StatusOK, ReasonTransportClose},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sid := pollingHandshake(t, ts).SID
			sess := ts.nextSession(t)
			resp := doResponse(t, "POST", ts.sessionURL(sid), tt.body, http.Header{"Content-Type": {tt.contentType}})
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if reason := sess.waitClosed(t); reason != tt.reason {
				t.Errorf("close reason %q, want %q", reason, tt.reason)
			}
		})
	}
}

func TestSendQueueFull(t *testing.T) {
	ts := startServer(t, Options{SendQueueSize: 3}, false)
	pollingHandshake(t, ts)
	sess := ts.nextSession(t)
	m := Message{Data: []byte("m")}
	if err := sess.Send(m, m); err != nil {
		t.Fatal(err)
	}
	if err := sess.Send(m, m); !errors.Is(err, ErrQueueFull) {
		t.Errorf("Send over the limit: %v, want ErrQueueFull", err)
	}
	if reason := sess.waitClosed(t); reason != ReasonTransportError {
		t.Errorf("close reason %q, want %q", reason, ReasonTransportError)
	}
	if err := sess.Send(m); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after overflow: %v, want ErrClosed", err)
	}
}

func TestSessionCloseFlushesOverPolling(t *testing.T) {
	ts := startServer(t, Options{}, false)
	sid := pollingHandshake(t, ts).SID
	sess := ts.nextSession(t)
	if err := sess.Send(Message{Data: []byte("bye")}); err != nil {
		t.Fatal(err)
	}
	sess.Close(ReasonForcedClose)
	sess.Close(ReasonForcedClose) // idempotent
	if err := sess.Send(Message{Data: []byte("too late")}); !errors.Is(err, ErrClosed) {
		t.Errorf("Send while closing: %v, want ErrClosed", err)
	}
	if _, body := do(t, "GET", ts.sessionURL(sid), ""); body != "4bye\x1e1" {
		t.Errorf("final poll %q, want the queued message then the close packet", body)
	}
	if reason := sess.waitClosed(t); reason != ReasonForcedClose {
		t.Errorf("close reason %q", reason)
	}
	if status, _ := do(t, "GET", ts.sessionURL(sid), ""); status != http.StatusBadRequest {
		t.Errorf("poll after close: status %d, want 400", status)
	}
}

func TestPollingHeartbeat(t *testing.T) {
	// A client that answers every ping stays connected. The timeout is long so that a slow
	// machine cannot make this client look dead.
	ts := startServer(t, Options{PingInterval: 20 * time.Millisecond, PingTimeout: waitLong}, false)
	live := pollingHandshake(t, ts).SID
	liveSess := ts.nextSession(t)
	for pings := 0; pings < 3; {
		_, body := do(t, "GET", ts.sessionURL(live), "")
		if body == "2" {
			pings++
			if status, _ := do(t, "POST", ts.sessionURL(live), "3"); status != http.StatusOK {
				t.Fatalf("pong: status %d", status)
			}
		}
	}
	select {
	case reason := <-liveSess.closed:
		t.Fatalf("answering client was closed: %s", reason)
	default:
	}
}

func TestPollingPingTimeout(t *testing.T) {
	// A client that takes the ping and goes silent is closed for it.
	ts := startServer(t, Options{PingInterval: 20 * time.Millisecond, PingTimeout: 50 * time.Millisecond}, false)
	silent := pollingHandshake(t, ts).SID
	silentSess := ts.nextSession(t)
	if _, body := do(t, "GET", ts.sessionURL(silent), ""); body != "2" {
		t.Errorf("poll got %q, want a ping", body)
	}
	if reason := silentSess.waitClosed(t); reason != ReasonPingTimeout {
		t.Errorf("close reason %q, want %q", reason, ReasonPingTimeout)
	}
}

// pollParked reports whether a GET is parked on s.
func pollParked(s *Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pollWaiting
}

// waitFor polls cond until it holds, failing the test after waitLong.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
