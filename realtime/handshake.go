package realtime

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Handshake is what the client presented when it joined a namespace: the auth payload of its
// CONNECT packet and the HTTP request that opened the Engine.IO connection.
type Handshake struct {
	// Auth is the client's auth option (io(url, {auth: {...}})) as raw JSON, always an
	// object: {} when the client sent none, as the reference gives its handlers.
	Auth    json.RawMessage
	Header  http.Header
	Query   url.Values // io(url, {query: {...}}) plus the transport's own EIO/transport/sid
	Address string     // the remote address of the first request
	Secure  bool       // the request came over TLS
	Issued  time.Time
}

// DecodeAuth unmarshals the auth payload into v, like json.Unmarshal; without an auth
// option on the client it is {}, which leaves a struct unchanged.
func (h *Handshake) DecodeAuth(v any) error {
	if len(h.Auth) == 0 {
		return nil
	}
	if err := json.Unmarshal(h.Auth, v); err != nil {
		return fmt.Errorf("realtime: decode auth: %w", err)
	}
	return nil
}

// newHandshake builds the handshake of a CONNECT whose payload is auth (nil when it had none).
func newHandshake(r *http.Request, auth json.RawMessage, issued time.Time) *Handshake {
	if len(auth) == 0 {
		auth = json.RawMessage("{}") // the reference's default, connect(name, auth = {})
	}
	h := &Handshake{Auth: auth, Issued: issued}
	if r != nil {
		h.Header = r.Header.Clone()
		h.Query = r.URL.Query()
		h.Address = r.RemoteAddr
		h.Secure = r.TLS != nil
	}
	return h
}
