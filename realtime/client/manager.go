package client

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/realtime/parser"
)

// Manager owns one Engine.IO connection to a server and multiplexes the
// Sockets of several namespaces over it, as the official client's Manager
// does. The connection opens when the first Socket connects and closes when
// the last one disconnects. All methods are safe for concurrent use.
type Manager struct {
	url    string
	opts   Options
	log    *slog.Logger
	ctx    context.Context // ends dials in flight when the Manager closes
	cancel context.CancelFunc

	messagesIn, bytesIn   atomic.Uint64
	messagesOut, bytesOut atomic.Uint64
	pings, reconnects     atomic.Uint64

	// mu guards the fields below and the lifecycle fields of every Socket.
	mu         sync.Mutex
	sockets    map[string]*Socket
	conn       *engineConn
	opening    bool
	retry      *time.Timer
	attempts   int
	everOpened bool
	closed     bool
}

// Stats are running totals of a Manager's traffic, for load generators and
// monitoring. Messages are websocket messages (an event with two binary
// arguments is three); bytes are their payload sizes.
type Stats struct {
	MessagesIn, BytesIn   uint64
	MessagesOut, BytesOut uint64
	// Pings counts heartbeats from the server (each answered with a pong).
	Pings uint64
	// Reconnects counts connections reopened after one was lost.
	Reconnects uint64
}

// NewManager prepares a Manager for the server at rawURL (http, https, ws or
// wss; a path in rawURL is ignored, use Options.Path). It does not connect yet.
func NewManager(rawURL string, opts Options) (*Manager, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("socket.io client: %w", err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return nil, fmt.Errorf("socket.io client: unsupported scheme %q", u.Scheme)
	}
	opts = opts.withDefaults()
	q := url.Values{}
	for k, v := range opts.Query {
		q[k] = v
	}
	q.Set("EIO", "4")
	q.Set("transport", "websocket")
	u.Path, u.RawPath, u.RawQuery, u.Fragment = opts.Path, "", q.Encode(), ""
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{
		url:    u.String(),
		opts:   opts,
		log:    opts.Logger,
		ctx:    ctx,
		cancel: cancel,
	}, nil
}

// Socket returns the Manager's Socket for namespace nsp ("/" when empty),
// creating it on first use; auth (nil, or anything that marshals to a JSON
// object) is sent with every connection request. A second call for the same
// namespace returns the existing Socket and ignores auth.
func (m *Manager) Socket(nsp string, auth any) (*Socket, error) {
	if nsp == "" {
		nsp = "/"
	}
	if !strings.HasPrefix(nsp, "/") || strings.Contains(nsp, ",") {
		return nil, fmt.Errorf("socket.io client: invalid namespace %q", nsp)
	}
	var authJSON []byte
	if auth != nil {
		b, err := json.Marshal(auth)
		if err != nil {
			return nil, fmt.Errorf("socket.io client: auth: %w", err)
		}
		if len(b) == 0 || b[0] != '{' {
			return nil, fmt.Errorf("socket.io client: auth must be a JSON object, got %.32s", b)
		}
		authJSON = b
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sockets[nsp]; ok {
		return s, nil
	}
	if m.sockets == nil {
		m.sockets = make(map[string]*Socket, 1)
	}
	s := &Socket{m: m, nsp: nsp, auth: authJSON}
	m.sockets[nsp] = s
	return s, nil
}

// Stats returns the traffic totals so far.
func (m *Manager) Stats() Stats {
	return Stats{
		MessagesIn:  m.messagesIn.Load(),
		BytesIn:     m.bytesIn.Load(),
		MessagesOut: m.messagesOut.Load(),
		BytesOut:    m.bytesOut.Load(),
		Pings:       m.pings.Load(),
		Reconnects:  m.reconnects.Load(),
	}
}

// Close disconnects every Socket ("io client disconnect"), closes the
// connection and stops reconnecting. The Manager cannot be used afterwards.
func (m *Manager) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	m.cancel()
	if m.retry != nil {
		m.retry.Stop()
		m.retry = nil
	}
	var ended []socketEnd
	for _, s := range m.sockets {
		if s.active {
			ended = append(ended, s.deactivateLocked())
		}
	}
	c := m.conn
	m.conn = nil
	m.mu.Unlock()
	if c != nil {
		c.closeGracefully()
	}
	for _, e := range ended {
		e.finish(ReasonClientDisconnect, ErrClosed)
	}
}

// startLocked gets an activated socket connected: at once when the
// connection is open, otherwise by opening it (unless an attempt is pending).
func (m *Manager) startLocked(s *Socket) {
	if m.conn != nil {
		s.sendConnectLocked(m.conn)
		return
	}
	if !m.opening && m.retry == nil {
		m.opening = true
		go m.open()
	}
}

// open dials, connects the active sockets, then serves as the reader
// goroutine until the connection ends.
func (m *Manager) open() {
	c, err := dialEngine(m.ctx, m)
	m.mu.Lock()
	m.opening = false
	if err != nil {
		m.dialFailedLocked(err) // unlocks
		return
	}
	if m.closed || !m.anyActiveLocked() {
		m.mu.Unlock()
		c.closeGracefully()
		go c.writeLoop()
		return
	}
	m.conn = c
	m.attempts = 0
	if m.everOpened {
		m.reconnects.Add(1)
	}
	m.everOpened = true
	for _, s := range m.sockets {
		if s.active {
			s.sendConnectLocked(c)
		}
	}
	m.mu.Unlock()

	go c.writeLoop()
	reason, err := c.readLoop()
	c.close()
	if err != nil && reason != ReasonClientDisconnect {
		m.log.Info("socket.io client: connection lost", "sid", c.sid, "reason", reason, "err", err)
	}
	m.transportClosed(c, reason)
}

// dialFailedLocked reports a failed dial to the waiting sockets and retries if allowed. It unlocks m.mu.
func (m *Manager) dialFailedLocked(err error) {
	if m.closed {
		m.mu.Unlock()
		return
	}
	retrying := m.opts.Reconnect && m.scheduleRetryLocked()
	var waiting []*Socket
	var ended []socketEnd
	for _, s := range m.sockets {
		if !s.active {
			continue
		}
		waiting = append(waiting, s)
		if !retrying {
			ended = append(ended, s.deactivateLocked())
		}
	}
	m.mu.Unlock()
	m.log.Info("socket.io client: connect failed", "url", m.url, "err", err, "retrying", retrying)
	cerr := &ConnectError{Message: err.Error(), Err: err}
	for _, s := range waiting {
		s.emitConnectError(cerr)
	}
	for _, e := range ended {
		e.finish("", cerr)
	}
}

// transportClosed ends the sockets that used c and, if allowed, schedules a reconnection.
func (m *Manager) transportClosed(c *engineConn, reason string) {
	m.mu.Lock()
	current := m.conn == c
	if current {
		m.conn = nil
	}
	retrying := current && !m.closed && m.opts.Reconnect && reason != ReasonClientDisconnect &&
		m.anyActiveLocked() && m.scheduleRetryLocked()
	var ended []socketEnd
	for _, s := range m.sockets {
		if s.sentOn != c {
			continue
		}
		if retrying {
			ended = append(ended, s.suspendLocked())
		} else {
			ended = append(ended, s.deactivateLocked())
		}
	}
	m.mu.Unlock()
	for _, e := range ended {
		e.finish(reason, fmt.Errorf("%w: %s", ErrNotConnected, reason))
	}
}

// scheduleRetryLocked arms the next reconnection attempt; false when attempts are exhausted.
func (m *Manager) scheduleRetryLocked() bool {
	if m.opts.ReconnectAttempts > 0 && m.attempts >= m.opts.ReconnectAttempts {
		return false
	}
	delay := backoffDelay(m.attempts, m.opts.ReconnectDelay, m.opts.ReconnectDelayMax, m.opts.ReconnectJitter)
	m.attempts++
	m.log.Debug("socket.io client: reconnecting", "attempt", m.attempts, "in", delay)
	m.retry = time.AfterFunc(delay, func() {
		m.mu.Lock()
		m.retry = nil
		if m.closed || m.conn != nil || m.opening || !m.anyActiveLocked() {
			m.mu.Unlock()
			return
		}
		m.opening = true
		m.mu.Unlock()
		m.open()
	})
	return true
}

func (m *Manager) anyActiveLocked() bool {
	for _, s := range m.sockets {
		if s.active {
			return true
		}
	}
	return false
}

// releaseLocked closes the connection once no socket wants it any more.
func (m *Manager) releaseLocked() {
	if m.anyActiveLocked() {
		return
	}
	if m.retry != nil {
		m.retry.Stop()
		m.retry = nil
	}
	if m.conn != nil {
		m.conn.closeGracefully()
		m.conn = nil
	}
}

// dispatch routes a complete packet from the reader to its namespace's
// socket; packets for a namespace not (or no longer) opened on c are dropped.
func (m *Manager) dispatch(c *engineConn, p *parser.Packet) error {
	m.mu.Lock()
	s := m.sockets[p.Namespace]
	live := s != nil && s.sentOn == c
	m.mu.Unlock()
	if !live {
		m.log.Debug("socket.io client: packet for a namespace not open", "nsp", p.Namespace, "type", p.Type)
		return nil
	}
	return s.onPacket(c, p)
}

func (m *Manager) countIn(kind int, data []byte) {
	m.messagesIn.Add(1)
	m.bytesIn.Add(uint64(len(data)))
	if m.opts.OnRawMessage != nil {
		m.opts.OnRawMessage(data, kind == websocket.BinaryMessage)
	}
}

func (m *Manager) countOut(n int) {
	m.messagesOut.Add(1)
	m.bytesOut.Add(uint64(n))
}
