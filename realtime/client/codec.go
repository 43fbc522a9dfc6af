package client

// This file is the client's own Socket.IO v5 packet codec: the text header
// (type, attachment count, namespace, ack id), the JSON payload shapes, and the
// binary placeholders that stand in for []byte arguments. It is deliberately
// self-contained so it can later be swapped for a shared parser.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// packetType is the first character of every Socket.IO packet.
type packetType byte

const (
	packetConnect packetType = iota
	packetDisconnect
	packetEvent
	packetAck
	packetConnectError
	packetBinaryEvent
	packetBinaryAck
)

// maxAttachments bounds how many binary frames one packet may announce, so a
// hostile header cannot make the reader wait for (or allocate) millions of them.
const maxAttachments = 1000

// noAckID marks a packet that neither requests nor answers an acknowledgement.
const noAckID = -1

// packet is one decoded Socket.IO packet; data is the raw JSON payload (nil when absent).
type packet struct {
	typ         packetType
	nsp         string
	id          int64
	attachments int
	data        []byte
}

// errMalformed wraps every decoding failure so callers can tell bad input from I/O errors.
var errMalformed = errors.New("malformed socket.io packet")

// appendPacket writes p in the Socket.IO text format: type[attachments-][nsp,][id][json].
func appendPacket(dst []byte, p *packet) []byte {
	dst = append(dst, '0'+byte(p.typ))
	if p.typ == packetBinaryEvent || p.typ == packetBinaryAck {
		dst = strconv.AppendInt(dst, int64(p.attachments), 10)
		dst = append(dst, '-')
	}
	if p.nsp != "" && p.nsp != "/" {
		dst = append(dst, p.nsp...)
		dst = append(dst, ',')
	}
	if p.id >= 0 {
		dst = strconv.AppendInt(dst, p.id, 10)
	}
	return append(dst, p.data...)
}

// decodePacket parses the text form of a packet. It checks the header and the
// outer shape of the payload the type requires; it never panics on any input.
func decodePacket(s []byte) (packet, error) {
	p := packet{nsp: "/", id: noAckID}
	if len(s) == 0 || s[0] < '0' || s[0] > '0'+byte(packetBinaryAck) {
		return p, fmt.Errorf("%w: bad type", errMalformed)
	}
	p.typ = packetType(s[0] - '0')
	i := 1
	if p.typ == packetBinaryEvent || p.typ == packetBinaryAck {
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start || i >= len(s) || s[i] != '-' || i-start > 4 {
			return p, fmt.Errorf("%w: bad attachment count", errMalformed)
		}
		n, _ := strconv.Atoi(string(s[start:i])) // at most 4 digits, cannot fail
		if n > maxAttachments {
			return p, fmt.Errorf("%w: %d attachments", errMalformed, n)
		}
		p.attachments = n
		i++
	}
	if i < len(s) && s[i] == '/' {
		start := i
		for i < len(s) && s[i] != ',' {
			i++
		}
		p.nsp = string(s[start:i])
		if i < len(s) {
			i++ // the comma
		}
	}
	if start := i; i < len(s) && isDigit(s[i]) {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		id, err := strconv.ParseInt(string(s[start:i]), 10, 64)
		if err != nil {
			return p, fmt.Errorf("%w: ack id: %v", errMalformed, err)
		}
		p.id = id
	}
	if i < len(s) {
		p.data = s[i:]
	}
	if err := checkShape(&p); err != nil {
		return p, err
	}
	return p, nil
}

// checkShape verifies the payload starts as the JSON kind the packet type
// calls for; the payload itself is validated where it is parsed.
func checkShape(p *packet) error {
	first := byte(0)
	if len(p.data) > 0 {
		first = p.data[0]
	}
	ok := false
	switch p.typ {
	case packetConnect:
		ok = first == 0 || first == '{'
	case packetDisconnect:
		ok = first == 0
	case packetEvent, packetBinaryEvent:
		ok = first == '['
	case packetAck, packetBinaryAck:
		ok = first == '[' && p.id >= 0
	case packetConnectError:
		ok = first == '{' || first == '"'
	}
	if !ok {
		return fmt.Errorf("%w: unexpected payload for type %d", errMalformed, p.typ)
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// splitEvent splits an event payload ["name", args...] into its name and arguments.
func splitEvent(data []byte) (string, []json.RawMessage, error) {
	all, err := splitArray(data)
	if err != nil {
		return "", nil, err
	}
	if len(all) == 0 {
		return "", nil, fmt.Errorf("%w: event without a name", errMalformed)
	}
	first := all[0]
	if len(first) >= 2 && first[0] == '"' && bytes.IndexByte(first, '\\') < 0 {
		return string(first[1 : len(first)-1]), all[1:], nil // the usual name needs no unescaping
	}
	var name string
	if err := json.Unmarshal(first, &name); err != nil {
		return "", nil, fmt.Errorf("%w: event name is not a string", errMalformed)
	}
	return name, all[1:], nil
}

// splitArray returns the elements of a JSON array as sub-slices of data,
// without copying them: one validating pass, then one pass for the commas
// at depth one. It is the hot path of every received event and ack.
func splitArray(data []byte) ([]json.RawMessage, error) {
	if !json.Valid(data) {
		return nil, fmt.Errorf("%w: invalid JSON payload", errMalformed)
	}
	data = bytes.TrimSpace(data)
	if len(data) < 2 || data[0] != '[' {
		return nil, fmt.Errorf("%w: payload is not an array", errMalformed)
	}
	elems := make([]json.RawMessage, 0, 4) // most events carry a name and a few arguments
	depth, start := 0, 1
	inString, escaped := false, false
	for i, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				if elem := bytes.TrimSpace(data[start:i]); len(elem) > 0 {
					elems = append(elems, elem)
				}
			}
		case c == ',' && depth == 1:
			elems = append(elems, bytes.TrimSpace(data[start:i]))
			start = i + 1
		}
	}
	return elems, nil
}

// placeholder stands in a JSON payload for the binary attachment number Num.
type placeholder struct {
	Placeholder bool `json:"_placeholder"`
	Num         int  `json:"num"`
}

// encodeArgs marshals a JSON array of head (if not nil) followed by args. Every
// []byte found at the top level or inside []any / map[string]any values is
// replaced by a placeholder and returned as an attachment, in order.
func encodeArgs(head any, args []any) (payload []byte, attachments [][]byte, err error) {
	list := make([]any, 0, len(args)+1)
	if head != nil {
		list = append(list, head)
	}
	for _, a := range args {
		if hasBinary(a) {
			a = extractBinary(a, &attachments)
		}
		list = append(list, a)
	}
	payload, err = json.Marshal(list)
	if err != nil {
		return nil, nil, fmt.Errorf("encode arguments: %w", err)
	}
	return payload, attachments, nil
}

// hasBinary reports whether v holds a []byte that must travel as an attachment;
// it lets the common text-only path skip copying the argument tree.
func hasBinary(v any) bool {
	switch v := v.(type) {
	case []byte:
		return true
	case []any:
		for _, e := range v {
			if hasBinary(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range v {
			if hasBinary(e) {
				return true
			}
		}
	}
	return false
}

// extractBinary returns a copy of v whose []byte values are placeholders, appending the bytes to out.
func extractBinary(v any, out *[][]byte) any {
	switch v := v.(type) {
	case []byte:
		*out = append(*out, v)
		return placeholder{Placeholder: true, Num: len(*out) - 1}
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = extractBinary(e, out)
		}
		return c
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = extractBinary(e, out)
		}
		return c
	}
	return v
}

// resolvePlaceholders replaces, anywhere in a decoded JSON tree, placeholder
// objects by their attachment bytes. An out-of-range number is an error.
func resolvePlaceholders(v any, attachments [][]byte) (any, error) {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			r, err := resolvePlaceholders(e, attachments)
			if err != nil {
				return nil, err
			}
			v[i] = r
		}
	case map[string]any:
		if isPlaceholder, _ := v["_placeholder"].(bool); isPlaceholder {
			num, ok := v["num"].(float64)
			if !ok || num < 0 || num >= float64(len(attachments)) || num != float64(int(num)) {
				return nil, fmt.Errorf("%w: placeholder %v has no attachment", errMalformed, v["num"])
			}
			return attachments[int(num)], nil
		}
		for k, e := range v {
			r, err := resolvePlaceholders(e, attachments)
			if err != nil {
				return nil, err
			}
			v[k] = r
		}
	}
	return v, nil
}
