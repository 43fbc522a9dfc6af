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

// clientIP is the key per-IP limits count r against (AddressKey): the peer of the TCP
// connection, or, with trustProxy, the address the nearest proxy saw (the last
// X-Forwarded-For entry). The last entry rather than the first, because everything before
// it was written by the client and so can be forged to dodge the limit. A peer that is not
// an IP address (a Unix socket) is its own key.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if ip, err := netip.ParseAddr(strings.TrimSpace(last)); err == nil {
				return AddressKey(ip)
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return AddressKey(ip)
	}
	return host
}

// AddressKey is the key under which the per-address limits (MaxConnectionsPerIP,
// HandshakeRatePerIP) count a client at ip: an IPv4 address as it is, an IPv6 address by
// its /64 prefix ("2001:db8:1:2::/64"). One IPv6 host is routinely given a whole /64 (2^64
// addresses, SLAAC privacy addresses change daily), so keying the full address would let
// one machine open a fresh set of sessions from each of them; the /64 is the smallest
// block a client cannot step out of. The price is that devices sharing a /64 (a home LAN
// on IPv6) share one budget, as devices behind one IPv4 NAT address already do, which is
// why the per-address defaults are generous. IPv4-mapped IPv6 addresses count as IPv4.
// Other layers that limit per client (seats, game joins) should key with it too.
func AddressKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		prefix, _ := ip.Prefix(64) // cannot fail for an IPv6 address and 64 bits
		return prefix.String()
	}
	return ip.String()
}
