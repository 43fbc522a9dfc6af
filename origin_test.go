package main

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

const foreignOrigin = "http://evil.example"

// pollingHandshake opens an Engine.IO polling session as a page from origin would.
func pollingHandshake(t *testing.T, base, origin string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/socket.io/?EIO=4&transport=polling", nil)
	if err != nil {
		t.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// sessionID takes the sid out of a polling handshake body (`0{"sid":"…",…}`).
func sessionID(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `"sid":"`)
	sid, _, ok2 := strings.Cut(rest, `"`)
	if !ok || !ok2 {
		t.Fatalf("no sid in handshake %q", body)
	}
	return sid
}

func dialWebSocket(base, query, origin string) (*http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	conn, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/socket.io/?EIO=4&transport=websocket"+query, h)
	if err == nil {
		conn.Close()
	}
	return resp, err
}

// refused reports whether a websocket handshake was answered with a refusal: the engine answers
// refused upgrades with 400, as the reference server does (and polling with 403).
func refused(resp *http.Response, err error) bool {
	return errors.Is(err, websocket.ErrBadHandshake) && resp != nil &&
		(resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusForbidden)
}

func TestAForeignOriginIsRefusedOnPollingAndWebSocket(t *testing.T) {
	srv, base, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })

	if resp, body := pollingHandshake(t, base, foreignOrigin); resp.StatusCode != http.StatusForbidden {
		t.Errorf("polling handshake from %s: %d %q, want 403", foreignOrigin, resp.StatusCode, body)
	}
	if resp, err := dialWebSocket(base, "", foreignOrigin); !refused(resp, err) {
		t.Errorf("websocket handshake from %s: %v, want a refusal", foreignOrigin, err)
	}
	// Upgrading a polling session is an origin check of its own: a same-origin session cannot
	// be taken over by a foreign page's websocket.
	resp, body := pollingHandshake(t, base, base)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("same-origin polling handshake: %d %q", resp.StatusCode, body)
	}
	sid := sessionID(t, body)
	if resp, err := dialWebSocket(base, "&sid="+sid, foreignOrigin); !refused(resp, err) {
		t.Errorf("websocket upgrade from %s: %v, want a refusal", foreignOrigin, err)
	}
	if _, err := dialWebSocket(base, "&sid="+sid, base); err != nil {
		t.Errorf("same-origin upgrade refused: %v", err)
	}
}

func TestTheServersOwnPagesAndNonBrowsersMayConnect(t *testing.T) {
	srv, base, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	// The page's origin is whatever host the player typed: loopback here, a LAN address or
	// host name at a party; it always matches the Host the request went to.
	for _, origin := range []string{base, strings.ToUpper(base), ""} {
		if resp, body := pollingHandshake(t, base, origin); resp.StatusCode != http.StatusOK {
			t.Errorf("polling handshake with Origin %q: %d %q", origin, resp.StatusCode, body)
		}
		if _, err := dialWebSocket(base, "", origin); err != nil {
			t.Errorf("websocket handshake with Origin %q: %v", origin, err)
		}
	}
}

func TestAllowedOriginsMayConnectFromAnotherSite(t *testing.T) {
	const friend = "http://game.lan:3000"
	srv, base, _ := startServer(t, "-allowed-origins", friend+", http://other.lan")
	t.Cleanup(func() { _ = srv.shutdown() })
	resp, body := pollingHandshake(t, base, friend)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("polling handshake from the allowed %s: %d %q", friend, resp.StatusCode, body)
	}
	// The browser lets the page read the answer only with this header.
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != friend {
		t.Errorf("Access-Control-Allow-Origin %q, want %q", got, friend)
	}
	if _, err := dialWebSocket(base, "", friend); err != nil {
		t.Errorf("websocket from the allowed %s: %v", friend, err)
	}
	if resp, _ := pollingHandshake(t, base, foreignOrigin); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an origin off the list got %d, want 403", resp.StatusCode)
	}
	if resp, err := dialWebSocket(base, "", foreignOrigin); !refused(resp, err) {
		t.Errorf("websocket from an origin off the list: %v, want a refused handshake", err)
	}
}
