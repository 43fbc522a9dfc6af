package engineio

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestPollingHandshake(t *testing.T) {
	ts := startServer(t, Options{}, false)
	resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", nil)
	if got := resp.Header.Get("Content-Type"); got != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type = %q", got)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.HasPrefix(string(body), "0{") {
		t.Fatalf("body = %q, want an open packet", body)
	}
	var open openPacket
	if err := json.Unmarshal(body[1:], &open); err != nil {
		t.Fatal(err)
	}
	if len(open.SID) < 20 || !slices.Equal(open.Upgrades, []string{"websocket"}) ||
		open.PingInterval != 25000 || open.PingTimeout != 20000 || open.MaxPayload != 1000000 {
		t.Errorf("open packet = %+v", open)
	}
	sess := ts.nextSession(t)
	if sess.ID() != open.SID || sess.Transport() != TransportPolling || ts.Count() != 1 {
		t.Errorf("session id %q transport %q count %d", sess.ID(), sess.Transport(), ts.Count())
	}
	if other := pollingHandshake(t, ts); other.SID == open.SID {
		t.Errorf("two sessions share sid %q", open.SID)
	}
}

func TestRequestErrors(t *testing.T) {
	ts := startServer(t, Options{
		AllowRequest: func(r *http.Request) error {
			if r.URL.Query().Get("token") == "bad" {
				return errors.New("no entry")
			}
			return nil
		},
	}, false)
	sid := pollingHandshake(t, ts).SID
	tests := []struct {
		name, method, query string
		status              int
		code                int
		message             string
	}{
		{"no transport", "GET", "EIO=4", 400, 0, "Transport unknown"},
		{"unknown transport", "GET", "EIO=4&transport=carrier-pigeon", 400, 0, "Transport unknown"},
		{"webtransport", "GET", "EIO=4&transport=webtransport", 400, 0, "Transport unknown"},
		{"garbage query", "GET", "%zz&&==;transport=polling", 400, 0, "Transport unknown"},
		{"unknown sid", "GET", "EIO=4&transport=polling&sid=nope", 400, 1, "Session ID unknown"},
		{"unknown sid post", "POST", "EIO=4&transport=polling&sid=nope", 400, 1, "Session ID unknown"},
		{"post handshake", "POST", "EIO=4&transport=polling", 400, 2, "Bad handshake method"},
		{"put handshake", "PUT", "EIO=4&transport=polling", 400, 2, "Bad handshake method"},
		{"websocket without upgrade", "GET", "EIO=4&transport=websocket", 400, 3, "Bad request"},
		{"wrong EIO for a session", "GET", "EIO=3&transport=polling&sid=" + sid, 400, 3, "Bad request"},
		{"transport mismatch", "GET", "EIO=4&transport=websocket&sid=" + sid, 400, 3, "Bad request"},
		{"forbidden", "GET", "EIO=4&transport=polling&token=bad", 403, 4, "Forbidden"},
		{"missing EIO", "GET", "transport=polling", 400, 5, "Unsupported protocol version"},
		{"EIO 3", "GET", "EIO=3&transport=polling", 400, 5, "Unsupported protocol version"},
		{"EIO garbage", "GET", "EIO=4x&transport=polling", 400, 5, "Unsupported protocol version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := doResponse(t, tt.method, ts.url(tt.query), "", nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("status %d type %q, want %d application/json", resp.StatusCode, resp.Header.Get("Content-Type"), tt.status)
			}
			var got struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(body, &got); err != nil || got.Code != tt.code || got.Message != tt.message {
				t.Errorf("body %q (%v), want code %d message %q", body, err, tt.code, tt.message)
			}
		})
	}
	if ts.Count() != 1 {
		t.Errorf("after refused requests Count() = %d, want the 1 good session", ts.Count())
	}
	got := ts.Stats().Rejected
	want := RejectStats{BadRequest: 12, Forbidden: 1, UnknownSID: 2}
	if got != want {
		t.Errorf("Stats().Rejected = %+v, want %+v", got, want)
	}
}

func TestOutsidePathIsNotFound(t *testing.T) {
	ts := startServer(t, Options{}, false)
	if status, _ := do(t, "GET", ts.http.URL+"/elsewhere/?EIO=4&transport=polling", ""); status != http.StatusNotFound {
		t.Errorf("status %d, want 404", status)
	}
}

func TestMountedUnderChi(t *testing.T) {
	eio := NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer eio.Close()
	r := chi.NewRouter()
	r.Handle("/socket.io/*", eio)
	srv := httptest.NewServer(r)
	defer srv.Close()
	status, body := do(t, "GET", srv.URL+"/socket.io/?EIO=4&transport=polling", "")
	if status != http.StatusOK || !strings.HasPrefix(body, `0{"sid":"`) {
		t.Errorf("handshake through chi: %d %q", status, body)
	}
}

func TestCORS(t *testing.T) {
	ts := startServer(t, Options{CORS: CORSOptions{
		AllowedOrigins:   []string{"http://game.lan:3000"},
		AllowCredentials: true,
	}}, false)
	allowed := http.Header{"Origin": {"http://game.lan:3000"}}

	resp := doResponse(t, "GET", ts.url("EIO=4&transport=polling"), "", allowed)
	if resp.Header.Get("Access-Control-Allow-Origin") != "http://game.lan:3000" ||
		resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("allowed origin: headers %v", resp.Header)
	}

	preflight := http.Header{
		"Origin":                         {"http://game.lan:3000"},
		"Access-Control-Request-Method":  {"POST"},
		"Access-Control-Request-Headers": {"content-type"},
	}
	resp = doResponse(t, "OPTIONS", ts.url("EIO=4&transport=polling"), "", preflight)
	if resp.StatusCode != http.StatusNoContent ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET,HEAD,PUT,PATCH,POST,DELETE" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "content-type" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}

	resp = doResponse(t, "GET", ts.url("EIO=4&transport=polling"), "", http.Header{"Origin": {"http://evil.example"}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("other origin: %d %v", resp.StatusCode, resp.Header)
	}
	resp = doResponse(t, "OPTIONS", ts.url("EIO=4&transport=polling"), "", http.Header{
		"Origin": {"http://evil.example"}, "Access-Control-Request-Method": {"POST"}})
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from other origin: %d %v", resp.StatusCode, resp.Header)
	}

	// Errors carry CORS headers too, so a browser can read why it was refused.
	resp = doResponse(t, "GET", ts.url("EIO=4&transport=polling&sid=nope"), "", allowed)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("error response: %d %v", resp.StatusCode, resp.Header)
	}
}

// Preflights answer with the configured methods and headers, in the reference's format.
func TestCORSPreflightConfigured(t *testing.T) {
	ts := startServer(t, Options{CORS: CORSOptions{
		AllowedOrigins: []string{"http://game.lan:3000"},
		AllowedMethods: []string{"GET", "POST"},
		AllowedHeaders: []string{"content-type", "x-player"},
	}}, false)
	resp := doResponse(t, "OPTIONS", ts.url("EIO=4&transport=polling"), "", http.Header{
		"Origin":                         {"http://game.lan:3000"},
		"Access-Control-Request-Method":  {"POST"},
		"Access-Control-Request-Headers": {"content-type"},
	})
	if resp.StatusCode != http.StatusNoContent ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET,POST" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "content-type,x-player" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestCORSWildcard(t *testing.T) {
	ts := startServer(t, Options{CORS: CORSOptions{AllowedOrigins: []string{"*"}}}, false)
	resp := doResponse(t, "GET", ts.url("EIO=4&transport=polling"), "", http.Header{"Origin": {"http://any.lan"}})
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
}

// TestCORSAllowOrigin: origins CORSOptions.AllowOrigin reports true for are allowed, with
// their own origin echoed, as the list's are; the others are not.
func TestCORSAllowOrigin(t *testing.T) {
	ts := startServer(t, Options{CORS: CORSOptions{AllowOrigin: func(o string) bool { return o == "http://node2:8081" }}}, false)
	resp := doResponse(t, "GET", ts.url("EIO=4&transport=polling"), "", http.Header{"Origin": {"http://node2:8081"}})
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://node2:8081" {
		t.Errorf("Access-Control-Allow-Origin = %q for an origin AllowOrigin allows", got)
	}
	resp = doResponse(t, "GET", ts.url("EIO=4&transport=polling"), "", http.Header{"Origin": {"http://evil.example"}})
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("Access-Control-Allow-Origin = %q for another origin", got)
	}
}

func TestServerCloseEndsSessions(t *testing.T) {
	ts := startServer(t, Options{}, false)
	open := pollingHandshake(t, ts)
	sess := ts.nextSession(t)
	ts.Server.Close()
	if reason := sess.waitClosed(t); reason != ReasonServerShutdown {
		t.Errorf("close reason %q, want %q", reason, ReasonServerShutdown)
	}
	if ts.Count() != 0 {
		t.Errorf("Count() = %d after Close", ts.Count())
	}
	if status, _ := do(t, "GET", ts.url("EIO=4&transport=polling"), ""); status != http.StatusServiceUnavailable {
		t.Errorf("handshake after Close: status %d, want 503", status)
	}
	if status, _ := do(t, "GET", ts.sessionURL(open.SID), ""); status != http.StatusBadRequest {
		t.Errorf("poll after Close: status %d, want 400", status)
	}
}
