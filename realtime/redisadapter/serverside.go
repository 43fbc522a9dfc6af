package redisadapter

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// ServerEvent is an event another node sent to the servers (the reference's serverSideEmit),
// not to clients.
type ServerEvent struct {
	Name string
	Args []json.RawMessage
	ack  func(v any)
}

// Decode unmarshals argument i into v.
func (e *ServerEvent) Decode(i int, v any) error {
	if i < 0 || i >= len(e.Args) {
		return fmt.Errorf("redisadapter: argument %d of %d is missing", i, len(e.Args))
	}
	if err := json.Unmarshal(e.Args[i], v); err != nil {
		return fmt.Errorf("redisadapter: argument %d: %w", i, err)
	}
	return nil
}

// WantsAck reports whether the sender waits for an answer.
func (e *ServerEvent) WantsAck() bool { return e.ack != nil }

// Ack answers the sender with one value (the reference passes one argument on); only the
// first call counts.
func (e *ServerEvent) Ack(v any) {
	if e.ack != nil {
		e.ack(v)
	}
}

type serverSideHandlers struct {
	mu  sync.RWMutex
	fns []func(*ServerEvent)
}

// OnServerSideEmit adds a handler for the events other nodes send with ServerSideEmit (or,
// from Node, io.serverSideEmit). Each event's handlers run on a goroutine of their own.
func (a *Adapter) OnServerSideEmit(fn func(*ServerEvent)) {
	a.sse.mu.Lock()
	a.sse.fns = append(a.sse.fns, fn)
	a.sse.mu.Unlock()
}

// ServerSideEmit sends an event to the other nodes of the namespace (not to this one). Values
// travel as JSON.
func (a *Adapter) ServerSideEmit(event string, args ...any) error {
	payload, err := json.Marshal(map[string]any{
		"uid": a.node.uid, "type": reqServerSideEmit, "data": append([]any{event}, args...),
	})
	if err != nil {
		return fmt.Errorf("redisadapter: server-side emit %q: %w", event, err)
	}
	a.node.enqueue(outgoing{channel: a.ch.request, payload: payload})
	return nil
}

// ServerSideEmitWithAck sends an event to the other nodes and returns each one's answer.
// Nodes that do not answer within the request timeout make it return the answers so far with
// an error.
func (a *Adapter) ServerSideEmitWithAck(ctx context.Context, event string, args ...any) ([]json.RawMessage, error) {
	answers, err := a.ask(ctx, map[string]any{"type": reqServerSideEmit, "data": append([]any{event}, args...)})
	list := make([]json.RawMessage, 0, len(answers))
	for _, ans := range answers {
		raw, mErr := json.Marshal(ans["data"])
		if mErr != nil {
			raw = json.RawMessage("null")
		}
		list = append(list, raw)
	}
	if err != nil {
		return list, fmt.Errorf("redisadapter: server-side emit %q: %w", event, err)
	}
	return list, nil
}

// onServerSideEmit runs the handlers for an event from another node; id is set when the sender
// wants an answer.
func (a *Adapter) onServerSideEmit(id string, data any) bool {
	list, ok := data.([]any)
	if !ok || len(list) == 0 {
		return false
	}
	name, ok := list[0].(string)
	if !ok {
		return false
	}
	ev := &ServerEvent{Name: name, Args: make([]json.RawMessage, 0, len(list)-1)}
	for _, v := range list[1:] {
		raw, err := json.Marshal(v)
		if err != nil {
			return false
		}
		ev.Args = append(ev.Args, raw)
	}
	if id != "" {
		var once sync.Once
		ev.ack = func(v any) {
			once.Do(func() {
				a.respond(map[string]any{"type": reqServerSideEmit, "requestId": id, "data": v})
			})
		}
	}
	a.sse.mu.RLock()
	fns := a.sse.fns
	a.sse.mu.RUnlock()
	go func() {
		for _, fn := range fns {
			a.node.guard(func() { fn(ev) })
		}
	}()
	return true
}
