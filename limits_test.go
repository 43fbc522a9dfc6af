package main

import (
	"net/http"
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

	srv2, base2, _ := startServer(t, "-max-connections", "1")
	t.Cleanup(func() { _ = srv2.shutdown() })
	pollingHandshake(t, base2, "")
	if resp, body := pollingHandshake(t, base2, ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("handshake over -max-connections: %d %q, want 503", resp.StatusCode, body)
	}
}
