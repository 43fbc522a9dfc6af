package engineio

import (
	"net/http"
	"strings"
	"testing"
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
