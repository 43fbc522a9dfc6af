package realtime

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/testenv"
	"tankarena/realtime/engineio"
)

// TestBroadcastRightAfterConnectReachesTheClient broadcasts the moment a client has read
// its CONNECT answer, as a client that counts itself connected may expect: the socket is
// in its namespace by then (the reference joins before answering), so the broadcast
// reaches it. Repeated, because the gap this guards against was a scheduling race.
func TestBroadcastRightAfterConnectReachesTheClient(t *testing.T) {
	srv := NewServer(Options{
		Engine:              engineio.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		DisableClientScript: true,
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); hs.Close() })
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/socket.io/?EIO=4&transport=websocket"

	read := func(c *websocket.Conn) string {
		t.Helper()
		_ = c.SetReadDeadline(time.Now().Add(testenv.Patience(20 * time.Second)))
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return string(data)
	}
	for i := range 50 {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if open := read(c); !strings.HasPrefix(open, "0{") {
			t.Fatalf("open packet %q", open)
		}
		if err := c.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
			t.Fatal(err)
		}
		if ack := read(c); !strings.HasPrefix(ack, "40{") {
			t.Fatalf("CONNECT answer %q", ack)
		}
		if err := srv.Emit("hello", i); err != nil {
			t.Fatal(err)
		}
		if got, want := read(c), `42["hello",`+strconv.Itoa(i)+`]`; got != want {
			t.Fatalf("connection %d: first packet after CONNECT %q, want %q", i, got, want)
		}
		c.Close()
	}
}
