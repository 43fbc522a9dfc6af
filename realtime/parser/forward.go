package parser

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ForwardArg returns one received argument, raw as it came (placeholders in place), as a
// value that MarshalArgs writes back unchanged, binary as binary: raw itself when no
// placeholder can be in it (the common case, seen without decoding it), else its JSON tree
// with every placeholder replaced by the attachment it names, as []byte. In the tree numbers
// are json.Number, written back digit for digit; objects are written back with their keys
// sorted. It is what a relay needs to send on what it received.
func ForwardArg(raw json.RawMessage, attachments [][]byte) (any, error) {
	if len(attachments) == 0 || !bytes.Contains(raw, []byte(`"_placeholder"`)) {
		return raw, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("socket.io parser: argument: %w", err)
	}
	return ResolvePlaceholders(tree, attachments)
}
