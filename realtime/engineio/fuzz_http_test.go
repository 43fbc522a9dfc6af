package engineio

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// FuzzServeHTTP feeds whole HTTP requests to a server holding one open polling session,
// whose id replaces "SID" in the request so the fuzzer reaches the session paths (polls,
// data POSTs, upgrades). Whatever arrives, the server must answer with one of its statuses,
// keep its JSON error bodies well-formed, and leave nothing open after Close.
func FuzzServeHTTP(f *testing.F) {
	for _, req := range []string{
		"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /socket.io/?EIO=4&transport=polling&sid=SID HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /socket.io/?EIO=4&transport=polling&sid=SID HTTP/1.1\r\nHost: a\r\nContent-Length: 15\r\n\r\n4hello\x1e3\x1ebAQID",
		"POST /socket.io/?EIO=4&transport=polling&sid=SID HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n1",
		"POST /socket.io/?EIO=4&transport=polling&sid=SID HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nx!",
		"POST /socket.io/?EIO=4&transport=polling&sid=SID HTTP/1.1\r\nHost: a\r\nContent-Type: application/octet-stream\r\nContent-Length: 1\r\n\r\n4",
		"GET /socket.io/?EIO=4&transport=websocket&sid=SID HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
		"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\nOrigin: http://evil\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
		"OPTIONS /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\nOrigin: http://b\r\nAccess-Control-Request-Method: GET\r\n\r\n",
		"GET /socket.io/?EIO=3&transport=polling HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.2.3.4, ::1\r\n\r\n",
		"PUT /socket.io/?EIO=4&transport=polling&sid=nope HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /elsewhere HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(req))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		eio := NewServer(Options{
			MaxPayload:          64,
			MaxConnectionsPerIP: 2,
			TrustProxyHeaders:   true,
			CORS:                CORSOptions{AllowedOrigins: []string{"http://b"}},
			Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		defer func() {
			eio.Close()
			if n := eio.Count(); n != 0 {
				t.Fatalf("%d sessions open after Close", n)
			}
		}()
		open := httptest.NewRecorder()
		eio.ServeHTTP(open, httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=polling", nil))
		var hs struct {
			SID string `json:"sid"`
		}
		if err := json.Unmarshal(open.Body.Bytes()[1:], &hs); err != nil {
			t.Fatalf("handshake: %v", err)
		}

		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(bytes.ReplaceAll(raw, []byte("SID"), []byte(hs.SID)))))
		if err != nil {
			return
		}
		r.RemoteAddr = "192.0.2.1:1234"
		// A canceled context releases a parked poll at once instead of hanging the fuzzer.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w := httptest.NewRecorder()
		eio.ServeHTTP(w, r.WithContext(ctx))

		// 405 comes from the websocket upgrader, for upgrade requests that are not GETs.
		known := []int{200, 204, 400, 403, 404, 405, 413, 429, 500, 503}
		if !slices.Contains(known, w.Code) {
			t.Fatalf("status %d", w.Code)
		}
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			var e struct {
				Code    *int    `json:"code"`
				Message *string `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Code == nil || e.Message == nil {
				t.Fatalf("error body %q: %v", w.Body.Bytes(), err)
			}
		}
	})
}

// FuzzClientIP checks the address per-IP limits count against: it never panics, never
// depends on X-Forwarded-For unless told to trust it, and is stable for equal input.
func FuzzClientIP(f *testing.F) {
	f.Add("192.168.1.5:40000", "", false)
	f.Add("[::1]:1", "10.0.0.1", true)
	f.Add("[::ffff:10.0.0.7]:1", "1.1.1.1, 10.0.0.9", true)
	f.Add("[fe80::1%eth0]:80", "fe80::2%lo", true)
	f.Add("garbage", ",,, ,", true)
	f.Add("", "::ffff:1.2.3.4", true)
	f.Fuzz(func(t *testing.T, remote, xff string, trust bool) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{}}
		plain := clientIP(r, trust)
		r.Header.Set("X-Forwarded-For", xff)
		got := clientIP(r, trust)
		if !trust && got != plain {
			t.Fatalf("untrusted X-Forwarded-For %q changed the address from %q to %q", xff, plain, got)
		}
		if again := clientIP(r, trust); again != got {
			t.Fatalf("clientIP not stable: %q then %q", got, again)
		}
	})
}
