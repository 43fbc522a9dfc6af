package engineio

import "sync/atomic"

// Stats is a snapshot of a server's counters since it was created, for metrics and logs.
// Every field but the Open* gauges only grows, so each maps to a Prometheus counter.
// Bytes are Engine.IO-encoded packets (websocket frame payloads, polling bodies), without
// HTTP or websocket framing.
type Stats struct {
	OpenPolling   int64 // sessions open now whose transport is polling
	OpenWebSocket int64 // sessions open now whose transport is websocket

	Handshakes int64 // sessions opened
	Upgrades   int64 // sessions moved from polling to websocket

	Closes   CloseStats  // sessions closed, by reason
	Rejected RejectStats // requests refused before reaching a session

	MessagesReceived int64 // message packets delivered to OnMessage (or dropped for lack of it)
	MessagesSent     int64 // message packets written to the network
	BytesReceived    int64
	BytesSent        int64

	VolatileDropped  int64 // messages SendVolatile dropped: the transport was busy or the session closed
	QueueFullCloses  int64 // sessions closed because Send would overflow SendQueueSize
	QueueBytesCloses int64 // sessions closed because Send would take their backlog over SendQueueBytes
	WriteTimeouts    int64 // sessions closed because a write stayed blocked past WriteTimeout
	ParseErrors      int64 // malformed packets or payloads (each closes its session)
	OversizePayloads int64 // websocket frames or POST bodies over MaxPayload
}

// CloseStats counts closed sessions by the reason OnClose got.
type CloseStats struct {
	TransportClose int64
	TransportError int64
	PingTimeout    int64
	ParseError     int64
	ForcedClose    int64
	ServerShutdown int64
	Other          int64 // reasons an application passed to Session.Close
}

// RejectStats counts refused requests by cause.
type RejectStats struct {
	ServerFull    int64 // handshakes over MaxConnections
	PerIPLimit    int64 // handshakes over MaxConnectionsPerIP
	HandshakeRate int64 // handshakes over HandshakeRatePerIP
	BadRequest    int64 // unknown transport, bad method or protocol version, malformed request
	Forbidden     int64 // refused by AllowRequest or the websocket origin check
	UnknownSID    int64 // requests for a session that does not exist (any more)
	ShuttingDown  int64 // handshakes after Server.Close
	UpgradeFailed int64 // websocket upgrades of a polling session refused or aborted
}

// counters holds the live values behind Stats; every update is one atomic add, so the hot
// paths (sending and receiving) take no lock for them.
type counters struct {
	openPolling, openWebSocket atomic.Int64
	handshakes, upgrades       atomic.Int64

	closeTransportClose, closeTransportError, closePingTimeout, closeParseError,
	closeForced, closeShutdown, closeOther atomic.Int64

	rejectServerFull, rejectPerIP, rejectHandshakeRate, rejectBadRequest, rejectForbidden, rejectUnknownSID,
	rejectShuttingDown, rejectUpgrade atomic.Int64

	msgsIn, msgsOut, bytesIn, bytesOut atomic.Int64

	volatileDropped, queueFullCloses, queueBytesCloses, writeTimeouts, parseErrors, oversize atomic.Int64
}

// Stats returns the server's counters. Each field is read atomically on its own, so fields
// updated together may be momentarily out of step with each other.
func (s *Server) Stats() Stats {
	c := &s.counters
	return Stats{
		OpenPolling:   c.openPolling.Load(),
		OpenWebSocket: c.openWebSocket.Load(),
		Handshakes:    c.handshakes.Load(),
		Upgrades:      c.upgrades.Load(),
		Closes: CloseStats{
			TransportClose: c.closeTransportClose.Load(),
			TransportError: c.closeTransportError.Load(),
			PingTimeout:    c.closePingTimeout.Load(),
			ParseError:     c.closeParseError.Load(),
			ForcedClose:    c.closeForced.Load(),
			ServerShutdown: c.closeShutdown.Load(),
			Other:          c.closeOther.Load(),
		},
		Rejected: RejectStats{
			ServerFull:    c.rejectServerFull.Load(),
			PerIPLimit:    c.rejectPerIP.Load(),
			HandshakeRate: c.rejectHandshakeRate.Load(),
			BadRequest:    c.rejectBadRequest.Load(),
			Forbidden:     c.rejectForbidden.Load(),
			UnknownSID:    c.rejectUnknownSID.Load(),
			ShuttingDown:  c.rejectShuttingDown.Load(),
			UpgradeFailed: c.rejectUpgrade.Load(),
		},
		MessagesReceived: c.msgsIn.Load(),
		MessagesSent:     c.msgsOut.Load(),
		BytesReceived:    c.bytesIn.Load(),
		BytesSent:        c.bytesOut.Load(),
		VolatileDropped:  c.volatileDropped.Load(),
		QueueFullCloses:  c.queueFullCloses.Load(),
		QueueBytesCloses: c.queueBytesCloses.Load(),
		WriteTimeouts:    c.writeTimeouts.Load(),
		ParseErrors:      c.parseErrors.Load(),
		OversizePayloads: c.oversize.Load(),
	}
}

// open returns the gauge of sessions open on transport.
func (c *counters) open(transport string) *atomic.Int64 {
	if transport == TransportWebSocket {
		return &c.openWebSocket
	}
	return &c.openPolling
}

// closed counts one session closed for reason.
func (c *counters) closed(reason string) {
	switch reason {
	case ReasonTransportClose:
		c.closeTransportClose.Add(1)
	case ReasonTransportError:
		c.closeTransportError.Add(1)
	case ReasonPingTimeout:
		c.closePingTimeout.Add(1)
	case ReasonParseError:
		c.closeParseError.Add(1)
	case ReasonForcedClose:
		c.closeForced.Add(1)
	case ReasonServerShutdown:
		c.closeShutdown.Add(1)
	default:
		c.closeOther.Add(1)
	}
}

// rejected counts one request refused with code.
func (c *counters) rejected(code errorCode) {
	switch code {
	case errServerFull:
		c.rejectServerFull.Add(1)
	case errTooManyFromAddress:
		c.rejectPerIP.Add(1)
	case errTooManyHandshakes:
		c.rejectHandshakeRate.Add(1)
	case errForbidden:
		c.rejectForbidden.Add(1)
	case errUnknownSID:
		c.rejectUnknownSID.Add(1)
	default:
		c.rejectBadRequest.Add(1)
	}
}
