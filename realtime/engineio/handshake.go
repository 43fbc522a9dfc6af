package engineio

import (
	"crypto/tls"
	"encoding/binary"
	"net/http"
	"net/url"
)

// handshake is what a session keeps of its handshake request for Session.Request. Every idle
// session carries it for its lifetime and Request is called rarely (once per joined
// namespace, if at all), so the request is packed into one string and parsed again on each
// call: the parsed form (a header map with a slice per field, a *url.URL) costs several times
// the bytes of the request it came from.
type handshake struct {
	// packed holds method, protocol, request target, host, remote address, then every header
	// field as its name, its number of values and the values, each string preceded by its
	// length as a uvarint. Lengths instead of separators keep any byte a value may hold.
	packed string
	tls    *tls.ConnectionState
}

func newHandshake(r *http.Request) handshake {
	target := r.RequestURI
	if target == "" && r.URL != nil { // handed to ServeHTTP directly, not read by a server
		target = r.URL.RequestURI()
	}
	size := len(r.Method) + len(r.Proto) + len(target) + len(r.Host) + len(r.RemoteAddr) + 5*binary.MaxVarintLen32
	for name, values := range r.Header {
		size += len(name) + 2*binary.MaxVarintLen32
		for _, v := range values {
			size += len(v) + binary.MaxVarintLen32
		}
	}
	b := make([]byte, 0, size)
	for _, s := range [...]string{r.Method, r.Proto, target, r.Host, r.RemoteAddr} {
		b = appendPacked(b, s)
	}
	for name, values := range r.Header {
		b = appendPacked(b, name)
		b = binary.AppendUvarint(b, uint64(len(values)))
		for _, v := range values {
			b = appendPacked(b, v)
		}
	}
	return handshake{packed: string(b), tls: r.TLS}
}

func appendPacked(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// request unpacks the handshake request: method, URL (with the query), headers, host, remote
// address and TLS state, with no body and a background context, since the real request is
// over. Each call builds a new request with its own URL and Header; the strings in them are
// shared with the session, which never changes them.
func (h *handshake) request() *http.Request {
	p := unpacker{rest: h.packed}
	r := &http.Request{
		Method: p.next(), Proto: p.next(), RequestURI: p.next(), Host: p.next(), RemoteAddr: p.next(),
		Body: http.NoBody, TLS: h.tls, Header: make(http.Header),
	}
	r.ProtoMajor, r.ProtoMinor, _ = http.ParseHTTPVersion(r.Proto)
	var err error
	if r.URL, err = url.ParseRequestURI(r.RequestURI); err != nil {
		// Unreachable for a target the server parsed itself; a request handed to ServeHTTP
		// directly may hold anything, and the caller still gets the rest of it.
		r.URL = &url.URL{}
	}
	for p.rest != "" {
		name := p.next()
		n := p.count()
		values := make([]string, 0, n)
		for range n {
			values = append(values, p.next())
		}
		r.Header[name] = values
	}
	return r
}

// unpacker reads back the strings appendPacked wrote. It returns empty strings once the input
// is used up, so a truncated input (which newHandshake never writes) cannot make it panic.
type unpacker struct{ rest string }

func (u *unpacker) count() int {
	n, size := binary.Uvarint([]byte(u.rest[:min(len(u.rest), binary.MaxVarintLen64)]))
	if size <= 0 {
		u.rest = ""
		return 0
	}
	u.rest = u.rest[size:]
	return int(min(n, uint64(len(u.rest)))) // no more values than bytes left: bounds the make
}

func (u *unpacker) next() string {
	n := u.count()
	s := u.rest[:n]
	u.rest = u.rest[n:]
	return s
}
