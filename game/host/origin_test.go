package host

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"tankarena/internal/browsertest"
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

// refused reports whether a websocket handshake was answered with the engine's refusal:
// 400 "Forbidden", as the reference server answers every refused upgrade (and polling with
// 403).
func refused(resp *http.Response, err error) bool {
	if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil {
		return false
	}
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == http.StatusBadRequest && string(body) == "Forbidden"
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

// handshakeWith opens a polling session with extra request headers, Host among them.
func handshakeWith(t *testing.T, base string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/socket.io/?EIO=4&transport=polling", nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	req.Host = header.Get("Host")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// TestTagsAndNavigationsOfHostilePagesCannotOpenSessions: an <img> or <script> on any page
// sends no Origin, and before this 64 of them used up the visitor's per-address sessions
// (45 s until they time out), locking the visitor out of the game.
func TestTagsAndNavigationsOfHostilePagesCannotOpenSessions(t *testing.T) {
	srv, base, _ := startServer(t, "-max-connections-per-ip", "4", "-handshake-rate", "0")
	t.Cleanup(func() { _ = srv.shutdown() })
	for _, tag := range []struct{ mode, dest string }{
		{"no-cors", "image"}, {"no-cors", "script"}, {"no-cors", "style"}, {"navigate", "document"},
		{"navigate", "iframe"}, {"", "image"}, {"no-cors", ""},
	} {
		for range 2 {
			h := http.Header{}
			if tag.mode != "" {
				h.Set("Sec-Fetch-Mode", tag.mode)
			}
			if tag.dest != "" {
				h.Set("Sec-Fetch-Dest", tag.dest)
			}
			h.Set("Sec-Fetch-Site", "cross-site")
			if resp, body := handshakeWith(t, base, h); resp.StatusCode != http.StatusForbidden {
				t.Errorf("handshake of a %s/%s request: %d %q, want 403", tag.mode, tag.dest, resp.StatusCode, body)
			}
		}
	}
	// The game's own page polls with XHR: mode cors, no Origin on a same-origin GET.
	page := http.Header{"Sec-Fetch-Mode": {"cors"}, "Sec-Fetch-Dest": {"empty"}, "Sec-Fetch-Site": {"same-origin"}}
	if resp, body := handshakeWith(t, base, page); resp.StatusCode != http.StatusOK {
		t.Errorf("the page's own polling handshake: %d %q, want 200", resp.StatusCode, body)
	}
	// Non-browser clients send neither Origin nor Sec-Fetch-*.
	if resp, body := pollingHandshake(t, base, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("a non-browser handshake: %d %q, want 200", resp.StatusCode, body)
	}
	play(t, base)
}

// TestDNSRebindingIsRefused: a hostile page whose name was pointed at this server sends
// Host and Origin both with its own name, which passes the origin check; the Host check
// refuses it, on every route a browser uses.
func TestDNSRebindingIsRefused(t *testing.T) {
	srv, base, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	port := base[strings.LastIndexByte(base, ':'):]
	evil := "evil.example" + port
	rebound := http.Header{"Host": {evil}, "Origin": {"http://" + evil}}
	resp, body := handshakeWith(t, base, rebound)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "-allowed-hosts evil.example") {
		t.Errorf("rebound polling handshake: %d %q, want 403 naming -allowed-hosts", resp.StatusCode, body)
	}
	ws := "ws" + strings.TrimPrefix(base, "http") + "/socket.io/?EIO=4&transport=websocket"
	if conn, resp, err := websocket.DefaultDialer.Dial(ws, rebound); err == nil {
		conn.Close()
		t.Error("rebound websocket handshake upgraded")
	} else if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("rebound websocket handshake: %v, want 403", err)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/", nil)
	req.Host = evil
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("rebound page: %v %v, want 403", resp, err)
	} else {
		resp.Body.Close()
	}
	// Machines' endpoints answer whatever the Host: monitoring may use a service name.
	req, _ = http.NewRequest(http.MethodGet, base+"/healthz", nil)
	req.Host = evil
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz by another name: %v %v, want 200", resp, err)
	} else {
		resp.Body.Close()
	}
	if got := srv.badHosts.Load(); got != 3 {
		t.Errorf("bad hosts counted: %d, want 3", got)
	}
	if metrics := getBody(t, base+"/metrics"); !strings.Contains(metrics, "tankarena_http_bad_host_total 3") {
		t.Errorf("/metrics lacks the bad hosts:\n%s", metrics)
	}

	// The names the server is reached by, and those it is told about, are served.
	srv2, base2, _ := startServer(t, "-allowed-hosts", "Evil.Example, game.lan:8080")
	t.Cleanup(func() { _ = srv2.shutdown() })
	port2 := base2[strings.LastIndexByte(base2, ':'):]
	hostname, _ := os.Hostname()
	short, _, _ := strings.Cut(hostname, ".")
	for _, host := range []string{"evil.example", "GAME.LAN", "localhost", "127.0.0.1", "[::1]", "10.1.2.3", "[2001:db8::1]", "player.localhost", hostname, short + ".local"} {
		h := http.Header{"Host": {host + port2}, "Origin": {"http://" + host + port2}}
		if resp, body := handshakeWith(t, base2, h); resp.StatusCode != http.StatusOK {
			t.Errorf("handshake by the name %s: %d %q, want 200", host, resp.StatusCode, body)
		}
	}
	if resp, body := handshakeWith(t, base2, http.Header{"Host": {"other.example" + port2}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a name off the list: %d %q, want 403", resp.StatusCode, body)
	}
}

// TestARealBrowserPagePollsButItsTagsCannot runs Chromium against the whole server: the
// game's own page connects over polling (a same-origin XHR sends no Origin, but Sec-Fetch-Mode
// cors), while an <img> and a <script> aimed at the handshake (no Origin either, but
// Sec-Fetch-Mode no-cors) open no session.
func TestARealBrowserPagePollsButItsTagsCannot(t *testing.T) {
	srv, base, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	transport, err := browsertest.Eval[string](ctx, `new Promise((resolve, reject) => {
		const s = io({ transports: ['polling'], forceNew: true, reconnection: false });
		s.on('connect', () => { resolve(s.io.engine.transport.name); s.disconnect(); });
		s.on('connect_error', (e) => reject(e));
	})`)
	if err != nil || transport != "polling" {
		t.Fatalf("the page's polling connection: %q, %v", transport, err)
	}
	before := srv.rt.EngineStats()
	loaded, err := browsertest.Eval[int](ctx, `Promise.all(['img', 'script'].map((tag) => new Promise((resolve) => {
		const el = document.createElement(tag);
		el.onload = el.onerror = () => resolve(1);
		el.src = '/socket.io/?EIO=4&transport=polling&t=' + tag;
		document.body.appendChild(el);
	}))).then((done) => done.length)`)
	if err != nil || loaded != 2 {
		t.Fatalf("tags: %d loaded, %v", loaded, err)
	}
	after := srv.rt.EngineStats()
	if after.Handshakes != before.Handshakes || after.Rejected.Forbidden != before.Rejected.Forbidden+2 {
		t.Errorf("tags: %d sessions opened, %d refused; want 0 and 2",
			after.Handshakes-before.Handshakes, after.Rejected.Forbidden-before.Rejected.Forbidden)
	}
}
