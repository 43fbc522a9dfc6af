package wstest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
)

// UpgradeRequest is the HTTP request that asks the server at addr (host:port) to upgrade the
// connection to a websocket at target, a request URI such as
// "/socket.io/?EIO=4&transport=websocket".
func UpgradeRequest(addr, target string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: " + addr +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
}

// Dial connects to addr, upgrades the connection to a websocket at target by hand and returns
// it with a small reader that may already hold the server's first frames. The caller writes
// masked frames to the connection itself and closes it.
func Dial(addr, target string) (net.Conn, *bufio.Reader, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	if _, err := io.WriteString(c, UpgradeRequest(addr, target)); err != nil {
		c.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(c, 512)
	resp, err := http.ReadResponse(br, nil)
	if err == nil && resp.StatusCode != http.StatusSwitchingProtocols {
		err = fmt.Errorf("websocket handshake answered %s", resp.Status)
	}
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, br, nil
}

// ReadShortFrame reads one unmasked server frame whose payload is shorter than 126 bytes (its
// length fits the frame's second byte) and returns the payload.
func ReadShortFrame(br *bufio.Reader) ([]byte, error) {
	header := make([]byte, 2) // FIN+opcode, then the payload length
	if _, err := io.ReadFull(br, header); err != nil {
		return nil, err
	}
	payload := make([]byte, header[1]&0x7f)
	if _, err := io.ReadFull(br, payload); err != nil {
		return nil, err
	}
	return payload, nil
}

// OpenIdle opens n clients with open, one after the other, and keeps them until the test or
// benchmark ends, then closes them; the first error fails tb. It is for idle-memory
// benchmarks, whose clients only have to stay connected.
func OpenIdle(tb testing.TB, n int, open func() (net.Conn, error)) {
	tb.Helper()
	conns := make([]net.Conn, 0, n)
	tb.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range n {
		c, err := open()
		if err != nil {
			tb.Fatal(err)
		}
		conns = append(conns, c)
	}
}
