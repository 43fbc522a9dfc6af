package engineio

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSessionRequestKeepsTheHandshake(t *testing.T) {
	ts := startServer(t, Options{}, false)
	header := http.Header{"X-Player": {"tank-7"}}
	doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling&room=lobby"), "", header)
	dialWebSocket(t, ts, "EIO=4&transport=websocket&room=arena", header)
	for _, room := range []string{"lobby", "arena"} {
		r := ts.nextSession(t).Request()
		if r.Method != http.MethodGet || r.ProtoMajor != 1 || r.URL.Query().Get("room") != room ||
			r.Header.Get("X-Player") != "tank-7" || !strings.HasPrefix(r.RemoteAddr, "127.0.0.1:") ||
			r.Host != strings.TrimPrefix(ts.http.URL, "http://") || r.TLS != nil {
			t.Errorf("Request() = %+v", r)
		}
		if r.Context().Err() != nil || r.Body != http.NoBody {
			t.Errorf("Request() of room %s has a finished context or a body", room)
		}
	}
}

// TestSessionRequestOverTLS: a handshake over TLS (HTTP/2 here, as browsers use it) keeps its
// TLS state, protocol, query and repeated header values.
func TestSessionRequestOverTLS(t *testing.T) {
	srv := NewServer(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	sessions := make(chan *Session, 1)
	srv.OnConnection(func(s *Session) { sessions <- s })
	hs := httptest.NewUnstartedServer(srv)
	hs.EnableHTTP2 = true
	hs.StartTLS()
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
	})
	req, err := http.NewRequest(http.MethodGet, hs.URL+"/socket.io/?EIO=4&transport=polling&name=t%C3%A4nk+7", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header["Accept-Language"] = []string{"de", "en;q=0.5"}
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var s *Session
	select {
	case s = <-sessions:
	case <-time.After(waitLong):
		t.Fatal("no session connected")
	}
	r := s.Request()
	if r.TLS == nil || !r.TLS.HandshakeComplete || r.ProtoMajor != 2 || r.Proto != "HTTP/2.0" {
		t.Errorf("TLS state %v, protocol %q (%d.%d)", r.TLS, r.Proto, r.ProtoMajor, r.ProtoMinor)
	}
	if got := r.URL.Query().Get("name"); got != "tänk 7" {
		t.Errorf("query name = %q", got)
	}
	if got := r.Header.Values("Accept-Language"); !slices.Equal(got, []string{"de", "en;q=0.5"}) {
		t.Errorf("Accept-Language = %q", got)
	}
	if r.Host != strings.TrimPrefix(hs.URL, "https://") || !strings.HasPrefix(r.RemoteAddr, "127.0.0.1:") {
		t.Errorf("Host %q, RemoteAddr %q", r.Host, r.RemoteAddr)
	}
}

// TestHandshakeRoundTrip: what newHandshake keeps comes back field for field, including
// values no server would have parsed, and each request() is a copy of its own.
func TestHandshakeRoundTrip(t *testing.T) {
	in := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=websocket&a=1&a=2&empty=", nil)
	in.Host = "arena.example:8080"
	in.RemoteAddr = "[::1]:51234"
	in.Proto, in.ProtoMajor, in.ProtoMinor = "HTTP/1.0", 1, 0
	in.TLS = &tls.ConnectionState{ServerName: "arena.example"}
	in.Header = http.Header{
		"Cookie":                 {"a=1", "b=2"},
		"X-Empty":                {""},
		"X-None":                 {},
		"lower-case":             {"kept as written"},
		"X-Odd":                  {"line\nbreak\x00and\xffbytes"},
		strings.Repeat("K", 300): {strings.Repeat("v", 70000)},
	}
	h := newHandshake(in)
	for range 2 {
		r := h.request()
		if r.Method != in.Method || r.Proto != in.Proto || r.ProtoMajor != 1 || r.ProtoMinor != 0 ||
			r.RequestURI != in.RequestURI || r.URL.String() != in.URL.String() || r.Host != in.Host ||
			r.RemoteAddr != in.RemoteAddr || r.TLS != in.TLS || r.Body != http.NoBody {
			t.Fatalf("request() = %+v, want the fields of %+v", r, in)
		}
		if !reflect.DeepEqual(r.Header, in.Header) {
			t.Fatalf("header = %q, want %q", r.Header, in.Header)
		}
		if !reflect.DeepEqual(r.URL.Query()["a"], []string{"1", "2"}) {
			t.Fatalf("query a = %q", r.URL.Query()["a"])
		}
		// What a caller does to its copy is not seen by the next call.
		r.Header.Set("Cookie", "changed")
		r.Header["X-Odd"][0] = "changed"
		r.URL.RawQuery = "changed"
	}
}

// TestHandshakeWithoutRequestURI: a request handed to ServeHTTP without RequestURI keeps
// the path and query of its URL.
func TestHandshakeWithoutRequestURI(t *testing.T) {
	in, err := http.NewRequest(http.MethodGet, "http://arena.example/socket.io/?EIO=4&transport=polling", nil)
	if err != nil {
		t.Fatal(err)
	}
	h := newHandshake(in)
	if r := h.request(); r.URL.Path != "/socket.io/" || r.URL.Query().Get("transport") != "polling" {
		t.Fatalf("URL = %v", r.URL)
	}
}

// TestUnpackerTruncated: input cut anywhere gives empty strings, never a panic.
func TestUnpackerTruncated(t *testing.T) {
	in := httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4", nil)
	in.Header.Set("X-Player", "tank")
	packed := newHandshake(in).packed
	for n := range len(packed) {
		h := handshake{packed: packed[:n]}
		_ = h.request()
	}
	h := handshake{packed: "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}
	if r := h.request(); r.Method != "" {
		t.Fatalf("method %q from a malformed length", r.Method)
	}
}
