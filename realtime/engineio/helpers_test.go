package engineio

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// waitLong bounds every wait in the tests. It is generous because the machine is shared, and
// stretches with its load (testenv.Patience); it only decides when a test gives up, never
// what counts as fast enough.
var waitLong = testenv.Patience(20 * time.Second)

// testSession is what the tests observe of one server-side session.
type testSession struct {
	*Session
	messages chan Message
	closed   chan string
}

// testServer is an engine with a recorder on every session, behind an httptest server.
type testServer struct {
	*Server
	http     *httptest.Server
	sessions chan *testSession
	echo     bool
}

// startServer serves an Engine.IO server with opts; with echo every message is sent back.
func startServer(t *testing.T, opts Options, echo bool) *testServer {
	t.Helper()
	return startServerOn(t, opts, echo, nil)
}

// startServerOn is startServer with the listener wrapped by wrap, if not nil.
func startServerOn(t *testing.T, opts Options, echo bool, wrap func(net.Listener) net.Listener) *testServer {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ts := &testServer{Server: NewServer(opts), sessions: make(chan *testSession, 64), echo: echo}
	ts.OnConnection(func(s *Session) {
		rec := &testSession{Session: s, messages: make(chan Message, 4096), closed: make(chan string, 1)}
		s.OnMessage(func(m Message) {
			rec.messages <- m
			if ts.echo {
				if err := s.Send(m); err != nil {
					t.Errorf("echo: %v", err)
				}
			}
		})
		s.OnClose(func(reason string) { rec.closed <- reason })
		ts.sessions <- rec
	})
	ts.http = httptest.NewUnstartedServer(ts.Server)
	if wrap != nil {
		ts.http.Listener = wrap(ts.http.Listener)
	}
	ts.http.Start()
	t.Cleanup(func() {
		ts.Server.Close()
		ts.http.Close()
	})
	return ts
}

// url returns the engine URL with the given query (EIO=4 is not implied).
func (ts *testServer) url(query string) string {
	return ts.http.URL + "/socket.io/?" + query
}

// nextSession waits for the next session to connect.
func (ts *testServer) nextSession(t *testing.T) *testSession {
	t.Helper()
	select {
	case s := <-ts.sessions:
		return s
	case <-time.After(waitLong):
		t.Fatal("no session connected")
		return nil
	}
}

// waitClosed waits for OnClose and returns its reason.
func (s *testSession) waitClosed(t *testing.T) string {
	t.Helper()
	select {
	case r := <-s.closed:
		return r
	case <-time.After(waitLong):
		t.Fatalf("session %s did not close", s.ID())
		return ""
	}
}

// nextMessage waits for the next message the session received.
func (s *testSession) nextMessage(t *testing.T) Message {
	t.Helper()
	select {
	case m := <-s.messages:
		return m
	case <-time.After(waitLong):
		t.Fatalf("session %s received no message", s.ID())
		return Message{}
	}
}

// openPacket is the decoded JSON of a handshake's open packet.
type openPacket struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int      `json:"pingInterval"`
	PingTimeout  int      `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

// pollingHandshake opens a polling session and returns its open packet.
func pollingHandshake(t *testing.T, ts *testServer) openPacket {
	t.Helper()
	status, body := do(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "")
	if status != http.StatusOK || !strings.HasPrefix(body, "0") {
		t.Fatalf("handshake: %d %q", status, body)
	}
	var open openPacket
	if err := json.Unmarshal([]byte(strings.TrimPrefix(body, "0")), &open); err != nil {
		t.Fatalf("open packet %q: %v", body, err)
	}
	return open
}

// do sends one request and returns the status and body.
func do(t *testing.T, method, target, body string) (int, string) {
	t.Helper()
	resp := doResponse(t, method, target, body, nil)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, target, err)
	}
	return resp.StatusCode, string(b)
}

// doResponse sends one request with extra headers and returns the response, whose body is
// closed at the end of the test.
func doResponse(t *testing.T, method, target, body string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if method == http.MethodPost && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	client := &http.Client{Timeout: waitLong}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// sessionURL is the polling URL of an open session.
func (ts *testServer) sessionURL(sid string) string {
	return ts.url("EIO=4&transport=polling&sid=" + url.QueryEscape(sid))
}
