package engineio

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// admission counts the sessions a server holds, in total and per client address, and how
// fast each address opens them, so a handshake over Options.MaxConnections,
// Options.MaxConnectionsPerIP or Options.HandshakeRatePerIP is refused before any session
// (or websocket) exists. It is guarded by Server.mu.
type admission struct {
	open       int
	perIP      map[string]int // only addresses with open sessions: it shrinks as they close
	handshakes handshakeBuckets
}

// admit reserves a session slot for ip, or returns the error code of the limit in the way
// and, for the handshake rate, how long until ip may try again. Every successful admit is
// paired with one release.
func (s *Server) admit(ip string) (code errorCode, retryAfter time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.admitted.open >= s.opts.MaxConnections:
		return errServerFull, 0, false
	case s.admitted.perIP[ip] >= s.opts.MaxConnectionsPerIP:
		return errTooManyFromAddress, 0, false
	}
	// Last, so a handshake refused for another limit spends no token.
	if wait, ok := s.admitted.handshakes.take(ip, time.Now()); !ok {
		return errTooManyHandshakes, wait, false
	}
	s.admitted.open++
	s.admitted.perIP[ip]++
	return 0, 0, true
}

// release gives back a slot taken by admit.
func (s *Server) release(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admitted.open--
	if n := s.admitted.perIP[ip] - 1; n > 0 {
		s.admitted.perIP[ip] = n
	} else {
		delete(s.admitted.perIP, ip)
	}
}

// clientIP is the address per-IP limits count r against: the peer of the TCP connection,
// or, with trustProxy, the address the nearest proxy saw (the last X-Forwarded-For entry).
// The last entry rather than the first, because everything before it was written by the
// client and so can be forged to dodge the limit.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return ip.Unmap().String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().String()
	}
	return host
}
