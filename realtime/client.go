package realtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
)

// client is one Engine.IO connection and the namespace sockets multiplexed over it. Its
// onMessage runs on the connection's single delivery goroutine, so packets are processed in
// order; each socket then runs its handlers, in that order, on its own goroutine.
type client struct {
	server  *Server
	conn    conn
	decoder parser.Decoder // only touched by onMessage

	mu          sync.Mutex
	sockets     []*Socket // one per joined namespace: a client joins few, so a slice beats a map
	closeReason string    // the reason we closed the connection for, if we did
	closed      bool
	connectWait *time.Timer // the ConnectTimeout; dropped once a namespace is joined
}

func newClient(s *Server, c conn) *client {
	cl := &client{server: s, conn: c}
	cl.decoder.MaxAttachments = s.opts.MaxAttachments
	cl.connectWait = time.AfterFunc(s.opts.ConnectTimeout, cl.onConnectTimeout)
	return cl
}

// stopConnectWaitLocked stops the ConnectTimeout and lets the timer go: a connection that
// joined a namespace (or closed) no longer needs it, and kept, it would cost every idle
// connection about 150 bytes.
func (c *client) stopConnectWaitLocked() {
	if c.connectWait != nil {
		c.connectWait.Stop()
		c.connectWait = nil
	}
}

func (c *client) onConnectTimeout() {
	c.mu.Lock()
	joined := len(c.sockets) > 0 || c.closed
	c.mu.Unlock()
	if !joined {
		c.server.log.Debug("realtime: no namespace joined in time, closing the connection")
		c.close(ReasonForcedClose)
	}
}

// close ends the Engine.IO connection; the sockets learn about it, with reason, in onClose.
func (c *client) close(reason string) {
	c.mu.Lock()
	if c.closeReason == "" {
		c.closeReason = reason
	}
	c.mu.Unlock()
	c.conn.Close(reason)
}

// onClose is called once by the engine when the connection is gone.
func (c *client) onClose(reason string) {
	c.mu.Lock()
	c.stopConnectWaitLocked()
	if c.closeReason != "" {
		reason = c.closeReason
	}
	c.closed = true
	sockets := c.socketsLocked()
	c.mu.Unlock()
	for _, s := range sockets {
		s.onClose(reason)
	}
}

func (c *client) onMessage(m engineio.Message) {
	p, err := c.decoder.Add(m.Data, m.Binary)
	if err != nil {
		c.server.log.Debug("realtime: dropping a client that broke the protocol", "err", err)
		c.close(ReasonParseError)
		return
	}
	if p == nil {
		return // waiting for the attachments of a binary packet
	}
	if p.Type == parser.Connect {
		c.connect(p)
		return
	}
	c.mu.Lock()
	s := c.socketLocked(p.Namespace)
	c.mu.Unlock()
	if s == nil {
		c.server.log.Debug("realtime: packet for a namespace the client has not joined", "namespace", p.Namespace, "type", p.Type)
		return
	}
	switch p.Type {
	case parser.Disconnect:
		s.onClose(ReasonClientDisconnect)
	case parser.Event, parser.BinaryEvent:
		s.onEvent(p)
	case parser.Ack, parser.BinaryAck:
		s.onAck(p)
	default:
		c.server.log.Debug("realtime: ignoring a packet only servers send", "type", p.Type)
	}
}

// connect handles a CONNECT packet: find (or create) the namespace, run its middlewares, then
// join and tell the application.
//
// A CONNECT to a namespace the client already joined gets a new socket, as in the reference
// (client.ts maps the namespace to the newly added socket). The reference leaves the old
// socket connected but unreachable, in its rooms until the connection ends; here it is
// disconnected first, with ReasonClientDisconnect, so its handlers and rooms do not leak.
func (c *client) connect(p *parser.Packet) {
	c.mu.Lock()
	old := c.socketLocked(p.Namespace)
	c.mu.Unlock()
	if old != nil {
		c.server.log.Debug("realtime: CONNECT to a namespace already joined replaces its socket", "namespace", p.Namespace)
		old.onClose(ReasonClientDisconnect)
	}
	joined := time.Now()
	var hs *Handshake // built only if a dynamic namespace has to decide; else when first asked for
	handshake := func() *Handshake {
		if hs == nil {
			hs = newHandshake(c.conn.Request(), bytes.Clone(p.Data), joined)
		}
		return hs
	}
	ns := c.server.lookup(p.Namespace, handshake)
	if ns == nil {
		c.refuse(p.Namespace, &ConnectError{Message: "Invalid namespace"})
		return
	}
	s := newSocket(ns, c, hs, p.Data, joined)
	if err := ns.runMiddlewares(s); err != nil {
		c.refuse(p.Namespace, err)
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.sockets = slices.DeleteFunc(c.sockets, func(o *Socket) bool { return o.ns.name == ns.name })
	c.sockets = append(c.sockets, s)
	c.stopConnectWaitLocked()
	c.mu.Unlock()
	// The socket joins its namespace before the CONNECT answer is queued, as the reference
	// joins before answering: once the client has its answer, every broadcast reaches it.
	// Under roomsMu, like leave, and only if still connected: a disconnect that came first
	// leaves nothing behind. Writes to the socket go out only once the answer is queued
	// (answered), so no broadcast gets to the client before its CONNECT.
	s.roomsMu.Lock()
	if s.Connected() {
		ns.add(s)
	}
	s.roomsMu.Unlock()
	data, _ := json.Marshal(map[string]string{"sid": s.id})
	answer := messages(parser.Encode(&parser.Packet{Type: parser.Connect, Namespace: ns.name, Data: data}))
	// The answer gets a websocket write of its own, a moment before the events the connection
	// handlers emit at once (see engineio.Message.EndsWrite), as the reference writes it
	// before it runs the handlers. A client that handles the answer and only then listens for
	// events (easy with the Node ws package) would lose events that arrive with it.
	answer[len(answer)-1].EndsWrite = true
	s.mu.Lock() // a write that finds the socket not answered waits here (see Socket.write)
	err := c.conn.Send(answer...)
	s.answered.Store(true)
	s.mu.Unlock()
	if err != nil {
		s.onClose(ReasonTransportError)
	}
	// The connection handlers are the socket's first handler call: they run before any of its
	// events. It is the first call queued for the new socket, so it always finds room.
	s.enqueue(func() { ns.runConnectionHandlers(s) })
}

// refuse answers a CONNECT with CONNECT_ERROR {"message":..., "data":...}.
func (c *client) refuse(namespace string, err error) {
	body := struct {
		Message string `json:"message"`
		Data    any    `json:"data,omitempty"`
	}{Message: err.Error()}
	if ce, ok := errors.AsType[*ConnectError](err); ok {
		body.Data = ce.Data
	}
	data, merr := json.Marshal(body)
	if merr != nil {
		data, _ = json.Marshal(map[string]string{"message": err.Error()})
	}
	if serr := c.send(&parser.Packet{Type: parser.ConnectError, Namespace: namespace, Data: data}); serr != nil {
		c.server.log.Debug("realtime: cannot send CONNECT_ERROR", "err", serr)
	}
}

func (c *client) send(p *parser.Packet) error {
	return c.conn.Send(messages(parser.Encode(p))...)
}

// forget removes a socket that left its namespace.
func (c *client) forget(s *Socket) {
	c.mu.Lock()
	c.sockets = slices.DeleteFunc(c.sockets, func(o *Socket) bool { return o == s })
	c.mu.Unlock()
}

// disconnectAll is Socket.Disconnect(true): every namespace is left, then the connection closed.
func (c *client) disconnectAll() {
	c.mu.Lock()
	sockets := c.socketsLocked()
	c.mu.Unlock()
	for _, s := range sockets {
		s.Disconnect(false)
	}
	c.close(ReasonForcedClose)
}

// socketsLocked lists the joined sockets, so they can be told something without holding c.mu.
func (c *client) socketsLocked() []*Socket {
	return slices.Clone(c.sockets)
}

// socketLocked returns the socket joined to namespace, or nil.
func (c *client) socketLocked(namespace string) *Socket {
	for _, s := range c.sockets {
		if s.ns.name == namespace {
			return s
		}
	}
	return nil
}
