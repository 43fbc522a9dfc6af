package realtime

import (
	"sync"

	"tankarena/realtime/parser"
)

// MemoryAdapter is the single-process Adapter: rooms are maps, broadcasts are local deliveries.
//
// Every socket is in the room named by its own id, and most sockets are in no other room, so
// that room is not a map of its own: a socket's entry in sids means it is in it, unless the
// socket is listed in disowned. An idle socket then costs one entry in sids holding a nil map.
type MemoryAdapter struct {
	local Local

	mu       sync.RWMutex
	rooms    map[string]map[string]struct{} // room -> socket ids, own rooms left out
	sids     map[string]map[string]struct{} // socket id -> its other rooms; nil while none
	disowned map[string]struct{}            // sockets of sids not in their own room (rare)
}

// NewMemoryAdapter is the default Options.NewAdapter.
func NewMemoryAdapter(local Local) Adapter {
	return &MemoryAdapter{
		local:    local,
		rooms:    make(map[string]map[string]struct{}),
		sids:     make(map[string]map[string]struct{}),
		disowned: make(map[string]struct{}),
	}
}

// AddAll implements Adapter.
func (a *MemoryAdapter) AddAll(socketID string, rooms ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	joined, known := a.sids[socketID]
	own := false
	for _, room := range rooms {
		if room == socketID {
			own = true
			continue
		}
		if joined == nil {
			joined = make(map[string]struct{}, len(rooms))
		}
		joined[room] = struct{}{}
		members := a.rooms[room]
		if members == nil {
			members = make(map[string]struct{})
			a.rooms[room] = members
		}
		members[socketID] = struct{}{}
	}
	a.sids[socketID] = joined
	switch {
	case own:
		delete(a.disowned, socketID)
	case !known:
		a.disowned[socketID] = struct{}{}
	}
}

// Del implements Adapter.
func (a *MemoryAdapter) Del(socketID, room string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	joined, known := a.sids[socketID]
	if !known {
		return
	}
	if room == socketID {
		a.disowned[socketID] = struct{}{}
		return
	}
	delete(joined, room)
	a.leave(socketID, room)
}

// DelAll implements Adapter.
func (a *MemoryAdapter) DelAll(socketID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for room := range a.sids[socketID] {
		a.leave(socketID, room)
	}
	delete(a.sids, socketID)
	delete(a.disowned, socketID)
}

func (a *MemoryAdapter) leave(socketID, room string) {
	if members := a.rooms[room]; members != nil {
		delete(members, socketID)
		if len(members) == 0 {
			delete(a.rooms, room)
		}
	}
}

// SocketRooms implements Adapter.
func (a *MemoryAdapter) SocketRooms(socketID string) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	joined := a.sids[socketID]
	rooms := make([]string, 0, len(joined)+1)
	if a.inOwnRoom(socketID) {
		rooms = append(rooms, socketID)
	}
	for room := range joined {
		rooms = append(rooms, room)
	}
	return rooms
}

// inOwnRoom reports whether socket id is in the room named by its id; the caller holds a.mu.
func (a *MemoryAdapter) inOwnRoom(id string) bool {
	_, known := a.sids[id]
	_, out := a.disowned[id]
	return known && !out
}

// inRoom reports whether socket id is in room; the caller holds a.mu.
func (a *MemoryAdapter) inRoom(id, room string) bool {
	if room == id {
		return a.inOwnRoom(id)
	}
	_, in := a.rooms[room][id]
	return in
}

// ownMember returns the socket whose own room is room, if it is in it; the caller holds a.mu.
func (a *MemoryAdapter) ownMember(room string) (string, bool) {
	return room, a.inOwnRoom(room)
}

// Sockets implements Adapter.
func (a *MemoryAdapter) Sockets(rooms, except []string) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	excluded := func(id string) bool {
		for _, room := range except {
			if a.inRoom(id, room) {
				return true
			}
		}
		return false
	}
	var ids []string
	if len(rooms) == 0 {
		ids = make([]string, 0, len(a.sids))
		for id := range a.sids {
			if !excluded(id) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	if len(rooms) == 1 { // the common case needs no de-duplication
		room := rooms[0]
		ids = make([]string, 0, len(a.rooms[room])+1)
		for id := range a.rooms[room] {
			if !excluded(id) {
				ids = append(ids, id)
			}
		}
		// A room named like a socket holds that socket through its own entry, and nobody
		// can be in rooms[id] as well as be the socket id itself.
		if id, in := a.ownMember(room); in && !excluded(id) {
			ids = append(ids, id)
		}
		return ids
	}
	seen := make(map[string]struct{})
	add := func(id string) {
		if _, dup := seen[id]; dup || excluded(id) {
			return
		}
		seen[id] = struct{}{}
		ids = append(ids, id)
	}
	for _, room := range rooms {
		for id := range a.rooms[room] {
			add(id)
		}
		if id, in := a.ownMember(room); in {
			add(id)
		}
	}
	return ids
}

// Broadcast implements Adapter: the packet is encoded here, once, for every recipient.
func (a *MemoryAdapter) Broadcast(pkt *parser.Packet, opts BroadcastOptions) int {
	ids := a.Sockets(opts.Rooms, opts.Except)
	if len(ids) == 0 {
		return 0
	}
	return a.local.Deliver(ids, parser.Encode(pkt), pkt.ID, opts)
}
