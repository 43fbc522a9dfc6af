package main

import "tankarena/realtime/client"

// connection is a load-generator client with its realtime/client connection: a fan-out
// member or a game player. The two sets sum their traffic and close the same way.
type connection interface{ manager() *client.Manager }

func (m *member) manager() *client.Manager { return m.m }
func (p *player) manager() *client.Manager { return p.m }

// bytesInOf sums the websocket payload bytes conns have received so far.
func bytesInOf[C connection](conns []C) uint64 {
	var total uint64
	for _, c := range conns {
		total += c.manager().Stats().BytesIn
	}
	return total
}

// closeAll closes every connection of conns.
func closeAll[C connection](conns []C) {
	for _, c := range conns {
		c.manager().Close()
	}
}
