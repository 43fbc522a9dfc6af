package engineio

import (
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// Server is an Engine.IO v4 server; it is an http.Handler to mount at Options.Path.
type Server struct {
	opts     Options
	log      *slog.Logger
	upgrader websocket.Upgrader
	flushers *flushers
	parker   *parker

	mu           sync.Mutex
	sessions     map[string]*Session
	admitted     admission
	counters     counters
	closed       bool
	onConnection func(*Session)
}

// NewServer returns a server with opts, zero fields replaced by the reference defaults.
func NewServer(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		sessions: make(map[string]*Session),
		admitted: admission{
			perIP:      make(map[string]int),
			handshakes: newHandshakeBuckets(opts.HandshakeRatePerIP, opts.HandshakeBurstPerIP),
		},
		flushers: newFlushers(),
		parker:   newParker(opts.Logger),
	}
	s.upgrader = websocket.Upgrader{
		// gorilla only upgrades: the session reads and writes the frames (wsConn), so the
		// buffers of gorilla's unused Conn are made as small as it allows.
		ReadBufferSize:  16,
		WriteBufferPool: &sync.Pool{},
		// ServeHTTP has checked the origin (checkWebSocketOrigin) before it upgrades, so a
		// refusal is answered like every other refused upgrade; gorilla's own check would
		// answer 403 where the reference answers 400.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	return s
}

// OnConnection sets the function called with every new session. It must be set before
// serving; fn returns before the session's first message is delivered, so it is the place
// to call Session.OnMessage and Session.OnClose.
func (s *Server) OnConnection(fn func(*Session)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onConnection = fn
}

// Count returns the number of open sessions.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Close closes every session with ReasonServerShutdown; later handshakes get HTTP 503 and
// requests for old sessions 400 "Session ID unknown".
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	open := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		open = append(open, sess)
	}
	s.mu.Unlock()
	for _, sess := range open {
		sess.closeNow(ReasonServerShutdown)
	}
	s.parker.close()
}

// ServeHTTP routes one Engine.IO request: a handshake, a poll (GET), a data POST, or a
// websocket upgrade (a new session, or the upgrade of a polling one).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, strings.TrimSuffix(s.opts.Path, "/")) {
		http.NotFound(w, r)
		return
	}
	upgrade := websocket.IsWebSocketUpgrade(r)
	if !upgrade && s.opts.CORS.writeCORS(w, r) {
		return
	}
	fail := func(code errorCode, why string) {
		s.counters.rejected(code)
		s.log.Debug("engineio: request refused", "code", int(code), "why", why,
			"method", r.Method, "url", r.URL.String(), "remote", r.RemoteAddr)
		if upgrade {
			writeUpgradeError(w, code)
		} else {
			writeRequestError(w, code)
		}
	}

	query := r.URL.Query()
	transport := query.Get("transport")
	if !s.opts.transportEnabled(transport) {
		fail(errUnknownTransport, "transport "+transport)
		return
	}
	if !validHeaderValue(r.Header.Get("Origin")) {
		fail(errBadRequest, "invalid origin header")
		return
	}

	if sid := query.Get("sid"); sid != "" {
		sess := s.session(sid)
		switch {
		case sess == nil:
			fail(errUnknownSID, "unknown sid")
		case query.Get("EIO") != "4":
			fail(errBadRequest, "protocol mismatch")
		case upgrade && transport == TransportWebSocket && !s.checkWebSocketOrigin(r):
			fail(errForbidden, "websocket origin not allowed")
		case upgrade && transport == TransportWebSocket:
			s.upgradeSession(sess, w, r)
		case upgrade || sess.Transport() != transport:
			fail(errBadRequest, "transport mismatch")
		case r.Method == http.MethodGet:
			sess.servePoll(w, r)
		case r.Method == http.MethodPost:
			sess.serveData(w, r)
		default:
			// The reference answers other methods on a session with a bare 500.
			w.WriteHeader(http.StatusInternalServerError)
		}
		return
	}

	switch {
	case r.Method != http.MethodGet:
		fail(errBadHandshakeMethod, "method "+r.Method)
		return
	case transport == TransportWebSocket && !upgrade:
		fail(errBadRequest, "websocket handshake without upgrade")
		return
	}
	if s.opts.AllowRequest != nil {
		if err := s.opts.AllowRequest(r); err != nil {
			fail(errForbidden, err.Error())
			return
		}
	}
	if upgrade && !s.checkWebSocketOrigin(r) {
		fail(errForbidden, "websocket origin not allowed")
		return
	}
	if query.Get("EIO") != "4" {
		fail(errUnsupportedProtocolVersion, "EIO "+query.Get("EIO"))
		return
	}
	ip := clientIP(r, s.opts.TrustProxyHeaders)
	if code, retryAfter, ok := s.admit(ip); !ok {
		s.counters.rejected(code)
		s.log.Debug("engineio: handshake over connection limit", "code", int(code), "ip", ip)
		setRetryAfter(w, retryAfter)
		writeRequestError(w, code)
		return
	}
	if transport == TransportWebSocket {
		s.handshakeWebSocket(w, r, ip)
	} else {
		s.handshakePolling(w, r, ip)
	}
}

// session returns the open (or closing) session with id, or nil.
func (s *Server) session(id string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}

// register creates a session for the handshake request r from the admitted address ip,
// already holding the open packet in its queue, adds it to the server and runs
// OnConnection. It returns nil, with ip's slot released, when the server is shutting down.
func (s *Server) register(r *http.Request, ip, transport string, ws *wsConn) *Session {
	sess := newSession(s, rand.Text(), newHandshake(r), ip, transport)
	sess.ws = ws
	open, _ := json.Marshal(struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int64    `json:"pingInterval"`
		PingTimeout  int64    `json:"pingTimeout"`
		MaxPayload   int64    `json:"maxPayload"`
	}{sess.id, s.opts.upgradesFrom(transport), s.opts.PingInterval.Milliseconds(),
		s.opts.PingTimeout.Milliseconds(), s.opts.MaxPayload})
	sess.queue = append(sess.queue, packet{typ: packetOpen, data: open})

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.release(ip)
		return nil
	}
	s.sessions[sess.id] = sess
	// Counted before the session is visible to Server.Close, which takes s.mu first, so
	// the open gauge never sees a close before its open.
	s.counters.handshakes.Add(1)
	s.counters.open(transport).Add(1)
	onConnection := s.onConnection
	s.mu.Unlock()

	s.log.Debug("engineio: session opened", "sid", sess.id, "transport", transport, "remote", r.RemoteAddr)
	if onConnection != nil {
		onConnection(sess)
	}
	sess.startHeartbeat()
	sess.mu.Lock()
	sess.flushLocked() // the open packet, and whatever OnConnection sent
	sess.mu.Unlock()
	return sess
}

// unregister removes a closed session and gives back its connection slot; closeNow calls
// it exactly once per registered session.
func (s *Server) unregister(sess *Session) {
	s.mu.Lock()
	if s.sessions[sess.id] == sess {
		delete(s.sessions, sess.id)
	}
	s.mu.Unlock()
	s.release(sess.ip)
}

// handshakePolling opens a session whose first poll is the handshake request itself.
func (s *Server) handshakePolling(w http.ResponseWriter, r *http.Request, ip string) {
	sess := s.register(r, ip, TransportPolling, nil)
	if sess == nil {
		s.counters.rejectShuttingDown.Add(1)
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	sess.servePoll(w, r)
}
