package client

import (
	"encoding/json"
	"fmt"

	"tankarena/realtime/parser"
)

// Args are the arguments of a received event or acknowledgement. They stay raw
// JSON until asked for, so a handler that ignores them (a load generator) pays
// nothing for decoding. Binary attachments are resolved on demand.
type Args struct {
	raw         []json.RawMessage
	attachments [][]byte
}

// Len returns the number of arguments.
func (a Args) Len() int { return len(a.raw) }

// Raw returns argument i as JSON exactly as the server sent it (binary
// arguments appear as {"_placeholder":true,"num":n}); nil when out of range.
func (a Args) Raw(i int) json.RawMessage {
	if i < 0 || i >= len(a.raw) {
		return nil
	}
	return a.raw[i]
}

// Attachments returns the binary attachments of the packet, in placeholder order.
func (a Args) Attachments() [][]byte { return a.attachments }

// Decode unmarshals argument i into v like json.Unmarshal. Binary attachments
// are put back where their placeholders were: into a *[]byte, an *any, or any
// []byte field or element of v.
func (a Args) Decode(i int, v any) error {
	if i < 0 || i >= len(a.raw) {
		return fmt.Errorf("argument %d of %d: out of range", i, len(a.raw))
	}
	if len(a.attachments) == 0 {
		if err := json.Unmarshal(a.raw[i], v); err != nil {
			return fmt.Errorf("argument %d: %w", i, err)
		}
		return nil
	}
	var tree any
	if err := json.Unmarshal(a.raw[i], &tree); err != nil {
		return fmt.Errorf("argument %d: %w", i, err)
	}
	resolved, err := parser.ResolvePlaceholders(tree, a.attachments)
	if err != nil {
		return fmt.Errorf("argument %d: %w", i, err)
	}
	switch v := v.(type) {
	case *any:
		*v = resolved
		return nil
	case *[]byte:
		if b, ok := resolved.([]byte); ok {
			*v = b
			return nil
		}
	}
	// encoding/json writes []byte as base64 and reads it back into []byte
	// fields, so one round trip places the attachments into any typed value.
	round, err := json.Marshal(resolved)
	if err != nil {
		return fmt.Errorf("argument %d: %w", i, err)
	}
	if err := json.Unmarshal(round, v); err != nil {
		return fmt.Errorf("argument %d: %w", i, err)
	}
	return nil
}

// Scan decodes the first len(dst) arguments into dst, in order (see Decode).
// A nil destination skips its argument.
func (a Args) Scan(dst ...any) error {
	if len(dst) > len(a.raw) {
		return fmt.Errorf("scan %d arguments: only %d received", len(dst), len(a.raw))
	}
	for i, v := range dst {
		if v == nil {
			continue
		}
		if err := a.Decode(i, v); err != nil {
			return err
		}
	}
	return nil
}
