package realtime

import "tankarena/realtime/engineio"

// Disconnect reasons passed to Socket.OnDisconnect, the same words as the reference server.
const (
	ReasonClientDisconnect = "client namespace disconnect" // the client called socket.disconnect()
	ReasonServerDisconnect = "server namespace disconnect" // the server called Socket.Disconnect
	ReasonTransportClose   = engineio.ReasonTransportClose
	ReasonTransportError   = engineio.ReasonTransportError
	ReasonPingTimeout      = engineio.ReasonPingTimeout
	ReasonParseError       = engineio.ReasonParseError // the client broke the protocol; it is dropped
	ReasonServerShutdown   = engineio.ReasonServerShutdown
	ReasonForcedClose      = engineio.ReasonForcedClose

	// ReasonEventQueueFull is this server's own (the reference has no such limit): the client
	// sent more events than Options.EventQueueSize while its handlers were busy, and its
	// connection was closed.
	ReasonEventQueueFull = "event queue full"
)
