package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// websocketGUID is appended to the key to compute Sec-WebSocket-Accept (RFC 6455 1.3).
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// dialTick connects one fan-out client by hand: an HTTP/1.1 websocket upgrade to
// /socket.io/?EIO=4&transport=websocket, the Engine.IO open packet, the Socket.IO CONNECT
// to "/" and its answer. It returns the connection, with no deadline set, and its tickConn,
// which holds any bytes that came after the answer. Only plain http:// base URLs.
func dialTick(ctx context.Context, base string, timeout time.Duration, f *fleet, bytesIn *atomic.Uint64) (net.Conn, *tickConn, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, nil, fmt.Errorf("loadgen: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "ws" {
		return nil, nil, fmt.Errorf("loadgen: the epoll receiver speaks plain http only, not %q (use -receiver goroutines)", u.Scheme)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, nil, fmt.Errorf("loadgen: dial: %w", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// A cancelled context unblocks whatever read or write is in progress.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	c, err := handshake(conn, u, f, bytesIn)
	if !stop() || err != nil {
		conn.Close()
		return nil, nil, errors.Join(err, ctx.Err())
	}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("loadgen: %w", err)
	}
	return conn, c, nil
}

func handshake(conn net.Conn, u *url.URL, f *fleet, bytesIn *atomic.Uint64) (*tickConn, error) {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	key := base64.StdEncoding.EncodeToString(raw[:])
	path := strings.TrimSuffix(u.Path, "/") + "/socket.io/?EIO=4&transport=websocket"
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
		"\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		return nil, fmt.Errorf("loadgen: upgrade request: %w", err)
	}
	br := bufio.NewReaderSize(conn, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, fmt.Errorf("loadgen: upgrade response: %w", err)
	}
	resp.Body.Close() // a 101 has no body; this only releases the reader
	if resp.StatusCode != http.StatusSwitchingProtocols ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") ||
		resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(key) {
		return nil, fmt.Errorf("loadgen: upgrade refused: %s", resp.Status)
	}
	c := newTickConn(f, bytesIn, conn)
	// The open packet may have come in the same read as the response headers.
	early, _ := br.Peek(br.Buffered())
	buf := make([]byte, 4096)
	data := append(buf[:0], early...)
	for {
		if err := c.received(data, time.Now().UnixMicro()); err != nil {
			return nil, fmt.Errorf("loadgen: handshake: %w", err)
		}
		if c.state == joined {
			return c, nil
		}
		n, err := conn.Read(buf)
		if err != nil {
			return nil, fmt.Errorf("loadgen: handshake: %w", err)
		}
		data = buf[:n]
	}
}

func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}
