package realtime

import (
	"sync"

	"tankarena/realtime/parser"
)

// MemoryAdapter is the single-process Adapter: rooms are maps, broadcasts are local deliveries.
type MemoryAdapter struct {
	local Local

	mu    sync.RWMutex
	rooms map[string]map[string]struct{} // room -> socket ids
	sids  map[string]map[string]struct{} // socket id -> rooms
}

// NewMemoryAdapter is the default Options.NewAdapter.
func NewMemoryAdapter(local Local) Adapter {
	return &MemoryAdapter{
		local: local,
		rooms: make(map[string]map[string]struct{}),
		sids:  make(map[string]map[string]struct{}),
	}
}

// AddAll implements Adapter.
func (a *MemoryAdapter) AddAll(socketID string, rooms ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	mine := a.sids[socketID]
	if mine == nil {
		mine = make(map[string]struct{}, len(rooms))
		a.sids[socketID] = mine
	}
	for _, room := range rooms {
		mine[room] = struct{}{}
		members := a.rooms[room]
		if members == nil {
			members = make(map[string]struct{})
			a.rooms[room] = members
		}
		members[socketID] = struct{}{}
	}
}

// Del implements Adapter.
func (a *MemoryAdapter) Del(socketID, room string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sids[socketID], room)
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
	rooms := make([]string, 0, len(a.sids[socketID]))
	for room := range a.sids[socketID] {
		rooms = append(rooms, room)
	}
	return rooms
}

// Sockets implements Adapter.
func (a *MemoryAdapter) Sockets(rooms, except []string) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	excluded := func(id string) bool {
		for _, room := range except {
			if _, in := a.rooms[room][id]; in {
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
		ids = make([]string, 0, len(a.rooms[rooms[0]]))
		for id := range a.rooms[rooms[0]] {
			if !excluded(id) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	seen := make(map[string]struct{})
	for _, room := range rooms {
		for id := range a.rooms[room] {
			if _, dup := seen[id]; dup || excluded(id) {
				continue
			}
			seen[id] = struct{}{}
			ids = append(ids, id)
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
