package redisadapter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/vmihailenco/msgpack/v5"

	"tankarena/realtime/parser"
)

// The wire format of the reference, @socket.io/redis-adapter 8 (notepack.io for MessagePack):
//
//   - A broadcast is published on "<key>#<nsp>#", or "<key>#<nsp>#<room>#" when it names exactly
//     one room, as the MessagePack array [uid, packet, opts]: uid names the sending node, packet
//     is the socket.io-parser packet before encoding {type: 2, data: [event, ...args], nsp}
//     with binary arguments as MessagePack binary, opts is {rooms: [...], except: [...],
//     flags: {volatile: true, ...}}. Every node pattern-subscribes to "<key>#<nsp>#*".
//   - Requests between nodes go to "<key>-request#<nsp>#" as JSON objects, except the broadcast
//     with acknowledgements, which is MessagePack ({uid, requestId, type: 7, packet, opts}).
//     Answers go to "<key>-response#<nsp>#" (or, when the asker wants it, to
//     "<key>-response#<nsp>#<uid>#"), as JSON, except the acknowledgements themselves (type 9),
//     MessagePack. A message that starts with "{" is JSON, any other MessagePack.
//   - How many nodes there are is the number of subscribers of the request channel (PUBSUB
//     NUMSUB), so every node subscribes to it and answers every request that expects answers.

// DefaultKey is the reference's channel prefix.
const DefaultKey = "socket.io"

// The request types of the reference, numbered as there.
const (
	reqSockets          = 0
	reqAllRooms         = 1
	reqRemoteJoin       = 2
	reqRemoteLeave      = 3
	reqRemoteDisconnect = 4
	reqRemoteFetch      = 5
	reqServerSideEmit   = 6
	reqBroadcast        = 7
	resClientCount      = 8
	resBroadcastAck     = 9
)

// The socket.io-parser packet type a broadcast carries: events only cross nodes as EVENT; the
// receiving side makes a BINARY_EVENT of it when its data holds binary.
const packetEvent = 2

// channels are the names one namespace uses.
type channels struct {
	broadcast string // "<key>#<nsp>#", the prefix of every broadcast channel
	request   string
	response  string
	specific  string // response + uid + "#"
}

func newChannels(key, nsp, uid string) channels {
	c := channels{
		broadcast: key + "#" + nsp + "#",
		request:   key + "-request#" + nsp + "#",
		response:  key + "-response#" + nsp + "#",
	}
	c.specific = c.response + uid + "#"
	return c
}

// roomChannel is where a broadcast to exactly one room is published.
func (c channels) roomChannel(room string) string { return c.broadcast + room + "#" }

// remoteOpts are a broadcast's rooms, exceptions and flags as they cross.
type remoteOpts struct {
	Rooms    []string
	Except   []string
	Volatile bool
}

func (o remoteOpts) tree() map[string]any {
	flags := map[string]any{}
	if o.Volatile {
		flags["volatile"] = true
	}
	return map[string]any{"rooms": nonNil(o.Rooms), "except": nonNil(o.Except), "flags": flags}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// optsFrom reads the rooms, exceptions and flags of a received tree; missing parts are empty.
func optsFrom(v any) (remoteOpts, error) {
	var o remoteOpts
	if v == nil {
		return o, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return o, fmt.Errorf("redisadapter: opts of type %T", v)
	}
	var err error
	if o.Rooms, err = roomList(m["rooms"]); err != nil {
		return o, err
	}
	if o.Except, err = roomList(m["except"]); err != nil {
		return o, err
	}
	if flags, ok := m["flags"].(map[string]any); ok {
		o.Volatile, _ = flags["volatile"].(bool)
	}
	return o, nil
}

func roomList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("redisadapter: room list of type %T", v)
	}
	rooms := make([]string, 0, len(list))
	for _, r := range list {
		name, ok := keyString(r)
		if !ok {
			return nil, fmt.Errorf("redisadapter: room of type %T", r)
		}
		rooms = append(rooms, name)
	}
	return rooms, nil
}

// packetTree turns an EVENT packet built by realtime (JSON data with binary placeholders, and
// its attachments) into the reference's packet object, binary as binary.
func packetTree(pkt *parser.Packet, nsp string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(pkt.Data))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		return nil, fmt.Errorf("redisadapter: packet data: %w", err)
	}
	data, err := parser.ResolvePlaceholders(data, pkt.Attachments)
	if err != nil {
		return nil, fmt.Errorf("redisadapter: packet data: %w", err)
	}
	// No ack id, even for a broadcast with acks: as in the reference, each node gives it one.
	return map[string]any{"type": packetEvent, "data": data, "nsp": nsp}, nil
}

// errNotEvent marks a packet that is not an event with arguments; such packets are ignored.
var errNotEvent = errors.New("redisadapter: not an event packet")

// packetFrom turns a received packet object into a realtime packet of namespace nsp: data
// written as JSON with placeholders and attachments. An ack id it may carry is not used: the
// receiving node numbers a broadcast with acks itself.
func packetFrom(v any) (pkt *parser.Packet, nsp string, err error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, "", errNotEvent
	}
	nsp = "/"
	if s, ok := m["nsp"].(string); ok {
		nsp = s
	} else if m["nsp"] != nil {
		return nil, "", fmt.Errorf("redisadapter: nsp of type %T", m["nsp"])
	}
	if typ, ok := intOf(m["type"]); !ok || (typ != packetEvent && typ != int64(parser.BinaryEvent)) {
		return nil, "", errNotEvent
	}
	data, ok := m["data"].([]any)
	if !ok || len(data) == 0 {
		return nil, "", errNotEvent
	}
	if _, ok := data[0].(string); !ok {
		return nil, "", errNotEvent
	}
	raw, atts, err := parser.MarshalArgs(data...)
	if err != nil {
		return nil, "", err
	}
	return &parser.Packet{Type: parser.Event, Namespace: nsp, Data: raw, Attachments: atts}, nsp, nil
}

// intOf reads a whole number of any numeric form.
func intOf(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case uint64:
		if v <= math.MaxInt64 {
			return int64(v), true
		}
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true
		}
	case json.Number:
		i, err := v.Int64()
		return i, err == nil
	}
	return 0, false
}

// encodeBroadcast writes the message [uid, packet, opts].
func encodeBroadcast(uid string, packet map[string]any, opts remoteOpts) ([]byte, error) {
	var buf bytes.Buffer
	e := msgpack.NewEncoder(&buf)
	if err := writeTree(e, []any{uid, packet, opts.tree()}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// broadcastMsg is a decoded broadcast from another node.
type broadcastMsg struct {
	uid  string
	pkt  *parser.Packet
	nsp  string
	opts remoteOpts
}

// errOwn marks a message this node sent itself: the pattern subscription hears those too.
var errOwn = errors.New("redisadapter: own message")

// decodeBroadcast reads [uid, packet, opts]. It stops after the uid when the message is the
// node's own, the cheap common case on a busy node.
func decodeBroadcast(msg []byte, ownUID string) (broadcastMsg, error) {
	var b broadcastMsg
	t := newTreeReader(msg)
	n, err := t.d.DecodeArrayLen()
	if err != nil {
		return b, err
	}
	if n < 2 {
		return b, fmt.Errorf("redisadapter: broadcast of %d elements", n)
	}
	uid, err := t.value(1)
	if err != nil {
		return b, err
	}
	if b.uid, _ = uid.(string); b.uid == ownUID {
		return b, errOwn
	}
	packet, err := t.value(1)
	if err != nil {
		return b, err
	}
	var opts any
	if n >= 3 {
		if opts, err = t.value(1); err != nil {
			return b, err
		}
	}
	if b.pkt, b.nsp, err = packetFrom(packet); err != nil {
		return b, err
	}
	b.opts, err = optsFrom(opts)
	return b, err
}

// decodeObject reads a request or response: JSON when it starts with "{", else MessagePack.
// JSON numbers come as json.Number, MessagePack ones as int64, uint64 or float64.
func decodeObject(msg []byte) (map[string]any, error) {
	if len(msg) > 0 && msg[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("redisadapter: JSON message: %w", err)
		}
		return m, nil
	}
	return newTreeReader(msg).object(0)
}

// encodeObject writes a MessagePack object (the broadcast-with-ack request and its acks).
func encodeObject(m map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeTree(msgpack.NewEncoder(&buf), m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
