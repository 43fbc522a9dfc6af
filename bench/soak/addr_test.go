package soak

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// botsPerAddress is how many honest bots share a source address: a LAN party's players behind
// one NAT address, well inside the per-address defaults (32 seats, 64 connections, joins at 5
// a second in bursts of 32, handshakes at 10 a second in bursts of 20).
const botsPerAddress = 16

// The server sees each client by its source address, and its per-address limits hold at their
// defaults only if the bots do not all come from 127.0.0.1. Linux routes the whole of
// 127.0.0.0/8 to the loopback interface, so a client may bind any of those addresses: the bots
// take 127.0.0.2 on, 16 to an address, and each vandal an address of its own in 127.0.1.0/24,
// so that what the limits do to a vandal never reaches the bots.
func botAddress(i int) net.IP { return net.IPv4(127, 0, 0, byte(2+i/botsPerAddress)) }

func vandalAddress(k int) net.IP { return net.IPv4(127, 0, 1, byte(1+k)) }

// maxBots is how many bots the loopback addresses 127.0.0.2-127.0.0.254 take.
const maxBots = 253 * botsPerAddress

// loopbackSpreads reports whether a client can use a loopback source address other than
// 127.0.0.1 (other systems, macOS among them, configure only that one).
func loopbackSpreads() bool {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false
	}
	defer ln.Close()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: vandalAddress(0)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// sharedWriteBuffers lets the bots' idle connections hold no write buffer, as the realtime
// client's own default dialer does.
var sharedWriteBuffers = &sync.Pool{}

// dialerFrom returns a websocket dialer whose connections come from source address ip (nil:
// the system's choice).
func dialerFrom(ip net.IP) *websocket.Dialer {
	return &websocket.Dialer{
		NetDialContext:   netDialFrom(ip),
		HandshakeTimeout: 20 * time.Second,
		ReadBufferSize:   512,
		WriteBufferPool:  sharedWriteBuffers,
	}
}

// httpClientFrom returns an HTTP client (for polling) whose connections come from ip.
func httpClientFrom(ip net.IP) *http.Client {
	return &http.Client{
		Transport: &http.Transport{DialContext: netDialFrom(ip), MaxIdleConnsPerHost: 4},
		Timeout:   40 * time.Second, // past the 25 s ping interval a long poll may wait
	}
}

func netDialFrom(ip net.IP) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: 20 * time.Second}
	if ip != nil {
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	return d.DialContext
}
