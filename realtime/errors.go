package realtime

import "errors"

var (
	// ErrDisconnected is returned by emits on a socket that left its namespace, and by
	// EmitWithAck when the socket disconnects before answering.
	ErrDisconnected = errors.New("realtime: socket disconnected")
	// ErrReservedEvent is returned when emitting one of the names the client library keeps
	// for itself ("connect", "disconnect", ...).
	ErrReservedEvent = errors.New("realtime: reserved event name")
	// ErrNoAck is returned by Event.Ack when the client asked for no ack or it was already sent.
	ErrNoAck = errors.New("realtime: no ack expected")
)

// ConnectError refuses a connection from a middleware with data for the client: the client's
// "connect_error" handler receives an Error whose message is Message and whose data is Data,
// exactly as with the reference server's next(err) where err.data is set.
type ConnectError struct {
	Message string
	Data    any
}

func (e *ConnectError) Error() string { return e.Message }
