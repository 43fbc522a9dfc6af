package host

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
)

// errForeignOrigin refuses a handshake from a page served by another site.
var errForeignOrigin = errors.New("origin not allowed")

// errNotAScript refuses a handshake a browser made for a tag or a navigation.
var errNotAScript = errors.New("a browser request without Origin that no script made: an image, script or frame tag, or a navigation")

// originPolicy decides which web pages may open a game connection. By default only the page
// this server served itself: whatever host name or LAN address the player typed, the page's
// Origin names the same host the request went to. A foreign site could otherwise open
// connections from its visitors' browsers (using up slots, joining as players).
type originPolicy struct {
	allowed []string // exact origins from -allowed-origins; "*" allows every origin
	// also, if not nil, allows more origins: with -redis, the pages of the cluster's other
	// nodes, which send their players here (redisDirectory.allowsOrigin).
	also func(origin string) bool
}

// newOriginPolicy allows the origins of Config.AllowedOrigins, without a trailing slash
// (browsers send none).
func newOriginPolicy(allowed []string) originPolicy {
	var p originPolicy
	for _, o := range allowed {
		p.allowed = append(p.allowed, strings.TrimRight(o, "/"))
	}
	return p
}

// allows reports whether r may connect: no Origin header (not a browser page: bots, tools),
// the same host as the request, or an origin on the allow-list.
func (p originPolicy) allows(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.Contains(p.allowed, "*") || slices.ContainsFunc(p.allowed, func(a string) bool { return strings.EqualFold(a, origin) }) ||
		(p.also != nil && p.also(origin))
}

// allowRequest vets Engine.IO handshakes (polling and websocket) with the policy; the engine
// answers a refusal with HTTP 403. Besides foreign origins it refuses what a browser sends
// without an Origin for a tag or a navigation (see fromATagOrNavigation): any page can
// aim an <img> or <script> here, and before this 64 such tags on a hostile page used up
// its visitor's per-address sessions for 45 s, locking the visitor out of the game.
func (p originPolicy) allowRequest(r *http.Request) error {
	if !p.allows(r) {
		return errForeignOrigin
	}
	if r.Header.Get("Origin") == "" && fromATagOrNavigation(r) {
		return errNotAScript
	}
	return nil
}

// fromATagOrNavigation reports whether r carries the Fetch Metadata a browser sends with a
// request no script made: Sec-Fetch-Mode no-cors (images, scripts, styles) or navigate
// (frames, links, typed addresses), or a Sec-Fetch-Dest other than empty. The game's own
// page polls with fetch/XHR (mode cors, dest empty; a same-origin GET has no Origin) and
// opens websockets (always with Origin). Non-browser clients (the Go client, Node
// socket.io-client) send no Sec-Fetch-* and are admitted; browsers too old to send them
// are not caught here, but still by the per-address limits.
func fromATagOrNavigation(r *http.Request) bool {
	mode, dest := r.Header.Get("Sec-Fetch-Mode"), r.Header.Get("Sec-Fetch-Dest")
	return (mode != "" && mode != "cors" && mode != "same-origin") || (dest != "" && dest != "empty")
}

// hostPolicy decides which Host headers the server answers, against DNS rebinding: a
// hostile page at http://evil.example:8080/ can point evil.example at this server's
// address, and its scripts then talk to this server as their own origin (Host and Origin
// both evil.example, so the origin check passes). So a request must name the server by an
// IP address (rebinding needs a name, and an address literal reaches only the machine it
// names), localhost (or a *.localhost name, which browsers resolve to loopback
// themselves), this machine's host name or its mDNS name (<hostname>.local), or a name
// from -allowed-hosts (a LAN DNS name, a reverse proxy's public name).
type hostPolicy struct {
	any   bool                     // -allowed-hosts *
	names map[string]bool          // lower case, without a trailing dot
	howTo func(name string) string // how the operator allows name (Config.howToAllowHost)
}

// newHostPolicy allows the machine's own names and the -allowed-hosts list; a refusal tells
// how to allow its name with howTo.
func newHostPolicy(allowed []string, howTo func(name string) string) hostPolicy {
	p := hostPolicy{names: map[string]bool{"localhost": true}, howTo: howTo}
	if name, err := os.Hostname(); err == nil && name != "" {
		name = normalHost(name)
		short, _, _ := strings.Cut(name, ".")
		p.names[name], p.names[short], p.names[short+".local"] = true, true, true
	}
	for _, name := range allowed {
		if name == "*" {
			p.any = true
		}
		p.names[normalHost(name)] = true
	}
	return p
}

// normalHost is host (a Host header or a list entry) without its port and trailing dot,
// in lower case.
func normalHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}

// allows reports whether the server answers to host, a Host header. An empty one (HTTP/1.0)
// is no browser's.
func (p hostPolicy) allows(host string) bool {
	name := normalHost(host)
	if p.any || name == "" || p.names[name] || strings.HasSuffix(name, ".localhost") {
		return true
	}
	_, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(name, "["), "]"))
	return err == nil
}

// require answers requests for a host the policy does not allow with 403 and what to do
// about it, counting them in refused.
func (p hostPolicy) require(next http.Handler, refused *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !p.allows(r.Host) {
			refused.Add(1)
			name := normalHost(r.Host)
			http.Error(w, fmt.Sprintf("Forbidden: this server does not answer to the name %q. "+
				"If it is one of its names, %s.", name, p.howTo(name)),
				http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
