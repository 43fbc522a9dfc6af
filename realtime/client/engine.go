package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/realtime/parser"
)

// Disconnect reasons, as the official client names them.
const (
	ReasonServerDisconnect = "io server disconnect"
	ReasonClientDisconnect = "io client disconnect"
	ReasonPingTimeout      = "ping timeout"
	ReasonTransportClose   = "transport close"
	ReasonTransportError   = "transport error"
	ReasonParseError       = "parse error"
)

// engineConn is one open Engine.IO session over a websocket. Its reader runs
// on the goroutine that opened it; a single writer goroutine drains send.
type engineConn struct {
	m            *Manager
	ws           *websocket.Conn
	sid          string
	pingInterval time.Duration
	pingTimeout  time.Duration

	send      chan outgoing
	done      chan struct{}
	closeOnce sync.Once
	closing   atomic.Bool // this client chose to close
}

// outgoing is one queued Engine.IO text packet and the binary attachments
// that must follow it without interleaving. A nil text asks for a clean close.
type outgoing struct {
	text   []byte
	binary [][]byte
}

// openPacket is the payload of the Engine.IO handshake ("0{...}").
type openPacket struct {
	SID          string `json:"sid"`
	PingInterval int    `json:"pingInterval"`
	PingTimeout  int    `json:"pingTimeout"`
}

// dialEngine opens the websocket and reads the Engine.IO open packet.
func dialEngine(ctx context.Context, m *Manager) (*engineConn, error) {
	ws, resp, err := m.opts.Dialer.DialContext(ctx, m.url, m.opts.Header)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", m.url, err)
	}
	timeout := m.opts.Dialer.HandshakeTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, has := ctx.Deadline(); has && d.Before(deadline) {
		deadline = d
	}
	_ = ws.SetReadDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { ws.Close() })
	defer stop()
	kind, data, err := ws.ReadMessage()
	if err != nil {
		ws.Close()
		return nil, fmt.Errorf("engine.io handshake: %w", err)
	}
	m.countIn(kind, data)
	var open openPacket
	if kind != websocket.TextMessage || len(data) < 2 || data[0] != '0' || json.Unmarshal(data[1:], &open) != nil ||
		open.PingInterval <= 0 || open.PingTimeout <= 0 {
		ws.Close()
		return nil, fmt.Errorf("engine.io handshake: unexpected first packet %.64q", data)
	}
	return &engineConn{
		m:            m,
		ws:           ws,
		sid:          open.SID,
		pingInterval: time.Duration(open.PingInterval) * time.Millisecond,
		pingTimeout:  time.Duration(open.PingTimeout) * time.Millisecond,
		send:         make(chan outgoing, m.opts.SendQueue),
		done:         make(chan struct{}),
	}, nil
}

// enqueue hands a packet to the writer without ever blocking the caller.
func (c *engineConn) enqueue(out outgoing) error {
	select {
	case <-c.done:
		return ErrNotConnected
	default:
	}
	select {
	case c.send <- out:
		return nil
	case <-c.done:
		return ErrNotConnected
	default:
		return ErrSendQueueFull
	}
}

// close tears the connection down at once; the reader then ends with an error.
func (c *engineConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.ws.Close()
	})
}

// closeGracefully lets queued packets go out, then a websocket close frame.
func (c *engineConn) closeGracefully() {
	c.closing.Store(true)
	if c.enqueue(outgoing{}) != nil {
		c.close()
	}
}

// writeLoop is the connection's only writer.
func (c *engineConn) writeLoop() {
	for {
		select {
		case out := <-c.send:
			if err := c.write(out); err != nil {
				if !c.closing.Load() {
					c.m.log.Debug("socket.io client: write failed", "sid", c.sid, "err", err)
				}
				c.close()
				return
			}
			if out.text == nil {
				c.close()
				return
			}
		case <-c.done:
			return
		}
	}
}

func (c *engineConn) write(out outgoing) error {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.m.opts.WriteTimeout))
	if out.text == nil {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		return c.ws.WriteMessage(websocket.CloseMessage, msg)
	}
	if err := c.ws.WriteMessage(websocket.TextMessage, out.text); err != nil {
		return err
	}
	c.m.countOut(len(out.text))
	for _, b := range out.binary {
		if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
			return err
		}
		c.m.countOut(len(b))
	}
	return nil
}

// readLoop reads until the connection ends and returns the disconnect reason.
// Server silence longer than pingInterval+pingTimeout ends it with "ping timeout".
func (c *engineConn) readLoop() (reason string, err error) {
	silence := c.pingInterval + c.pingTimeout
	// Placeholders stay in the arguments until a handler decodes them (see Args.Decode).
	decoder := parser.Decoder{KeepPlaceholders: true}
	var deadline readDeadline
	// awaitingAttachments is true while the decoder holds a binary packet whose
	// attachments are still to come: a text message then is the server's error,
	// which only the decoder reports, so no raw handler may take it.
	awaitingAttachments := false
	// buf is reused for every message; whatever outlives one iteration (decoded
	// packets, attachments) is copied out of it first.
	var buf []byte
	for {
		deadline.extend(c.ws, silence)
		kind, data, err := readMessage(c.ws, buf)
		if err != nil {
			return c.reasonFor(err), err
		}
		buf = keepReadBuffer(data)
		c.m.countIn(kind, data)
		if kind == websocket.BinaryMessage {
			if awaitingAttachments, err = c.decode(&decoder, bytes.Clone(data), true); err != nil {
				return ReasonParseError, err
			}
			continue
		}
		if len(data) == 0 {
			return ReasonParseError, errors.New("empty engine.io packet")
		}
		switch data[0] {
		case '2': // ping: answer with pong carrying the same payload
			c.m.pings.Add(1)
			pong := append([]byte{'3'}, data[1:]...)
			select {
			case c.send <- outgoing{text: pong}:
			case <-c.done:
			}
		case '4':
			if !awaitingAttachments && c.m.dispatchRaw(c, data[1:]) {
				continue
			}
			if awaitingAttachments, err = c.decode(&decoder, bytes.Clone(data[1:]), false); err != nil {
				return ReasonParseError, err
			}
		case '1':
			return ReasonTransportClose, nil
		case '6': // noop
		default:
			return ReasonParseError, fmt.Errorf("unexpected engine.io packet type %q", data[0])
		}
	}
}

// readDeadline arms the read deadline that detects a silent server. Moving it
// on every message would cost a runtime timer update per message; instead each
// arming grants an eighth more than the silence allowed and is renewed only
// once less than that remains, so the server may stay silent between 1 and
// 1⅛ times the allowed time before the read fails, never less.
type readDeadline struct{ at time.Time }

func (d *readDeadline) extend(ws *websocket.Conn, silence time.Duration) {
	now := time.Now()
	if d.at.Sub(now) >= silence {
		return
	}
	d.at = now.Add(silence + silence/8)
	_ = ws.SetReadDeadline(d.at)
}

// readMessage reads the next websocket message into buf's storage (growing it
// as needed) rather than a new slice per message, as ws.ReadMessage would.
func readMessage(ws *websocket.Conn, buf []byte) (kind int, data []byte, err error) {
	kind, r, err := ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	data = buf[:0]
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return kind, data, nil
		}
		if err != nil {
			return 0, nil, err
		}
	}
}

// maxKeptReadBuffer bounds the read buffer a connection keeps between
// messages, so that one large message does not pin its size for good.
const maxKeptReadBuffer = 16 << 10

func keepReadBuffer(data []byte) []byte {
	if cap(data) > maxKeptReadBuffer {
		return nil
	}
	return data
}

// decode feeds one Socket.IO message to the decoder and dispatches the packet
// it completes; waiting reports that the decoder now expects attachments. The
// decoder keeps data, so it must not be the reused read buffer.
func (c *engineConn) decode(decoder *parser.Decoder, data []byte, binary bool) (waiting bool, err error) {
	p, err := decoder.Add(data, binary)
	if err != nil {
		return false, err
	}
	if p == nil {
		return true, nil
	}
	return false, c.m.dispatch(c, p)
}

// reasonFor names why a read failed, in the official client's vocabulary.
func (c *engineConn) reasonFor(err error) string {
	var netErr net.Error
	var closeErr *websocket.CloseError
	switch {
	case c.closing.Load():
		return ReasonClientDisconnect
	case errors.As(err, &netErr) && netErr.Timeout():
		return ReasonPingTimeout
	case errors.As(err, &closeErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ReasonTransportClose
	}
	return ReasonTransportError
}
