package wstest

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/testenv"
)

// waitLong bounds waits for what must happen, stretched with the machine's load; it never
// asserts speed.
var waitLong = testenv.Patience(20 * time.Second)

// echoOnce greets each websocket client and answers its first message with it.
func echoOnce(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade has answered the client
		}
		defer c.Close()
		if err := c.WriteMessage(websocket.TextMessage, []byte("hello")); err != nil {
			t.Error(err)
			return
		}
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Error(err)
			return
		}
		if err := c.WriteMessage(websocket.TextMessage, msg); err != nil {
			t.Error(err)
		}
	})
}

func TestDialUpgradesAndReadsFrames(t *testing.T) {
	srv := httptest.NewServer(echoOnce(t))
	defer srv.Close()
	c, br, err := Dial(strings.TrimPrefix(srv.URL, "http://"), "/ws?x=1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := ReadShortFrame(br); err != nil || string(got) != "hello" {
		t.Fatalf("first frame %q, %v; want hello", got, err)
	}
	// "40" in a masked text frame; a zero mask key leaves the payload as it is.
	if _, err := c.Write([]byte{0x81, 0x80 | 2, 0, 0, 0, 0, '4', '0'}); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadShortFrame(br); err != nil || string(got) != "40" {
		t.Fatalf("echo %q, %v; want 40", got, err)
	}
}

func TestDialRefusedUpgrade(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	if c, _, err := Dial(strings.TrimPrefix(srv.URL, "http://"), "/ws"); err == nil {
		c.Close()
		t.Fatal("Dial succeeded against a server that does not upgrade")
	}
}

func TestStalledReaderStallsTheServerWithinKilobytes(t *testing.T) {
	const limit = 1 << 20 // far above the small buffers, far below what Linux buffers by default
	written := make(chan int, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		msg := make([]byte, 1<<10)
		n := 0
		for n < 16*limit {
			// The deadline only ends the wait for a write that cannot go on; how soon is not checked.
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("write: %v", err)
				}
				break
			}
			n += len(msg)
		}
		written <- n
	}))
	srv.Listener = SmallSendBuffers{srv.Listener}
	srv.Start()
	defer srv.Close()
	c, _, err := StallingDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close() // never read
	if n := <-written; n >= limit {
		t.Errorf("the server wrote %d bytes to a client that reads nothing", n)
	}
}

func TestOpenIdleKeepsClientsUntilTheTestEnds(t *testing.T) {
	var servers []net.Conn
	t.Run("benchmark", func(t *testing.T) {
		OpenIdle(t, 3, func() (net.Conn, error) {
			client, server := net.Pipe()
			servers = append(servers, server)
			return client, nil
		})
		if len(servers) != 3 {
			t.Fatalf("%d clients opened, want 3", len(servers))
		}
		for i, s := range servers {
			_ = s.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			if _, err := s.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("client %d while the test runs: %v, want it open and silent", i, err)
			}
		}
	})
	for i, s := range servers {
		_ = s.SetReadDeadline(time.Now().Add(waitLong))
		if _, err := s.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("client %d after the test: %v, want closed", i, err)
		}
	}
}
