package host

import (
	"net/http"
	"strings"
	"testing"
)

func TestConnectionLimitFlagsReachTheEngine(t *testing.T) {
	srv, base, _ := startServer(t, "-max-connections-per-ip", "2")
	t.Cleanup(func() { _ = srv.shutdown() })
	for i := range 2 {
		if resp, body := pollingHandshake(t, base, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("handshake %d: %d %q", i, resp.StatusCode, body)
		}
	}
	if resp, body := pollingHandshake(t, base, ""); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third handshake from one address: %d %q, want 429", resp.StatusCode, body)
	}
	metrics := getBody(t, base+"/metrics")
	for _, want := range []string{
		`tankarena_requests_refused_total{cause="per_ip_limit"} 1`,
		`tankarena_connections_open{transport="polling"} 2`,
		`tankarena_handshakes_total 2`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, metrics)
		}
	}

	srv2, base2, _ := startServer(t, "-max-connections", "1")
	t.Cleanup(func() { _ = srv2.shutdown() })
	pollingHandshake(t, base2, "")
	if resp, body := pollingHandshake(t, base2, ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("handshake over -max-connections: %d %q, want 503", resp.StatusCode, body)
	}
}

func TestHandshakeRateFlagReachesTheEngine(t *testing.T) {
	srv, base, _ := startServer(t, "-handshake-rate", "1") // bursts of 2
	t.Cleanup(func() { _ = srv.shutdown() })
	for i := range 2 {
		if resp, body := pollingHandshake(t, base, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("handshake %d: %d %q", i, resp.StatusCode, body)
		}
	}
	resp, body := pollingHandshake(t, base, "")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" || !strings.Contains(body, `"code":102`) {
		t.Fatalf("third handshake in a burst of 2: %d, Retry-After %q, %q; want 429, 1, code 102",
			resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if metrics := getBody(t, base+"/metrics"); !strings.Contains(metrics, `tankarena_requests_refused_total{cause="handshake_rate"} 1`) {
		t.Errorf("/metrics lacks the refused handshake:\n%s", metrics)
	}
}
