package realtime

import (
	"net/http"

	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
)

// conn is the part of an Engine.IO session this layer writes to; *engineio.Session has it.
// Keeping it this small lets the benchmarks drive thousands of sockets without a network.
type conn interface {
	ID() string
	ClientIP() string
	Request() *http.Request
	Transport() string
	Send(msgs ...engineio.Message) error
	SendVolatile(msgs ...engineio.Message) bool
	Close(reason string)
}

// messages turns an encoded packet into the Engine.IO messages that carry it. The result shares
// the encoded bytes and is never modified, so it may go to any number of sessions.
func messages(enc parser.Encoded) []engineio.Message {
	msgs := make([]engineio.Message, 1+len(enc.Attachments))
	msgs[0] = engineio.Message{Data: enc.Text}
	for i, a := range enc.Attachments {
		msgs[i+1] = engineio.Message{Binary: true, Data: a}
	}
	return msgs
}

// sharedMessages is messages for a broadcast: each message is framed for websocket once, by
// the first recipient's writer, and the other recipients write the same frame.
func sharedMessages(enc parser.Encoded) []engineio.Message {
	msgs := make([]engineio.Message, 1+len(enc.Attachments))
	msgs[0] = engineio.NewSharedMessage(false, enc.Text)
	for i, a := range enc.Attachments {
		msgs[i+1] = engineio.NewSharedMessage(true, a)
	}
	return msgs
}
