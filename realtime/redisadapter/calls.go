package redisadapter

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// calls are this node's requests still waiting for the other nodes' answers.
type calls struct {
	mu      sync.Mutex
	pending map[string]*call
	acks    map[string]*ackCall
}

// call is one request that waits for an answer from every other node.
type call struct {
	want    int
	answers []map[string]any
	full    chan struct{} // closed once want answers came
}

// ask publishes a JSON request to the other nodes of the namespace and returns their answers,
// one per node; when some stay silent past the request timeout (or ctx), it returns those that
// came with an error.
func (a *Adapter) ask(ctx context.Context, body map[string]any) ([]map[string]any, error) {
	n := a.node
	ctx, cancel := context.WithTimeout(ctx, n.opts.RequestTimeout)
	defer cancel()
	servers, err := n.ServerCount(ctx, a.local.Name())
	if err != nil {
		return nil, err
	}
	if servers <= 1 {
		return nil, nil
	}
	id := newID(9)
	body["uid"], body["requestId"] = n.uid, id
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("redisadapter: request: %w", err)
	}
	c := &call{want: servers - 1, full: make(chan struct{})}
	n.calls.mu.Lock()
	n.calls.pending[id] = c
	n.calls.mu.Unlock()
	defer func() {
		n.calls.mu.Lock()
		delete(n.calls.pending, id)
		n.calls.mu.Unlock()
	}()
	n.enqueue(outgoing{channel: a.ch.request, payload: payload})
	select {
	case <-c.full:
		return c.answers, nil
	case <-ctx.Done():
		n.calls.mu.Lock()
		got := c.answers
		n.calls.mu.Unlock()
		return got, fmt.Errorf("redisadapter: %d of %d nodes answered: %w", len(got), c.want, ctx.Err())
	}
}

// onResponse takes an answer to one of this node's requests; answers to other nodes'
// requests, which share the channel, are counted as foreign.
func (a *Adapter) onResponse(payload []byte) {
	n := a.node
	m, err := decodeObject(payload)
	if err != nil {
		n.stats.malformed.Add(1)
		return
	}
	id, _ := keyString(m["requestId"])
	n.calls.mu.Lock()
	c := n.calls.pending[id]
	ack := n.calls.acks[id]
	if c != nil && len(c.answers) < c.want {
		c.answers = append(c.answers, m)
		if len(c.answers) == c.want {
			close(c.full)
		}
	}
	n.calls.mu.Unlock()
	switch {
	case ack != nil:
		if !ack.onResponse(m) {
			n.stats.malformed.Add(1)
			return
		}
	case c == nil:
		n.stats.foreign.Add(1)
		return
	}
	n.stats.received.Add(1)
}

// FetchSockets lists the sockets of every node in any of rooms (none: all) and in none of
// except, like the reference's fetchSockets; this node's come first.
func (a *Adapter) FetchSockets(ctx context.Context, rooms, except []string) ([]RemoteSocket, error) {
	list := a.localSockets(rooms, except)
	answers, err := a.ask(ctx, map[string]any{
		"type": reqRemoteFetch,
		"opts": map[string]any{"rooms": nonNil(rooms), "except": nonNil(except)},
	})
	for _, ans := range answers {
		raw, mErr := json.Marshal(ans["sockets"])
		var got []RemoteSocket
		if mErr == nil && json.Unmarshal(raw, &got) == nil {
			list = append(list, got...)
		}
	}
	return list, err
}

// AllRooms lists the rooms that have a socket in them on any node.
func (a *Adapter) AllRooms(ctx context.Context) ([]string, error) {
	rooms := a.allRooms()
	seen := make(map[string]struct{}, len(rooms))
	for _, r := range rooms {
		seen[r] = struct{}{}
	}
	answers, err := a.ask(ctx, map[string]any{"type": reqAllRooms})
	for _, ans := range answers {
		list, _ := roomList(ans["rooms"])
		for _, r := range list {
			if _, dup := seen[r]; !dup {
				seen[r] = struct{}{}
				rooms = append(rooms, r)
			}
		}
	}
	return rooms, err
}
