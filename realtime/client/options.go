package client

import (
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options configure a Manager. The zero value is usable: no reconnection,
// the default dialer, path /socket.io/ and a silent logger.
type Options struct {
	// Path is the server's Engine.IO endpoint; "/socket.io/" when empty.
	Path string
	// Query holds extra query parameters for the handshake (EIO and transport are added).
	Query url.Values
	// Header holds extra HTTP headers for the websocket handshake (cookies, tokens).
	Header http.Header
	// Dialer opens the websocket; nil means a dialer that shares write buffers
	// between idle connections, which keeps thousands of them cheap.
	Dialer *websocket.Dialer
	// Logger receives protocol errors and reconnection notes; nil discards them.
	Logger *slog.Logger

	// Reconnect makes the Manager reopen the connection after the transport
	// is lost (not after a deliberate disconnect by either side), waiting an
	// exponentially growing, jittered delay between attempts.
	Reconnect bool
	// ReconnectDelay is the first delay (1s when zero); it doubles per attempt.
	ReconnectDelay time.Duration
	// ReconnectDelayMax caps the delay (5s when zero).
	ReconnectDelayMax time.Duration
	// ReconnectJitter randomises each delay by ± this fraction (0.5 when zero; negative disables).
	ReconnectJitter float64
	// ReconnectAttempts stops after this many failed attempts in a row (0 means never stop).
	ReconnectAttempts int

	// SendQueue is how many packets may wait for the writer (32 when zero).
	// A full queue makes Emit fail with ErrSendQueueFull instead of blocking.
	SendQueue int
	// WriteTimeout bounds one websocket write (10s when zero); a stuck peer then
	// counts as a transport error rather than a hung writer.
	WriteTimeout time.Duration

	// OnRawMessage, when set, sees every websocket message received, before
	// decoding, on the reader goroutine. It must not keep or modify data.
	OnRawMessage func(data []byte, binary bool)
}

// sharedWriteBuffers lets idle connections of the default dialer hold no write buffer.
var sharedWriteBuffers = &sync.Pool{}

// defaultDialer is tuned for many mostly idle connections: a small read
// buffer (a larger message is simply read in more steps) and pooled write buffers.
var defaultDialer = &websocket.Dialer{
	Proxy:            http.ProxyFromEnvironment,
	HandshakeTimeout: 20 * time.Second,
	ReadBufferSize:   512,
	WriteBufferPool:  sharedWriteBuffers,
}

// withDefaults returns a copy of o with every zero field replaced by its default.
func (o Options) withDefaults() Options {
	if o.Path == "" {
		o.Path = "/socket.io/"
	}
	if o.Dialer == nil {
		o.Dialer = defaultDialer
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.ReconnectDelay <= 0 {
		o.ReconnectDelay = time.Second
	}
	if o.ReconnectDelayMax <= 0 {
		o.ReconnectDelayMax = 5 * time.Second
	}
	if o.ReconnectDelayMax < o.ReconnectDelay {
		o.ReconnectDelayMax = o.ReconnectDelay
	}
	if o.ReconnectJitter == 0 {
		o.ReconnectJitter = 0.5
	}
	if o.ReconnectJitter < 0 {
		o.ReconnectJitter = 0
	}
	if o.SendQueue <= 0 {
		o.SendQueue = 32
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	return o
}
