package parser

import (
	"encoding/json"
	"strconv"
)

// Type is a Socket.IO packet type; its value is the digit that starts the text encoding.
type Type byte

// The packet types of protocol v5.
const (
	Connect Type = iota
	Disconnect
	Event
	Ack
	ConnectError
	BinaryEvent
	BinaryAck
)

var typeNames = [...]string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

func (t Type) binary() bool { return t == BinaryEvent || t == BinaryAck }

// Packet is one Socket.IO packet.
//
// Data is the JSON payload as sent on the wire, nil when there is none. For a decoded binary
// packet the placeholders in Data have already been replaced by the attachments as base64 JSON
// strings, so that encoding/json decodes them straight into []byte; Attachments still holds the
// raw bytes. For encoding, Data holds the placeholders made by [MarshalArgs] and Attachments the
// bytes they stand for.
type Packet struct {
	Type        Type
	HasID       bool   // next to Type, where it fits in the same word
	Namespace   string // "" is the main namespace "/"
	ID          uint64 // the ack id, meaningful only when HasID
	Data        json.RawMessage
	Attachments [][]byte

	// Event and Args are set by the Decoder, and ignored by Encode. For an EVENT, Event is its
	// name and Args the elements of Data after it; for an ACK, Args are all the elements of
	// Data. Args are sub-slices of Data, cut without copying.
	Event string
	Args  []json.RawMessage

	// WireArgs are, for a binary EVENT or ACK whose placeholders the Decoder replaced, its
	// Args as they came, placeholders in place (also sub-slices of the text message): what
	// tells a binary argument from a string, so that it can be sent on as binary. nil
	// otherwise, where Args are already that.
	WireArgs []json.RawMessage
}

// Encoded is a packet ready for the transport: one text message then the binary attachments.
// It is never modified after Encode, so one Encoded may be sent to many connections.
type Encoded struct {
	Text        []byte
	Attachments [][]byte
}

// Encode writes p in the v5 text format. An EVENT or ACK that carries attachments is written as
// BINARY_EVENT or BINARY_ACK, so callers only ever build the plain types.
func Encode(p *Packet) Encoded {
	buf := make([]byte, 0, 8+len(p.Namespace)+len(p.Data))
	return Encoded{Text: AppendText(buf, p), Attachments: p.Attachments}
}

// AppendText appends the text message of p, as Encode writes it, to dst. It lets a caller that
// frames the message itself (a client putting the Engine.IO type in front) build it in one buffer.
func AppendText(dst []byte, p *Packet) []byte {
	t := p.Type
	if len(p.Attachments) > 0 {
		switch t {
		case Event:
			t = BinaryEvent
		case Ack:
			t = BinaryAck
		}
	}
	buf := append(dst, '0'+byte(t))
	if t.binary() {
		buf = strconv.AppendInt(buf, int64(len(p.Attachments)), 10)
		buf = append(buf, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		buf = append(buf, p.Namespace...)
		buf = append(buf, ',')
	}
	if p.HasID {
		buf = strconv.AppendUint(buf, p.ID, 10)
	}
	return append(buf, p.Data...)
}
