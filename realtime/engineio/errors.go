package engineio

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

var (
	// ErrClosed is returned when sending to a session that is closed or closing.
	ErrClosed = errors.New("engineio: session closed")
	// ErrQueueFull is returned when a send would exceed Options.SendQueueSize or
	// Options.SendQueueBytes; the session is then closed with ReasonTransportError, because a
	// peer that far behind is lost.
	ErrQueueFull = errors.New("engineio: send queue full")
)

// Close reasons passed to OnClose, same words as the reference server.
const (
	ReasonTransportClose = "transport close"      // peer closed the connection / sent close packet
	ReasonTransportError = "transport error"      // I/O error, or the send queue overflowed
	ReasonPingTimeout    = "ping timeout"         // no pong within PingTimeout of a ping
	ReasonParseError     = "parse error"          // the peer sent a malformed packet
	ReasonForcedClose    = "forced close"         // Session.Close called by the application
	ReasonServerShutdown = "server shutting down" // Server.Close
)

// errorCode is the "code" of the reference server's JSON error bodies; clients such as
// socket.io-client surface it in connect_error, so the numbers are part of the protocol.
type errorCode int

const (
	errUnknownTransport           errorCode = 0
	errUnknownSID                 errorCode = 1
	errBadHandshakeMethod         errorCode = 2
	errBadRequest                 errorCode = 3
	errForbidden                  errorCode = 4
	errUnsupportedProtocolVersion errorCode = 5

	// Codes of this server's own, outside the reference's 0-5 so they never collide with
	// codes it may add later. Both answer HTTP handshakes and websocket handshakes alike.
	errServerFull         errorCode = 100 // HTTP 503: Options.MaxConnections sessions are open
	errTooManyFromAddress errorCode = 101 // HTTP 429: Options.MaxConnectionsPerIP from this address
	errTooManyHandshakes  errorCode = 102 // HTTP 429: Options.HandshakeRatePerIP from this address
)

func (c errorCode) message() string {
	switch c {
	case errUnknownTransport:
		return "Transport unknown"
	case errUnknownSID:
		return "Session ID unknown"
	case errBadHandshakeMethod:
		return "Bad handshake method"
	case errForbidden:
		return "Forbidden"
	case errUnsupportedProtocolVersion:
		return "Unsupported protocol version"
	case errServerFull:
		return "Server full"
	case errTooManyFromAddress:
		return "Too many connections from this address"
	case errTooManyHandshakes:
		return "Too many handshakes from this address, retry later"
	default:
		return "Bad request"
	}
}

// writeRequestError answers a refused HTTP request like the reference: 403 for Forbidden,
// else 400, with a JSON body {"code":n,"message":"..."}. The connection limits answer 503
// and 429 instead, so clients and proxies see a condition worth retrying later.
func writeRequestError(w http.ResponseWriter, code errorCode) {
	status := http.StatusBadRequest
	switch code {
	case errForbidden:
		status = http.StatusForbidden
	case errServerFull:
		status = http.StatusServiceUnavailable
	case errTooManyFromAddress, errTooManyHandshakes:
		status = http.StatusTooManyRequests
	}
	body, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{int(code), code.message()})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// setRetryAfter tells a refused client when to try again, in whole seconds rounded up, as
// HTTP has them; d <= 0 sets nothing.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

// writeUpgradeError answers a refused websocket upgrade like the reference: always 400,
// the plain message as text/html, and the connection is not reused.
func writeUpgradeError(w http.ResponseWriter, code errorCode) {
	msg := code.message()
	w.Header().Set("Connection", "close")
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(msg))
}
