package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// splitArray returns the elements of a JSON array as sub-slices of data, without copying them:
// one validating pass (json.Valid), then one pass that cuts at the commas of depth one. It is
// the hot path of every received event and ack, on both the server and the client; decoding
// into []json.RawMessage with encoding/json costs about three times as much.
func splitArray(data []byte) ([]json.RawMessage, error) {
	if !json.Valid(data) {
		return nil, errors.New("invalid JSON payload")
	}
	return cutArray(data)
}

// cutArray is splitArray for data already known to be valid JSON. Strings are skipped with
// bytes.IndexByte, so that long ones (base64 attachments, chat text) cost little.
func cutArray(data []byte) ([]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '[' {
		return nil, errors.New("payload is not an array")
	}
	elems := make([]json.RawMessage, 0, 4) // most events carry a name and a few arguments
	depth, start := 0, 1
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			end := closingQuote(data, i+1)
			if end < 0 {
				return nil, errors.New("unterminated string")
			}
			i = end
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				if elem := bytes.TrimSpace(data[start:i]); len(elem) > 0 {
					elems = append(elems, elem)
				}
			}
		case ',':
			if depth == 1 {
				elems = append(elems, bytes.TrimSpace(data[start:i]))
				start = i + 1
			}
		}
	}
	return elems, nil
}

// closingQuote returns the index of the quote that ends the string whose content starts at i,
// or -1. A quote preceded by an odd number of backslashes is part of the string.
func closingQuote(data []byte, i int) int {
	for {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		backslashes := 0
		for k := q - 1; k >= i && data[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return q
		}
		i = q + 1
	}
}

// eventName reads the name of an event from the first element of its payload. The usual name
// needs no unescaping and is taken as is; anything else (escapes, invalid UTF-8 that
// encoding/json replaces) goes through encoding/json.
func eventName(first json.RawMessage) (string, error) {
	if len(first) >= 2 && first[0] == '"' && bytes.IndexByte(first, '\\') < 0 && utf8.Valid(first) {
		return string(first[1 : len(first)-1]), nil
	}
	var name string
	if len(first) == 0 || first[0] != '"' || json.Unmarshal(first, &name) != nil { // null would pass as ""
		return "", errors.New("event name is not a string")
	}
	return name, nil
}

// splitPayload fills p.Event and p.Args from p.Data for the packet types that carry arguments,
// and refuses invalid JSON, an event without a name or with a reserved one.
func splitPayload(p *Packet) error {
	return splitWith(p, splitArray)
}

func splitWith(p *Packet, split func([]byte) ([]json.RawMessage, error)) error {
	p.Event, p.Args = "", nil
	switch p.Type {
	case Event, BinaryEvent, Ack, BinaryAck:
	default:
		return nil
	}
	if len(p.Data) == 0 {
		return nil // an ACK may come without payload; validatePayload refuses such an EVENT
	}
	elems, err := split(p.Data)
	if err != nil {
		return err
	}
	if p.Type == Ack || p.Type == BinaryAck {
		p.Args = elems
		return nil
	}
	if len(elems) == 0 {
		return errors.New("event without a name")
	}
	name, err := eventName(elems[0])
	if err != nil {
		return err
	}
	if IsReserved(name) {
		return fmt.Errorf("reserved event name %q", name)
	}
	p.Event, p.Args = name, elems[1:]
	return nil
}

// reservedEvents may not be sent by a peer: they name the library's own lifecycle events.
var reservedEvents = map[string]bool{
	"connect": true, "connect_error": true, "disconnect": true,
	"disconnecting": true, "newListener": true, "removeListener": true,
}

// IsReserved reports whether name is one of the events the Socket.IO libraries use for
// themselves ("connect", "disconnect", ...). Neither side may emit such an event, and the
// Decoder refuses one received.
func IsReserved(name string) bool { return reservedEvents[name] }
