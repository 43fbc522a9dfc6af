package realtime

import (
	"sync"
	"sync/atomic"
	"time"

	"tankarena/realtime/parser"
)

// Middleware runs for every socket that asks to join a namespace, before it joins; the
// socket's Handshake holds the auth payload, headers, query and address. Returning an error
// refuses the connection: the client gets a connect_error with the error's text as message,
// and with data when the error is a *ConnectError. Middlewares run on the connection's reader,
// one CONNECT at a time: a slow check (a database lookup) delays only that client.
type Middleware func(s *Socket) error

// Namespace is a communication channel multiplexed over the connections ("/", "/admin", ...),
// with its own handlers, middlewares and rooms.
type Namespace struct {
	server  *Server
	name    string
	hooks   *hooks // shared by a dynamic parent and its children
	adapter Adapter
	ackIDs  atomic.Uint64

	mu       sync.RWMutex
	sockets  map[string]*Socket
	match    func(name string, hs *Handshake) bool // set on a dynamic parent only
	children []*Namespace                          // namespaces a dynamic parent created
}

type hooks struct {
	mu           sync.RWMutex
	middlewares  []Middleware
	onConnection []func(*Socket)
}

func newNamespace(s *Server, name string, h *hooks) *Namespace {
	ns := &Namespace{server: s, name: name, hooks: h, sockets: make(map[string]*Socket)}
	ns.adapter = s.opts.NewAdapter((*localNamespace)(ns))
	return ns
}

// Name is the namespace's name, starting with "/".
func (n *Namespace) Name() string { return n.name }

// Adapter is the namespace's room registry and broadcaster.
func (n *Namespace) Adapter() Adapter { return n.adapter }

// Use adds a middleware; middlewares run in the order they were added.
func (n *Namespace) Use(m Middleware) {
	n.hooks.mu.Lock()
	n.hooks.middlewares = append(n.hooks.middlewares, m)
	n.hooks.mu.Unlock()
}

// OnConnection adds a handler run for every socket that joined, after the client was told it
// is connected and before its first event is handled: register the socket's On handlers here.
func (n *Namespace) OnConnection(fn func(*Socket)) {
	n.hooks.mu.Lock()
	n.hooks.onConnection = append(n.hooks.onConnection, fn)
	n.hooks.mu.Unlock()
}

// Sockets lists the sockets connected to this namespace on this node.
func (n *Namespace) Sockets() []*Socket {
	n.mu.RLock()
	defer n.mu.RUnlock()
	list := make([]*Socket, 0, len(n.sockets))
	for _, s := range n.sockets {
		list = append(list, s)
	}
	return list
}

// Socket returns the connected socket with this id, or nil.
func (n *Namespace) Socket(id string) *Socket {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.sockets[id]
}

// Emit sends an event to every socket of the namespace, encoded once.
func (n *Namespace) Emit(event string, args ...any) error { return n.all().Emit(event, args...) }

// To selects the sockets in any of rooms.
func (n *Namespace) To(rooms ...string) BroadcastOperator { return n.all().To(rooms...) }

// In is the same as To.
func (n *Namespace) In(rooms ...string) BroadcastOperator { return n.To(rooms...) }

// Except leaves out the sockets in any of rooms.
func (n *Namespace) Except(rooms ...string) BroadcastOperator { return n.all().Except(rooms...) }

// Volatile drops the broadcast for sockets that cannot take it right now.
func (n *Namespace) Volatile() BroadcastOperator { return n.all().Volatile() }

// Local keeps the broadcast on this node, whatever the adapter relays to other nodes.
func (n *Namespace) Local() BroadcastOperator { return n.all().Local() }

// Timeout bounds how long a broadcast's EmitWithAck waits for the answers.
func (n *Namespace) Timeout(d time.Duration) BroadcastOperator { return n.all().Timeout(d) }

func (n *Namespace) all() BroadcastOperator { return BroadcastOperator{ns: n} }

func (n *Namespace) nextAckID() uint64 { return n.ackIDs.Add(1) - 1 }

func (n *Namespace) runMiddlewares(s *Socket) error {
	n.hooks.mu.RLock()
	middlewares := n.hooks.middlewares
	n.hooks.mu.RUnlock()
	for _, m := range middlewares {
		var err error
		if guard(n.server.log, "middleware", func() { err = m(s) }) {
			return &ConnectError{Message: "Internal server error"}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (n *Namespace) runConnectionHandlers(s *Socket) {
	n.hooks.mu.RLock()
	handlers := n.hooks.onConnection
	n.hooks.mu.RUnlock()
	for _, fn := range handlers {
		guard(n.server.log, "connection", func() { fn(s) })
	}
}

func (n *Namespace) add(s *Socket) {
	n.mu.Lock()
	n.sockets[s.id] = s
	n.mu.Unlock()
	n.adapter.AddAll(s.id, s.id)
}

func (n *Namespace) remove(s *Socket) {
	n.adapter.DelAll(s.id)
	n.mu.Lock()
	delete(n.sockets, s.id)
	n.mu.Unlock()
}

// targets are the namespaces a broadcast on n reaches: n, or the children of a dynamic parent.
func (n *Namespace) targets() []*Namespace {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.match == nil {
		return []*Namespace{n}
	}
	return append([]*Namespace(nil), n.children...)
}

// localNamespace is the face of a Namespace an Adapter sees.
type localNamespace Namespace

func (l *localNamespace) Name() string { return l.name }

func (l *localNamespace) Socket(id string) *Socket { return (*Namespace)(l).Socket(id) }

func (l *localNamespace) Deliver(socketIDs []string, enc parser.Encoded, ackID uint64, opts BroadcastOptions) int {
	n := (*Namespace)(l)
	recipients := make([]*Socket, 0, len(socketIDs))
	n.mu.RLock()
	for _, id := range socketIDs {
		if s := n.sockets[id]; s != nil {
			recipients = append(recipients, s)
		}
	}
	n.mu.RUnlock()
	msgs := sharedMessages(enc)
	reached := 0
	for _, s := range recipients {
		if opts.OnAck != nil && !s.addAck(ackID, opts.OnAck) {
			continue // disconnected since it was listed: no answer will come, so it is not counted
		}
		if err := s.write(msgs, opts.Volatile); err != nil {
			if opts.OnAck != nil && s.takeAck(ackID) == nil {
				reached++ // onClose already settled it with nil: it is counted as done
			}
			continue
		}
		reached++
	}
	return reached
}

// forgetAck drops a broadcast's ack id from sockets that never answered.
func (n *Namespace) forgetAck(id uint64) {
	for _, s := range n.Sockets() {
		s.takeAck(id)
	}
}
