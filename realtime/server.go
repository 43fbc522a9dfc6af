package realtime

import (
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"tankarena/realtime/engineio"
)

// Server is a Socket.IO server. It is an http.Handler: mount it at Options.Engine.Path
// (with chi: r.Handle("/socket.io/*", srv)).
type Server struct {
	opts   Options
	log    *slog.Logger
	engine *engineio.Server
	script clientScript
	main   *Namespace

	mu         sync.RWMutex
	namespaces map[string]*Namespace
	dynamic    []*Namespace // parents made by OfFunc, tried in order
}

// NewServer makes a server; register namespaces and handlers before serving requests.
func NewServer(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts:       opts,
		log:        opts.Engine.Logger,
		engine:     engineio.NewServer(opts.Engine),
		namespaces: make(map[string]*Namespace),
	}
	if !opts.DisableClientScript {
		s.script = newClientScript(opts.Engine.Path)
	}
	s.engine.OnConnection(func(sess *engineio.Session) {
		c := newClient(s, sess)
		sess.OnMessage(c.onMessage)
		sess.OnClose(c.onClose)
	})
	s.main = s.Of("/")
	return s
}

// ServeHTTP serves the Engine.IO transports and the browser client script.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.script.path != "" && r.URL.Path == s.script.path {
		s.script.serve(w, r)
		return
	}
	s.engine.ServeHTTP(w, r)
}

// Close disconnects every client with ReasonServerShutdown.
func (s *Server) Close() { s.engine.Close() }

// EngineStats returns the transport's counters: open sessions, handshakes refused by the
// connection limits or the origin check, oversize payloads, dropped volatile packets, slow
// clients closed, bytes and messages both ways. Cheap enough to call on every /metrics scrape.
func (s *Server) EngineStats() engineio.Stats { return s.engine.Stats() }

// Of returns the namespace called name, creating it; a missing leading "/" is added.
func (s *Server) Of(name string) *Namespace {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.namespaces[name]
	if ns == nil {
		ns = newNamespace(s, name, &hooks{})
		s.namespaces[name] = ns
	}
	return ns
}

// OfFunc declares dynamic namespaces: the first time a client asks for a namespace nobody
// created, match decides, with the client's handshake, whether it exists. Middlewares and
// connection handlers set on the returned parent apply to every namespace it creates, and its
// broadcasts reach all of them. The parent itself has no name and no sockets; each created
// namespace is also reachable with Of.
func (s *Server) OfFunc(match func(name string, hs *Handshake) bool) *Namespace {
	parent := newNamespace(s, "", &hooks{})
	parent.match = match
	s.mu.Lock()
	s.dynamic = append(s.dynamic, parent)
	s.mu.Unlock()
	return parent
}

// OfRegexp declares the dynamic namespaces whose names match re; see OfFunc.
func (s *Server) OfRegexp(re *regexp.Regexp) *Namespace {
	return s.OfFunc(func(name string, _ *Handshake) bool { return re.MatchString(name) })
}

// lookup finds the namespace a client asks for, creating a dynamic one when a parent accepts;
// handshake is only called when a parent has to decide.
func (s *Server) lookup(name string, handshake func() *Handshake) *Namespace {
	s.mu.RLock()
	ns, parents := s.namespaces[name], s.dynamic
	s.mu.RUnlock()
	if ns != nil {
		return ns
	}
	for _, parent := range parents {
		var ok bool
		guard(s.log, "dynamic namespace match", func() { ok = parent.match(name, handshake()) })
		if !ok {
			continue
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if ns := s.namespaces[name]; ns != nil {
			return ns
		}
		child := newNamespace(s, name, parent.hooks)
		s.namespaces[name] = child
		parent.mu.Lock()
		parent.children = append(parent.children, child)
		parent.mu.Unlock()
		return child
	}
	return nil
}

// Use adds a middleware to the main namespace "/".
func (s *Server) Use(m Middleware) { s.main.Use(m) }

// OnConnection adds a connection handler to the main namespace "/".
func (s *Server) OnConnection(fn func(*Socket)) { s.main.OnConnection(fn) }

// Emit sends an event to every socket of the main namespace.
func (s *Server) Emit(event string, args ...any) error { return s.main.Emit(event, args...) }

// To selects sockets in rooms of the main namespace.
func (s *Server) To(rooms ...string) BroadcastOperator { return s.main.To(rooms...) }

// In is the same as To.
func (s *Server) In(rooms ...string) BroadcastOperator { return s.main.In(rooms...) }

// Except selects the sockets of the main namespace not in rooms.
func (s *Server) Except(rooms ...string) BroadcastOperator { return s.main.Except(rooms...) }

// Volatile is a volatile broadcast on the main namespace.
func (s *Server) Volatile() BroadcastOperator { return s.main.Volatile() }

// Timeout is a broadcast with acks on the main namespace that waits at most d.
func (s *Server) Timeout(d time.Duration) BroadcastOperator { return s.main.Timeout(d) }
