package client

import (
	"errors"
	"fmt"

	"tankarena/realtime/parser"
)

// The client speaks the same packet format as the server and shares its codec, package
// parser; this file only frames parser packets as Engine.IO messages.

// errMalformed wraps every protocol violation by the server that the parser itself does not
// refuse, so the reader can tell bad input from I/O errors.
var errMalformed = errors.New("socket.io client: malformed packet")

// frame writes p as one Engine.IO "message": the type '4' then the Socket.IO text, followed by
// the binary attachments, built in a single buffer.
func frame(p *parser.Packet) outgoing {
	text := make([]byte, 1, 16+len(p.Namespace)+len(p.Data))
	text[0] = '4'
	return outgoing{text: parser.AppendText(text, p), binary: p.Attachments}
}

// argsPacket builds an EVENT (when name is not "") or an ACK whose payload is name then args;
// []byte arguments, wherever they sit, become binary attachments.
func argsPacket(typ parser.Type, nsp string, id uint64, hasID bool, name string, args []any) (outgoing, error) {
	values := args
	if name != "" {
		values = make([]any, 0, len(args)+1)
		values = append(values, name)
		values = append(values, args...)
	}
	data, attachments, err := parser.MarshalArgs(values...)
	if err != nil {
		return outgoing{}, fmt.Errorf("socket.io client: encode arguments: %w", err)
	}
	return frame(&parser.Packet{Type: typ, Namespace: nsp, ID: id, HasID: hasID, Data: data, Attachments: attachments}), nil
}
