package redisadapter

import (
	"encoding/json"
	"strings"
	"time"

	"tankarena/realtime"
)

// onRequest answers a request of another node. Its own requests, which it hears too, are
// skipped (remote join, leave and disconnect were carried out here when sent).
func (a *Adapter) onRequest(payload []byte) {
	n := a.node
	m, err := decodeObject(payload)
	if err != nil {
		n.stats.malformed.Add(1)
		return
	}
	typ, ok := intOf(m["type"])
	if !ok {
		n.stats.malformed.Add(1)
		return
	}
	uid, _ := m["uid"].(string)
	id, _ := keyString(m["requestId"])
	own := uid == n.uid
	switch typ {
	case reqSockets, reqAllRooms, reqRemoteFetch, reqServerSideEmit, reqBroadcast,
		reqRemoteJoin, reqRemoteLeave, reqRemoteDisconnect: // the last three acted on when sent
		if own {
			n.stats.own.Add(1)
			return
		}
	}
	switch typ {
	case reqSockets:
		rooms, err := roomList(m["rooms"])
		if err != nil {
			n.stats.malformed.Add(1)
			return
		}
		a.respond(map[string]any{"requestId": id, "sockets": nonNil(a.Adapter.Sockets(rooms, nil))})
	case reqAllRooms:
		a.respond(map[string]any{"requestId": id, "rooms": a.allRooms()})
	case reqRemoteFetch:
		opts, err := optsFrom(m["opts"])
		if err != nil {
			n.stats.malformed.Add(1)
			return
		}
		a.respond(map[string]any{"requestId": id, "sockets": a.localSockets(opts.Rooms, opts.Except)})
	case reqRemoteJoin, reqRemoteLeave, reqRemoteDisconnect:
		if !a.onRemoteAction(typ, id, m) {
			n.stats.malformed.Add(1)
			return
		}
	case reqServerSideEmit:
		if !a.onServerSideEmit(id, m["data"]) {
			n.stats.malformed.Add(1)
			return
		}
	case reqBroadcast:
		if !a.onBroadcastWithAck(id, m) {
			n.stats.malformed.Add(1)
			return
		}
	default:
		n.stats.foreign.Add(1)
		return
	}
	n.stats.received.Add(1)
}

// respond publishes a JSON answer on the namespace's response channel, which every node hears.
func (a *Adapter) respond(v map[string]any) {
	payload, err := json.Marshal(v)
	if err != nil {
		a.node.stats.unencodable.Add(1)
		return
	}
	a.node.enqueue(outgoing{channel: a.ch.response, payload: payload})
}

// onRemoteAction makes this node's selected sockets join or leave rooms, or disconnects them.
// The request selects them by rooms (the current reference) or names one socket (older ones,
// which want an answer).
func (a *Adapter) onRemoteAction(typ int64, id string, m map[string]any) bool {
	rooms, err := roomList(m["rooms"])
	if err != nil {
		return false
	}
	closeConn, _ := m["close"].(bool)
	act := func(s *realtime.Socket) {
		switch typ {
		case reqRemoteJoin:
			s.Join(rooms...)
		case reqRemoteLeave:
			for _, r := range rooms {
				s.Leave(r)
			}
		case reqRemoteDisconnect:
			s.Disconnect(closeConn)
		}
	}
	if m["opts"] != nil {
		opts, err := optsFrom(m["opts"])
		if err != nil {
			return false
		}
		for _, sid := range a.Adapter.Sockets(opts.Rooms, opts.Except) {
			if s := a.local.Socket(sid); s != nil {
				act(s)
			}
		}
		return true
	}
	sid, _ := m["sid"].(string)
	s := a.local.Socket(sid)
	if s == nil {
		return true // another node's socket
	}
	if room, ok := keyString(m["room"]); ok {
		rooms = []string{room}
	}
	act(s)
	a.respond(map[string]any{"requestId": id})
	return true
}

// allRooms lists the rooms that have a socket of this node in them.
func (a *Adapter) allRooms() []string {
	seen := make(map[string]struct{})
	rooms := []string{}
	for _, sid := range a.Adapter.Sockets(nil, nil) {
		for _, r := range a.Adapter.SocketRooms(sid) {
			if _, dup := seen[r]; !dup {
				seen[r] = struct{}{}
				rooms = append(rooms, r)
			}
		}
	}
	return rooms
}

// RemoteSocket is a socket as FetchSockets reports it, from any node, in the reference's form.
type RemoteSocket struct {
	ID        string          `json:"id"`
	Rooms     []string        `json:"rooms"`
	Handshake json.RawMessage `json:"handshake"`
	Data      json.RawMessage `json:"data"` // the reference's socket.data; null for Go sockets
}

// localSockets describes the selected sockets of this node.
func (a *Adapter) localSockets(rooms, except []string) []RemoteSocket {
	list := []RemoteSocket{}
	for _, sid := range a.Adapter.Sockets(rooms, except) {
		s := a.local.Socket(sid)
		if s == nil {
			continue
		}
		hs, err := json.Marshal(handshakeTree(s.Handshake()))
		if err != nil {
			continue
		}
		list = append(list, RemoteSocket{ID: sid, Rooms: nonNil(s.Rooms()), Handshake: hs, Data: json.RawMessage("null")})
	}
	return list
}

// handshakeTree is a handshake in the shape of the reference's socket.handshake.
func handshakeTree(h *realtime.Handshake) map[string]any {
	headers := map[string]string{}
	for k, v := range h.Header {
		headers[strings.ToLower(k)] = strings.Join(v, ", ")
	}
	query := map[string]string{}
	for k, v := range h.Query {
		if len(v) > 0 {
			query[k] = v[0]
		}
	}
	auth := h.Auth
	if len(auth) == 0 {
		auth = json.RawMessage("{}")
	}
	return map[string]any{
		"headers": headers, "time": h.Issued.UTC().Format(time.RFC1123), "address": h.Address,
		"xdomain": h.Header.Get("Origin") != "", "secure": h.Secure, "issued": h.Issued.UnixMilli(),
		"url": "", "query": query, "auth": auth,
	}
}
