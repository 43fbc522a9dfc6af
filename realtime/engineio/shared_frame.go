package engineio

import (
	"sync"

	"github.com/gorilla/websocket"
)

// sharedFrame is the websocket frame of one message that many sessions send: the first
// websocket writer to need it builds it, and every other one writes the same bytes, so a
// broadcast is framed once rather than once per recipient, and no writer copies the
// payload into its own buffer.
type sharedFrame struct {
	once     sync.Once
	prepared *websocket.PreparedMessage
	err      error
}

// NewSharedMessage returns a message meant for many sessions: sent to each of them (with
// Send or SendVolatile) it is framed for websocket once, by whichever writer gets to it
// first, instead of by every session. Polling sessions send it as any other message.
func NewSharedMessage(binary bool, data []byte) Message {
	return Message{Binary: binary, Data: data, frame: &sharedFrame{}}
}

// get returns the prepared frame of p, building it the first time.
func (f *sharedFrame) get(p packet) (*websocket.PreparedMessage, error) {
	f.once.Do(func() {
		if p.binary {
			f.prepared, f.err = websocket.NewPreparedMessage(websocket.BinaryMessage, p.data)
			return
		}
		text := make([]byte, 0, 1+len(p.data))
		text = append(append(text, byte(p.typ)), p.data...)
		f.prepared, f.err = websocket.NewPreparedMessage(websocket.TextMessage, text)
	})
	return f.prepared, f.err
}
