package engineio

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// refusal is a handshake's error answer.
type refusal struct {
	status  int
	code    int
	message string
}

// handshakeRefusal makes a polling handshake (with header) and returns its error answer; it
// fails the test if the handshake succeeds.
func handshakeRefusal(t *testing.T, ts *testServer, header http.Header) refusal {
	t.Helper()
	resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", header)
	body, _ := io.ReadAll(resp.Body)
	var got struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &got); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("handshake answered %d %q (%v), want a JSON error", resp.StatusCode, body, err)
	}
	return refusal{resp.StatusCode, got.Code, got.Message}
}

// webSocketRefusal makes a websocket handshake and returns its error answer.
func webSocketRefusal(t *testing.T, ts *testServer) refusal {
	t.Helper()
	u := "ws" + strings.TrimPrefix(ts.url("EIO=4&transport=websocket"), "http")
	c, resp, err := websocket.DefaultDialer.Dial(u, nil)
	if err == nil {
		c.Close()
		t.Fatal("websocket handshake over the limit succeeded")
	}
	if resp == nil {
		t.Fatalf("websocket handshake: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var got struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("websocket refusal body %q: %v", body, err)
	}
	return refusal{resp.StatusCode, got.Code, got.Message}
}

func TestMaxConnectionsPerIP(t *testing.T) {
	ts := startServer(t, Options{MaxConnectionsPerIP: 2}, false)
	first := pollingHandshake(t, ts).SID
	firstSess := ts.nextSession(t)
	pollingHandshake(t, ts)
	want := refusal{http.StatusTooManyRequests, 101, "Too many connections from this address"}
	if got := handshakeRefusal(t, ts, nil); got != want {
		t.Errorf("third polling handshake: %+v, want %+v", got, want)
	}
	if got := webSocketRefusal(t, ts); got != want {
		t.Errorf("websocket handshake: %+v, want %+v", got, want)
	}
	if n := ts.Count(); n != 2 {
		t.Errorf("Count() = %d after refusals, want 2", n)
	}

	// A closed session frees its slot.
	if status, _ := do(t, http.MethodPost, ts.sessionURL(first), "1"); status != http.StatusOK {
		t.Fatalf("close POST: %d", status)
	}
	firstSess.waitClosed(t)
	pollingHandshake(t, ts)
	if got := ts.Stats().Rejected.PerIPLimit; got != 2 {
		t.Errorf("Stats().Rejected.PerIPLimit = %d, want 2", got)
	}
}

func TestMaxConnections(t *testing.T) {
	ts := startServer(t, Options{MaxConnections: 3}, false)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket", nil)
	readFrame(t, c)
	for range 2 {
		pollingHandshake(t, ts)
	}
	want := refusal{http.StatusServiceUnavailable, 100, "Server full"}
	if got := handshakeRefusal(t, ts, nil); got != want {
		t.Errorf("fourth handshake: %+v, want %+v", got, want)
	}
	if got := webSocketRefusal(t, ts); got != want {
		t.Errorf("websocket handshake: %+v, want %+v", got, want)
	}
	if got := ts.Stats().Rejected.ServerFull; got != 2 {
		t.Errorf("Stats().Rejected.ServerFull = %d, want 2", got)
	}
}

func TestUpgradeIsNotANewConnection(t *testing.T) {
	ts := startServer(t, Options{MaxConnections: 1, MaxConnectionsPerIP: 1}, false)
	sid := pollingHandshake(t, ts).SID
	ts.nextSession(t)
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, nil)
	writeFrameT(t, c, websocket.TextMessage, "2probe")
	if _, got := readFrame(t, c); got != "3probe" {
		t.Fatalf("probe answer %q", got)
	}
}

func TestTrustProxyHeaders(t *testing.T) {
	xff := func(v string) http.Header { return http.Header{"X-Forwarded-For": {v}} }
	t.Run("trusted", func(t *testing.T) {
		ts := startServer(t, Options{MaxConnectionsPerIP: 1, TrustProxyHeaders: true}, false)
		doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", xff("10.0.0.1"))
		// A forged first entry does not help: the proxy's own entry is last.
		doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", xff("6.6.6.6, 10.0.0.2"))
		if ts.Count() != 2 {
			t.Fatalf("Count() = %d, want one session for each forwarded address", ts.Count())
		}
		if got := handshakeRefusal(t, ts, xff("1.2.3.4, 10.0.0.1")); got.status != http.StatusTooManyRequests {
			t.Errorf("second handshake from 10.0.0.1: %+v, want 429", got)
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		ts := startServer(t, Options{MaxConnectionsPerIP: 1}, false)
		doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", xff("10.0.0.1"))
		if got := handshakeRefusal(t, ts, xff("10.0.0.2")); got.status != http.StatusTooManyRequests {
			t.Errorf("handshake with another X-Forwarded-For from the same peer: %+v, want 429", got)
		}
	})
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		remote, xff string
		trust       bool
		want        string
	}{
		{"192.168.1.5:40000", "", false, "192.168.1.5"},
		{"[::1]:40000", "", false, "::/64"},
		{"[2001:db8:1:2:aaaa::1]:40000", "", false, "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:40000", "", false, "fe80::/64"},
		{"[::ffff:10.0.0.7]:1", "", false, "10.0.0.7"},
		{"192.168.1.5:40000", "2001:db8:1:2:aaaa::1", true, "2001:db8:1:2::/64"},
		{"192.168.1.5:40000", "10.0.0.9", false, "192.168.1.5"},
		{"192.168.1.5:40000", "10.0.0.9", true, "10.0.0.9"},
		{"192.168.1.5:40000", "1.1.1.1, 10.0.0.9 ", true, "10.0.0.9"},
		{"192.168.1.5:40000", "not an ip", true, "192.168.1.5"},
		{"192.168.1.5:40000", "10.0.0.9,", true, "192.168.1.5"},
		{"pipe", "", false, "pipe"},
	}
	for _, tt := range tests {
		r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := clientIP(r, tt.trust); got != tt.want {
			t.Errorf("clientIP(%q, xff %q, trust %v) = %q, want %q", tt.remote, tt.xff, tt.trust, got, tt.want)
		}
	}
}

// TestIPv6ClientsAreLimitedByTheirSlash64 shows that a client cannot dodge the per-address
// limits by using another of the 2^64 addresses of its /64, while another /64 is unaffected.
func TestIPv6ClientsAreLimitedByTheirSlash64(t *testing.T) {
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }
	t.Run("open sessions", func(t *testing.T) {
		ts := startServer(t, Options{MaxConnectionsPerIP: 1, TrustProxyHeaders: true}, false)
		if resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", from("2001:db8:1:2::1")); resp.StatusCode != http.StatusOK {
			t.Fatalf("first handshake: %d", resp.StatusCode)
		}
		want := refusal{http.StatusTooManyRequests, 101, "Too many connections from this address"}
		if got := handshakeRefusal(t, ts, from("2001:db8:1:2:ffff:ffff:ffff:fffe")); got != want {
			t.Errorf("handshake from another address of the same /64: %+v, want %+v", got, want)
		}
		if resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", from("2001:db8:1:3::1")); resp.StatusCode != http.StatusOK {
			t.Errorf("handshake from the next /64: %d, want 200", resp.StatusCode)
		}
	})
	t.Run("handshake rate", func(t *testing.T) {
		ts := startServer(t, Options{HandshakeRatePerIP: 0.01, HandshakeBurstPerIP: 1, TrustProxyHeaders: true}, false)
		if resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", from("2001:db8:1:2::1")); resp.StatusCode != http.StatusOK {
			t.Fatalf("first handshake: %d", resp.StatusCode)
		}
		if got := handshakeRefusal(t, ts, from("2001:db8:1:2::2")); got.code != 102 {
			t.Errorf("handshake from another address of the same /64: %+v, want code 102", got)
		}
	})
}

func TestAddressKey(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1":                 "192.0.2.1",
		"::ffff:192.0.2.1":          "192.0.2.1",
		"2001:db8::1":               "2001:db8::/64",
		"2001:db8:0:0:ffff::1":      "2001:db8::/64",
		"2001:db8:0:1::1":           "2001:db8:0:1::/64",
		"fe80::1%eth0":              "fe80::/64",
		"::1":                       "::/64",
		"2001:db8:aaaa:bbbb:cccc::": "2001:db8:aaaa:bbbb::/64",
	} {
		if got := AddressKey(netip.MustParseAddr(addr)); got != want {
			t.Errorf("AddressKey(%s) = %q, want %q", addr, got, want)
		}
	}
}

func TestHandshakeRatePerIP(t *testing.T) {
	// One token an hour: none comes back while the test runs, however slowly the machine runs
	// it (with one every 2 s, a handshake after a stall of 2 s got through). The bucket's
	// arithmetic has a test of its own on a clock of its own (TestHandshakeBuckets).
	const perHour = 3600
	ts := startServer(t, Options{HandshakeRatePerIP: 1.0 / perHour, HandshakeBurstPerIP: 2, TrustProxyHeaders: true}, false)
	from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }
	begin := time.Now()
	var sid string
	for range 2 {
		resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", from("10.0.0.1"))
		body, _ := io.ReadAll(resp.Body)
		var open openPacket
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(strings.TrimPrefix(string(body), "0")), &open) != nil {
			t.Fatalf("handshake in the burst: %d %q", resp.StatusCode, body)
		}
		sid = open.SID
	}

	resp := doResponse(t, http.MethodGet, ts.url("EIO=4&transport=polling"), "", from("10.0.0.1"))
	// The burst has just been spent: the next token comes an hour after the second
	// handshake, less the time since (the seconds this test has run, at most).
	got := resp.Header.Get("Retry-After")
	if wait, err := strconv.Atoi(got); resp.StatusCode != http.StatusTooManyRequests || err != nil ||
		wait > perHour || wait < perHour-int(time.Since(begin).Seconds())-1 {
		t.Errorf("third handshake: %d, Retry-After %q, want 429 and about %d", resp.StatusCode, got, perHour)
	}
	want := refusal{http.StatusTooManyRequests, 102, "Too many handshakes from this address, retry later"}
	if got := handshakeRefusal(t, ts, from("10.0.0.1")); got != want {
		t.Errorf("fourth handshake: %+v, want %+v", got, want)
	}
	// A websocket handshake is a handshake too.
	u := "ws" + strings.TrimPrefix(ts.url("EIO=4&transport=websocket"), "http")
	if _, wsResp, err := websocket.DefaultDialer.Dial(u, from("10.0.0.1")); err == nil || wsResp == nil ||
		wsResp.StatusCode != http.StatusTooManyRequests || wsResp.Header.Get("Retry-After") == "" {
		t.Errorf("websocket handshake over the rate: %v, %+v; want 429 with Retry-After", err, wsResp)
	}
	// Upgrading a session of the exhausted address is not a handshake.
	c := dialWebSocket(t, ts, "EIO=4&transport=websocket&sid="+sid, from("10.0.0.1"))
	writeFrameT(t, c, websocket.TextMessage, "2probe")
	if _, got := readFrame(t, c); got != "3probe" {
		t.Fatalf("probe answer %q", got)
	}
	// Another address has a bucket of its own.
	pollingHandshake(t, ts)
	if got := ts.Stats().Rejected.HandshakeRate; got != 3 {
		t.Errorf("Stats().Rejected.HandshakeRate = %d, want 3", got)
	}
}

func TestHandshakeBuckets(t *testing.T) {
	hb := newHandshakeBuckets(2, 3) // 2 a second, bursts of 3
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		if _, ok := hb.take("a", t0); !ok {
			t.Fatalf("handshake %d of a burst of 3 refused", i+1)
		}
	}
	if wait, ok := hb.take("a", t0); ok || wait != 500*time.Millisecond {
		t.Errorf("fourth handshake: ok %v, wait %v; want refused, 500ms", ok, wait)
	}
	if _, ok := hb.take("b", t0); !ok {
		t.Error("another address was refused")
	}
	if wait, ok := hb.take("a", t0.Add(400*time.Millisecond)); ok || wait != 100*time.Millisecond {
		t.Errorf("after 400ms: ok %v, wait %v; want refused, 100ms", ok, wait)
	}
	if _, ok := hb.take("a", t0.Add(500*time.Millisecond)); !ok {
		t.Error("after 500ms the refilled token was refused")
	}
	// The refill stops at the burst: an address idle for an hour still gets only 3.
	later := t0.Add(time.Hour)
	for i := range 3 {
		if _, ok := hb.take("a", later); !ok {
			t.Fatalf("handshake %d after an idle hour refused", i+1)
		}
	}
	if _, ok := hb.take("a", later); ok {
		t.Error("an idle hour saved up more than the burst")
	}

	// Sweeping keeps the addresses still refilling and forgets the rest.
	hb = newHandshakeBuckets(1, 1)
	for i := range minSweepAt - 1 {
		hb.take(fmt.Sprint("idle", i), t0)
	}
	hb.take("busy", t0.Add(time.Second+time.Millisecond/2))
	hb.take("new", t0.Add(time.Second+time.Millisecond)) // the map is full: this sweeps
	if _, ok := hb.perIP["busy"]; !ok || len(hb.perIP) != 2 {
		t.Errorf("after a sweep %d addresses are kept (busy kept: %v), want busy and new", len(hb.perIP), ok)
	}
	if hb.sweepAt != minSweepAt {
		t.Errorf("next sweep at %d, want %d", hb.sweepAt, minSweepAt)
	}
}
