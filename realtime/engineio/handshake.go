package engineio

import (
	"crypto/tls"
	"net/http"
	"net/url"
)

// handshake is what a session keeps of its handshake request for Session.Request: a few
// fields by value instead of a whole *http.Request, because every idle session carries it
// for its lifetime.
type handshake struct {
	method, proto, host, remoteAddr, requestURI string
	url                                         *url.URL
	header                                      http.Header
	tls                                         *tls.ConnectionState
}

func newHandshake(r *http.Request) handshake {
	return handshake{
		method: r.Method, proto: r.Proto, host: r.Host, remoteAddr: r.RemoteAddr, requestURI: r.RequestURI,
		url: r.URL, header: r.Header, tls: r.TLS,
	}
}

// request rebuilds the handshake request: method, URL, headers, host, remote address and
// TLS state, with no body and a background context, since the real request is over.
func (h *handshake) request() *http.Request {
	major, minor, _ := http.ParseHTTPVersion(h.proto)
	return &http.Request{
		Method: h.method, URL: h.url, Proto: h.proto, ProtoMajor: major, ProtoMinor: minor,
		Header: h.header, Body: http.NoBody, Host: h.host, RemoteAddr: h.remoteAddr,
		RequestURI: h.requestURI, TLS: h.tls,
	}
}
