package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ErrMalformed is wrapped by every decoding error: the peer broke the protocol.
var ErrMalformed = errors.New("socket.io parser: malformed packet")

// DefaultMaxAttachments is the reference server's limit on attachments per binary packet.
const DefaultMaxAttachments = 10

// Decoder turns the Engine.IO messages of one connection back into packets. It keeps the
// half-received binary packet between calls, so it belongs to a single connection and is not
// safe for concurrent use. The zero value is ready to use. Servers and clients decode the same
// format, so both use it.
type Decoder struct {
	// MaxAttachments bounds the attachments a binary packet may announce; 0 means
	// DefaultMaxAttachments. It caps the memory one packet can make us hold.
	MaxAttachments int

	// KeepPlaceholders leaves the placeholders of a binary packet in Data and Args instead of
	// replacing them by base64 strings, and does not check them: the caller resolves them
	// with [ResolvePlaceholders] when (and if) an argument is decoded. The Go client does this
	// so that a binary argument decodes into []byte even inside an `any`, and so that an
	// event nobody listens to costs no rewrite.
	KeepPlaceholders bool

	pending *Packet
}

// Add feeds the next message. It returns the packet the message completes, or nil while a binary
// packet still waits for attachments. Binary messages are kept, not copied, as attachments.
// After an error the Decoder is reset; the connection should be closed.
func (d *Decoder) Add(data []byte, binary bool) (*Packet, error) {
	p, err := d.add(data, binary)
	if err != nil {
		d.pending = nil
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return p, nil
}

func (d *Decoder) add(data []byte, binary bool) (*Packet, error) {
	if binary {
		if d.pending == nil {
			return nil, errors.New("binary message outside a binary packet")
		}
		d.pending.Attachments = append(d.pending.Attachments, data)
		if len(d.pending.Attachments) < cap(d.pending.Attachments) {
			return nil, nil
		}
		p := d.pending
		d.pending = nil
		if d.KeepPlaceholders {
			return p, nil
		}
		p.WireArgs = p.Args
		if err := reconstruct(p); err != nil {
			return nil, err
		}
		// The rewritten payload is valid JSON (reconstruct only puts strings where objects
		// were): cut it again, without validating it again, so that Args point into it.
		if err := splitWith(p, cutArray); err != nil {
			return nil, err
		}
		return p, nil
	}
	if d.pending != nil {
		return nil, errors.New("text message while binary attachments are expected")
	}
	p, n, err := d.decodeText(data)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		p.Attachments = make([][]byte, 0, n)
		d.pending = p
		return nil, nil
	}
	return p, nil
}

// decodeText parses the text message of a packet and returns how many attachments follow it.
func (d *Decoder) decodeText(s []byte) (*Packet, int, error) {
	if len(s) == 0 {
		return nil, 0, errors.New("empty message")
	}
	if s[0] < '0' || s[0] > '0'+byte(BinaryAck) {
		return nil, 0, fmt.Errorf("unknown packet type %q", s[0])
	}
	p := &Packet{Type: Type(s[0] - '0'), Namespace: "/"}
	i := 1
	attachments := 0
	if p.Type.binary() {
		j := bytes.IndexByte(s[i:], '-')
		if j <= 0 {
			return nil, 0, errors.New("illegal attachments")
		}
		n, err := strconv.Atoi(string(s[i : i+j]))
		if err != nil || n < 1 || s[i] == '+' {
			return nil, 0, errors.New("illegal attachments")
		}
		limit := d.MaxAttachments
		if limit <= 0 {
			limit = DefaultMaxAttachments
		}
		if n > limit {
			return nil, 0, fmt.Errorf("too many attachments: %d", n)
		}
		attachments = n
		i += j + 1
	}
	if i < len(s) && s[i] == '/' {
		j := bytes.IndexByte(s[i:], ',')
		if j < 0 {
			p.Namespace = string(s[i:])
			i = len(s)
		} else {
			p.Namespace = string(s[i : i+j])
			i += j + 1
		}
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > start {
		id, err := strconv.ParseUint(string(s[start:i]), 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("bad ack id: %w", err)
		}
		p.ID, p.HasID = id, true
	}
	if i < len(s) {
		p.Data = s[i:]
	}
	if err := validatePayload(p); err != nil {
		return nil, 0, err
	}
	return p, attachments, nil
}

// validatePayload applies the reference's rules on which JSON each packet type may carry, and
// splits the payload of an EVENT or ACK into p.Event and p.Args on the way.
func validatePayload(p *Packet) error {
	data := p.Data
	if len(data) == 0 {
		switch p.Type {
		case Event, BinaryEvent:
			return errors.New("event without payload")
		}
		return nil
	}
	switch first := data[0]; p.Type {
	case Event, BinaryEvent, Ack, BinaryAck:
		return splitPayload(p) // validates the JSON in the same pass
	case Connect:
		if first != '{' {
			return errors.New("CONNECT payload is not an object")
		}
	case Disconnect:
		return errors.New("DISCONNECT with a payload")
	case ConnectError:
		if first != '{' && first != '"' {
			return errors.New("CONNECT_ERROR payload is neither an object nor a string")
		}
	}
	if !json.Valid(data) {
		return errors.New("invalid JSON payload")
	}
	return nil
}
