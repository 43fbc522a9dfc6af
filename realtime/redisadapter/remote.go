package redisadapter

import (
	"encoding/json"

	"tankarena/realtime"
)

// SocketsJoin puts the sockets of every node that are in any of rooms (none: all) and in none
// of except into the rooms join, like the reference's io.in(...).socketsJoin(...).
func (a *Adapter) SocketsJoin(rooms, except []string, join ...string) {
	a.remoteAction(reqRemoteJoin, rooms, except, map[string]any{"rooms": nonNil(join)}, func(s *realtime.Socket) {
		s.Join(join...)
	})
}

// SocketsLeave takes the selected sockets of every node out of the rooms leave.
func (a *Adapter) SocketsLeave(rooms, except []string, leave ...string) {
	a.remoteAction(reqRemoteLeave, rooms, except, map[string]any{"rooms": nonNil(leave)}, func(s *realtime.Socket) {
		for _, r := range leave {
			s.Leave(r)
		}
	})
}

// DisconnectSockets disconnects the selected sockets of every node (see Socket.Disconnect).
func (a *Adapter) DisconnectSockets(rooms, except []string, closeConn bool) {
	a.remoteAction(reqRemoteDisconnect, rooms, except, map[string]any{"close": closeConn}, func(s *realtime.Socket) {
		s.Disconnect(closeConn)
	})
}

// remoteAction acts on this node's selected sockets at once, and asks the others to do the
// same; the reference's nodes act on hearing their own request, ours skip it.
func (a *Adapter) remoteAction(typ int, rooms, except []string, fields map[string]any, act func(*realtime.Socket)) {
	for _, sid := range a.Adapter.Sockets(rooms, except) {
		if s := a.local.Socket(sid); s != nil {
			act(s)
		}
	}
	fields["uid"], fields["type"] = a.node.uid, typ
	fields["opts"] = map[string]any{"rooms": nonNil(rooms), "except": nonNil(except)}
	payload, err := json.Marshal(fields)
	if err != nil {
		a.node.stats.unencodable.Add(1)
		return
	}
	a.node.enqueue(outgoing{channel: a.ch.request, payload: payload})
}
