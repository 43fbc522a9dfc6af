package main

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// errForeignOrigin refuses a handshake from a page served by another site.
var errForeignOrigin = errors.New("origin not allowed")

// originPolicy decides which web pages may open a game connection. By default only the page
// this server served itself: whatever host name or LAN address the player typed, the page's
// Origin names the same host the request went to. A foreign site could otherwise open
// connections from its visitors' browsers (using up slots, joining as players).
type originPolicy struct {
	allowed []string // exact origins from -allowed-origins; "*" allows every origin
}

// parseOrigins reads the -allowed-origins comma list.
func parseOrigins(list string) originPolicy {
	var p originPolicy
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			p.allowed = append(p.allowed, o)
		}
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
	return slices.Contains(p.allowed, "*") || slices.ContainsFunc(p.allowed, func(a string) bool { return strings.EqualFold(a, origin) })
}

// allowRequest vets Engine.IO handshakes (polling and websocket) with the policy; the engine
// answers a refusal with HTTP 403.
func (p originPolicy) allowRequest(r *http.Request) error {
	if !p.allows(r) {
		return errForeignOrigin
	}
	return nil
}
