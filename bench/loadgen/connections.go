package main

import (
	"sync"

	"tankarena/realtime/client"
)

// connection is a load-generator client with its realtime/client connection: a fan-out
// member or a game player.
type connection interface{ manager() *client.Manager }

func (m *member) manager() *client.Manager { return m.m }
func (p *player) manager() *client.Manager { return p.m }

// connections is the set of clients a mode has connected. Clients are only ever appended
// while the mode runs, so the slice list returns stays valid (a prefix) as more join.
type connections[C connection] struct {
	mu  sync.Mutex
	all []C
}

func (cs *connections[C]) add(c C) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.all = append(cs.all, c)
}

// list returns the clients connected so far.
func (cs *connections[C]) list() []C {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.all
}

// bytesIn sums the websocket payload bytes the clients have received so far.
func (cs *connections[C]) bytesIn() uint64 {
	var total uint64
	for _, c := range cs.list() {
		total += c.manager().Stats().BytesIn
	}
	return total
}

// close closes every client and forgets them.
func (cs *connections[C]) close() {
	cs.mu.Lock()
	all := cs.all
	cs.all = nil
	cs.mu.Unlock()
	for _, c := range all {
		c.manager().Close()
	}
}
