package realtime

import (
	"sync"

	"tankarena/realtime/parser"
)

// MemoryAdapter is the single-process Adapter: rooms are maps, broadcasts are local deliveries.
//
// Every socket is in the room named by its own id, and most sockets are in no other room, so
// that room is not a map of its own: the socket's entry records whether it is in it. An idle
// socket then costs one entry in sids and no allocation.
type MemoryAdapter struct {
	local Local

	mu    sync.RWMutex
	rooms map[string]map[string]struct{} // room -> socket ids, own rooms left out
	sids  map[string]socketRooms         // socket id -> its rooms
}

// socketRooms is the rooms of one socket.
type socketRooms struct {
	own    bool                // in the room named by its id
	joined map[string]struct{} // the other rooms; nil while there are none
}

// NewMemoryAdapter is the default Options.NewAdapter.
func NewMemoryAdapter(local Local) Adapter {
	return &MemoryAdapter{
		local: local,
		rooms: make(map[string]map[string]struct{}),
		sids:  make(map[string]socketRooms),
	}
}

// AddAll implements Adapter.
func (a *MemoryAdapter) AddAll(socketID string, rooms ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	mine := a.sids[socketID]
	for _, room := range rooms {
		if room == socketID {
			mine.own = true
			continue
		}
		if mine.joined == nil {
			mine.joined = make(map[string]struct{}, len(rooms))
		}
		mine.joined[room] = struct{}{}
		members := a.rooms[room]
		if members == nil {
			members = make(map[string]struct{})
			a.rooms[room] = members
		}
		members[socketID] = struct{}{}
	}
	a.sids[socketID] = mine
}

// Del implements Adapter.
func (a *MemoryAdapter) Del(socketID, room string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	mine, ok := a.sids[socketID]
	if !ok {
		return
	}
	if room == socketID {
		mine.own = false
		a.sids[socketID] = mine
		return
	}
	delete(mine.joined, room)
	a.leave(socketID, room)
}

// DelAll implements Adapter.
func (a *MemoryAdapter) DelAll(socketID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for room := range a.sids[socketID].joined {
		a.leave(socketID, room)
	}
	delete(a.sids, socketID)
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
	mine := a.sids[socketID]
	rooms := make([]string, 0, len(mine.joined)+1)
	if mine.own {
		rooms = append(rooms, socketID)
	}
	for room := range mine.joined {
		rooms = append(rooms, room)
	}
	return rooms
}

// inRoom reports whether socket id is in room; the caller holds a.mu.
func (a *MemoryAdapter) inRoom(id, room string) bool {
	if room == id {
		return a.sids[id].own
	}
	_, in := a.rooms[room][id]
	return in
}

// ownMember returns the socket whose own room is room, if it is in it; the caller holds a.mu.
func (a *MemoryAdapter) ownMember(room string) (string, bool) {
	return room, a.sids[room].own
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
