package engineio

import "sync"

// sharedFrame is the websocket frame of one message that many sessions send: the first
// websocket writer to need it builds it, and every other one writes the same bytes, so a
// broadcast is framed once rather than once per recipient, and no writer copies the
// payload into its own buffer.
type sharedFrame struct {
	once  sync.Once
	bytes []byte
}

// NewSharedMessage returns a message meant for many sessions: sent to each of them (with
// Send or SendVolatile) it is framed for websocket once, by whichever writer gets to it
// first, instead of by every session. Polling sessions send it as any other message.
func NewSharedMessage(binary bool, data []byte) Message {
	return Message{Binary: binary, Data: data, frame: &sharedFrame{}}
}

// wire returns the whole frame of p, building it the first time.
func (f *sharedFrame) wire(p packet) []byte {
	f.once.Do(func() {
		f.bytes = append(appendPacketHeader(make([]byte, 0, maxHeaderLen+len(p.data)), p), p.data...)
	})
	return f.bytes
}
