package engineio

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// defaultCORSMethods is the cors package's default list, which the reference server's
// preflights answer with when no methods are configured.
var defaultCORSMethods = []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}

// allowedOrigin returns the value for Access-Control-Allow-Origin for origin, or "" when
// origin is not in the allow-list.
func (c CORSOptions) allowedOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	if slices.Contains(c.AllowedOrigins, origin) || (c.AllowOrigin != nil && c.AllowOrigin(origin)) {
		return origin
	}
	if slices.Contains(c.AllowedOrigins, "*") {
		if c.AllowCredentials {
			return origin // browsers refuse "*" together with credentials
		}
		return "*"
	}
	return ""
}

// writeCORS adds the CORS response headers for an allowed origin. It reports whether r is a
// preflight it has fully answered (OPTIONS from an allowed origin), which must not reach
// the Engine.IO request handling.
func (c CORSOptions) writeCORS(w http.ResponseWriter, r *http.Request) (preflightDone bool) {
	allow := c.allowedOrigin(r.Header.Get("Origin"))
	if allow == "" {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", allow)
	if allow != "*" {
		h.Add("Vary", "Origin")
	}
	if c.AllowCredentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	methods := c.AllowedMethods
	if len(methods) == 0 {
		methods = defaultCORSMethods
	}
	// Lists joined with "," and no space, as the reference writes them.
	h.Set("Access-Control-Allow-Methods", strings.Join(methods, ","))
	if len(c.AllowedHeaders) > 0 {
		h.Set("Access-Control-Allow-Headers", strings.Join(c.AllowedHeaders, ","))
	} else if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
		h.Set("Access-Control-Allow-Headers", asked)
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
	return true
}

// checkWebSocketOrigin vets the origin of a websocket handshake or upgrade: Options.CheckOrigin,
// or by default no Origin header (non-browser clients), the same host as the request, or
// an origin the CORS options allow. The reference checks no origin on upgrades of an
// existing session; this server does, so a foreign page cannot take over a session it
// learnt the id of. A refusal is the reference's answer to every refused upgrade: HTTP 400
// with the message ("Forbidden"), never 403.
func (s *Server) checkWebSocketOrigin(r *http.Request) bool {
	if s.opts.CheckOrigin != nil {
		return s.opts.CheckOrigin(r)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if u, err := url.Parse(origin); err == nil && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return s.opts.CORS.allowedOrigin(origin) != ""
}

// validHeaderValue mirrors the reference's check of the Origin header: only tab, visible
// ASCII, space and bytes >= 0x80 are allowed.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\t' && (c < 0x20 || c == 0x7f) {
			return false
		}
	}
	return true
}
