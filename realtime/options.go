package realtime

import (
	"log/slog"
	"time"

	"tankarena/realtime/engineio"
)

// DefaultConnectTimeout is how long a new connection may stay without joining any namespace
// before it is closed, the reference server's connectTimeout.
const DefaultConnectTimeout = 45 * time.Second

// DefaultEventQueueSize is the default Options.EventQueueSize.
const DefaultEventQueueSize = 128

// Options configures a Server. The zero value serves the reference defaults at /socket.io/.
type Options struct {
	// Engine is passed to the Engine.IO server unchanged: path, ping timing, payload limit,
	// transports, CORS, origin checks, queue sizes. Its Logger is used by this layer too.
	Engine engineio.Options

	// ConnectTimeout closes a connection that sent no CONNECT packet in time, so idle
	// transports cannot pile up. Zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration

	// NewAdapter makes the room registry and broadcaster of each namespace. Nil means the
	// in-memory NewMemoryAdapter; a multi-node adapter plugs in here.
	NewAdapter func(Local) Adapter

	// MaxAttachments bounds the binary attachments of one incoming packet; zero means the
	// reference's 10.
	MaxAttachments int

	// EventQueueSize bounds the events waiting for one socket's handlers. A client that sends
	// more while its handlers are busy is disconnected with ReasonEventQueueFull, so a flood
	// costs bounded memory and never stalls the connection. Zero means DefaultEventQueueSize.
	EventQueueSize int

	// DisableClientScript stops serving <path>socket.io.js (the reference's serveClient: false).
	DisableClientScript bool
}

func (o Options) withDefaults() Options {
	if o.Engine.Path == "" {
		o.Engine.Path = "/socket.io/"
	}
	if o.Engine.Logger == nil {
		o.Engine.Logger = slog.Default()
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.EventQueueSize <= 0 {
		o.EventQueueSize = DefaultEventQueueSize
	}
	if o.NewAdapter == nil {
		o.NewAdapter = NewMemoryAdapter
	}
	return o
}
