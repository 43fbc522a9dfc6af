package engineio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/internal/memtest"
	"tankarena/internal/testenv"
	"tankarena/internal/wstest"
)

// churnClient runs connect/disconnect cycles against one server.
type churnClient struct {
	base   string // http://host:port/socket.io/?EIO=4
	addr   string // host:port
	client *http.Client
	dialer *websocket.Dialer
}

// cycle runs one connect/disconnect cycle of kind i%12; some end cleanly, some abandon the
// session mid-way for the server to clean up.
func (cc *churnClient) cycle(i int) error {
	switch i % 12 {
	case 0, 6: // polling handshake, then the client closes
		sid, err := cc.handshake()
		if err != nil {
			return err
		}
		return cc.post(sid, "1")
	case 1, 7: // websocket handshake, then the client closes
		c, err := cc.dial("transport=websocket")
		if err != nil {
			return err
		}
		defer c.Close()
		if _, _, err := c.ReadMessage(); err != nil {
			return err
		}
		if i%12 == 1 {
			return c.WriteMessage(websocket.TextMessage, []byte("1"))
		}
		return nil // just the TCP connection going away
	case 2, 8: // polling upgraded to websocket, then the connection goes away
		c, err := cc.probe()
		if err != nil {
			return err
		}
		defer c.Close()
		if _, _, err := c.ReadMessage(); err != nil {
			return err
		}
		return c.WriteMessage(websocket.TextMessage, []byte("5"))
	case 3: // dropped mid-request: half an HTTP request, then gone
		c, err := net.Dial("tcp", cc.addr)
		if err != nil {
			return err
		}
		_, err = io.WriteString(c, "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ")
		c.Close()
		return err
	case 9: // a complete websocket handshake request, gone before the answer
		c, err := net.Dial("tcp", cc.addr)
		if err != nil {
			return err
		}
		_, err = io.WriteString(c, wstest.UpgradeRequest(cc.addr, "/socket.io/?EIO=4&transport=websocket"))
		c.Close()
		return err
	case 4, 10: // upgrade abandoned after the probe: the whole client vanishes
		c, err := cc.probe()
		if err == nil {
			c.Close()
		}
		return err
	default: // 5, 11: a parked poll abandoned by its client
		sid, err := cc.handshake()
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, cc.base+"&transport=polling&sid="+sid, nil)
		if err != nil {
			return err
		}
		resp, err := cc.client.Do(req)
		if err == nil {
			resp.Body.Close()
			return fmt.Errorf("poll of an idle session answered %d", resp.StatusCode)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}

func (cc *churnClient) handshake() (string, error) {
	resp, err := cc.client.Get(cc.base + "&transport=polling")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	var open struct {
		SID string `json:"sid"`
	}
	if resp.StatusCode != http.StatusOK || len(body) == 0 || json.Unmarshal(body[1:], &open) != nil {
		return "", fmt.Errorf("handshake: %d %q", resp.StatusCode, body)
	}
	return open.SID, nil
}

// probe opens a polling session and starts its upgrade: it returns the session's websocket,
// on which the probe ping has been sent.
func (cc *churnClient) probe() (*websocket.Conn, error) {
	sid, err := cc.handshake()
	if err != nil {
		return nil, err
	}
	c, err := cc.dial("transport=websocket&sid=" + sid)
	if err != nil {
		return nil, err
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte("2probe")); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (cc *churnClient) post(sid, body string) error {
	resp, err := cc.client.Post(cc.base+"&transport=polling&sid="+sid, "text/plain;charset=UTF-8", strings.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %q: status %d", body, resp.StatusCode)
	}
	return nil
}

func (cc *churnClient) dial(query string) (*websocket.Conn, error) {
	c, _, err := cc.dialer.Dial("ws"+strings.TrimPrefix(cc.base, "http")+"&"+query, nil)
	return c, err
}

// run does n cycles on workers goroutines and returns the first error.
func (cc *churnClient) run(n, workers int) error {
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := cc.cycle(i); err != nil {
					errOnce.Do(func() { firstErr = fmt.Errorf("cycle %d (kind %d): %w", i, i%12, err) })
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

func TestConnectDisconnectCyclesLeakNothing(t *testing.T) {
	const workers = 8
	cycles := 10_000
	if testing.Short() {
		cycles = 1_000
	}
	goroutinesBefore := runtime.NumGoroutine()

	eio := NewServer(Options{
		// Abandoned sessions are reaped after at most 6s (stretched with the load). A clean
		// cycle must finish before its session's first unanswered ping times out: with
		// 2s+1s, one polling session whose upgrade was slow under a load average of 6.5 was
		// reaped mid-cycle.
		PingInterval:        testenv.Patience(4 * time.Second),
		PingTimeout:         testenv.Patience(2 * time.Second),
		MaxConnectionsPerIP: 1 << 20,
		Logger:              slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	eio.OnConnection(func(s *Session) { s.OnMessage(func(Message) {}) })
	srv := httptest.NewServer(eio)
	transport := &http.Transport{MaxIdleConnsPerHost: workers}
	cc := &churnClient{
		base:   srv.URL + "/socket.io/?EIO=4",
		addr:   strings.TrimPrefix(srv.URL, "http://"),
		client: &http.Client{Transport: transport, Timeout: waitLong},
		dialer: &websocket.Dialer{HandshakeTimeout: waitLong},
	}
	// settle waits until every session is gone, the admission counters are back to zero,
	// and no client connection is left over, and returns the goroutine count.
	settle := func(what string) int {
		transport.CloseIdleConnections()
		waitFor(t, what+": sessions closed", func() bool {
			st := eio.Stats()
			eio.mu.Lock()
			admitted := eio.admitted.open + len(eio.admitted.perIP)
			eio.mu.Unlock()
			return eio.Count() == 0 && st.OpenPolling == 0 && st.OpenWebSocket == 0 && admitted == 0
		})
		return runtime.NumGoroutine()
	}

	// Warm up pools, buffers and the client's connections before the baselines.
	if err := cc.run(240, workers); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	// The server's epoll watcher starts when a websocket first idles long enough to be
	// parked, and runs until Close. The churn's websockets live for milliseconds, but on a
	// starved machine one may idle past parkIdleAfter and start the watcher: one goroutine
	// over a warm baseline taken without it. So the warm-up starts it.
	if parkingSupported {
		c, err := cc.dial("transport=websocket")
		if err != nil {
			t.Fatalf("warm-up: %v", err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatalf("warm-up: open packet: %v", err)
		}
		waitFor(t, "an idle websocket parked", func() bool { return eio.parker.count() == 1 })
		c.Close()
	}
	goroutinesWarm := settle("warm-up")
	heapWarm := memtest.LiveHeap()

	start := time.Now()
	if err := cc.run(cycles, workers); err != nil {
		t.Errorf("churn: %v", err)
	}
	churnTime := time.Since(start)
	settle("churn")
	if !waitUntil(waitLong, func() bool { return runtime.NumGoroutine() <= goroutinesWarm }) {
		var stacks strings.Builder
		_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
		t.Fatalf("goroutines: %d, warm baseline %d; stacks:\n%s", runtime.NumGoroutine(), goroutinesWarm, stacks.String())
	}
	heapAfter := memtest.LiveHeap()
	st := eio.Stats()
	t.Logf("%d cycles in %v; heap %d -> %d bytes (%+d); goroutines %d (warm %d, before %d)",
		cycles, churnTime.Round(time.Millisecond), heapWarm, heapAfter, int64(heapAfter)-int64(heapWarm),
		runtime.NumGoroutine(), goroutinesWarm, goroutinesBefore)
	t.Logf("stats: %+v", st)

	const heapTolerance = 1 << 20 // 100 bytes a cycle would already exceed it
	if heapAfter > heapWarm+heapTolerance {
		t.Errorf("heap grew by %d bytes over %d cycles", heapAfter-heapWarm, cycles)
	}
	closes := st.Closes
	if total := closes.TransportClose + closes.TransportError + closes.PingTimeout + closes.ParseError +
		closes.ForcedClose + closes.ServerShutdown + closes.Other; total != st.Handshakes {
		t.Errorf("%d sessions opened but %d closed", st.Handshakes, total)
	}

	eio.Close()
	srv.Close()
	waitFor(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= goroutinesBefore })
}

// waitUntil polls cond until it holds or d passes, and reports whether it held.
func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}
