package host

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// waitLong bounds every wait for the server to act: generous, for a loaded 2-core machine,
// and stretched with its load (testenv.Patience).
var waitLong = testenv.Patience(30 * time.Second)

// play connects a player with the Go client and has the test game echo a message: proof
// that the server still takes new players.
func play(t *testing.T, base string) {
	t.Helper()
	m, err := client.NewManager(base, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatalf("a new player cannot connect: %v", err)
	}
	reply, err := s.EmitWithAck(ctx, "echo", "Newcomer")
	if err != nil {
		t.Fatalf("a new player gets no answer: %v", err)
	}
	var echoed string
	if err := reply.Decode(0, &echoed); err != nil || echoed != "Newcomer" {
		t.Fatalf("a new player's echo: %q, %v", echoed, err)
	}
}

// rawConn is a client TCP connection that speaks HTTP/1.1 by hand.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

// dialFrom opens a connection to base's server from the loopback address local ("" for
// any): Linux answers the whole of 127.0.0.0/8, so each is another client address.
func dialFrom(t *testing.T, base, local string) *rawConn {
	t.Helper()
	d := net.Dialer{Timeout: waitLong}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatalf("dial from %q: %v", local, err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{c, bufio.NewReader(c)}
}

// idle makes one request on c and reads the answer, which leaves c kept alive and idle.
func (c *rawConn) idle(t *testing.T, base string) {
	t.Helper()
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", strings.TrimPrefix(base, "http://"))
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatalf("request on a new connection: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = c.SetReadDeadline(time.Time{})
}

// handshake opens a polling session over c and returns its id.
func (c *rawConn) handshake(t *testing.T, base string) string {
	t.Helper()
	fmt.Fprintf(c, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: %s\r\n\r\n", strings.TrimPrefix(base, "http://"))
	_ = c.SetReadDeadline(time.Now().Add(waitLong))
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_ = c.SetReadDeadline(time.Time{})
	return sessionID(t, string(body))
}

// slowPost starts a polling POST to session sid on c whose body never arrives whole.
func (c *rawConn) slowPost(t *testing.T, base, sid string) {
	t.Helper()
	fmt.Fprintf(c, "POST /socket.io/?EIO=4&transport=polling&sid=%s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n4",
		sid, strings.TrimPrefix(base, "http://"))
}

// closedByServer reports when the server closes c: it reads until an error (EOF or a
// reset) and sends true, or false if c is still open after waitLong.
func (c *rawConn) closedByServer() <-chan bool {
	done := make(chan bool, 1)
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(waitLong))
		_, err := io.Copy(io.Discard, c.r)
		var ne net.Error
		done <- !(errors.As(err, &ne) && ne.Timeout())
	}()
	return done
}

// countClosed waits until at least want of conns are closed by the server, or waitLong.
func countClosed(t *testing.T, conns []*rawConn, want int) int {
	t.Helper()
	var closed atomic.Int64
	all := make(chan struct{}, len(conns))
	for _, c := range conns {
		go func() {
			if <-c.closedByServer() {
				closed.Add(1)
			}
			all <- struct{}{}
		}()
	}
	deadline := time.After(waitLong)
	for range conns {
		select {
		case <-all:
		case <-deadline:
			return int(closed.Load())
		}
		if int(closed.Load()) >= want {
			return int(closed.Load())
		}
	}
	return int(closed.Load())
}

// TestAnIdleConnectionFloodFromOneAddressCannotLockPlayersOut: before, 20,000 idle
// keep-alive connections from one address were all kept (390 MB, then "accept4: too many
// open files" and nobody could connect). Now an address holds at most 2 per session it may
// open plus 16; beyond that its oldest idle ones are closed.
func TestAnIdleConnectionFloodFromOneAddressCannotLockPlayersOut(t *testing.T) {
	srv, base, _ := startServer(t, "-max-connections-per-ip", "4") // 2*4+16 = 24 connections
	t.Cleanup(func() { _ = srv.shutdown() })
	const flood, perAddress = 100, 24
	conns := make([]*rawConn, flood)
	for i := range conns {
		conns[i] = dialFrom(t, base, "127.0.0.1")
		conns[i].idle(t, base)
	}
	if closed := countClosed(t, conns, flood-perAddress); closed < flood-perAddress {
		t.Fatalf("%d of %d idle connections from one address closed, want at least %d", closed, flood, flood-perAddress)
	}
	play(t, base) // from the same address
	if got := srv.conns.stats().closedPerAddress; got < flood-perAddress {
		t.Errorf("quiet connections closed for the per-address cap: %d, want at least %d", got, flood-perAddress)
	}
	if metrics := getBody(t, base+"/metrics"); !strings.Contains(metrics, `tankarena_http_quiet_connections_closed_total{limit="per_address"} `) {
		t.Errorf("/metrics lacks the closed quiet connections:\n%s", metrics)
	}
}

// waitFor polls cond until it holds, or fails the test after waitLong.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openConns is how many connections srv counts, in any phase.
func openConns(srv *Server) int {
	n := 0
	for _, k := range srv.conns.stats().phases {
		n += k
	}
	return n
}

// TestTheConnectionBudgetKeepsRoomForNewPlayers: near the open-file limit, quiet
// connections from anyone are closed to make room, and when every connection is busy a
// new one is closed at once instead of the process running out of files.
func TestTheConnectionBudgetKeepsRoomForNewPlayers(t *testing.T) {
	const budget = 12
	srv, base, _ := startServerWith(t, func(s *Server) {
		s.conns.budget = budget
		s.bodyTimeout = time.Hour // the busy connections below stay busy
	})
	t.Cleanup(func() { _ = srv.shutdown() })

	// Idle connections, one per address, so only the budget is in their way.
	var conns []*rawConn
	for i := range 3 * budget {
		c := dialFrom(t, base, fmt.Sprintf("127.0.0.%d", 10+i))
		c.idle(t, base)
		conns = append(conns, c)
	}
	if closed := countClosed(t, conns, 2*budget); closed < 2*budget {
		t.Fatalf("%d of %d idle connections closed under a budget of %d, want at least %d", closed, len(conns), budget, 2*budget)
	}
	play(t, base)
	if got := srv.conns.stats().closedBudget; got < 2*budget {
		t.Errorf("quiet connections closed for the budget: %d, want at least %d", got, 2*budget)
	}

	// Every connection busy, each with a request body on its way.
	for _, c := range conns {
		c.Close()
	}
	waitFor(t, "every connection to be closed", func() bool { return openConns(srv) == 0 })
	busy := make([]*rawConn, budget)
	for i := range busy {
		busy[i] = dialFrom(t, base, fmt.Sprintf("127.0.1.%d", 10+i))
		busy[i].slowPost(t, base, busy[i].handshake(t, base))
		// Only these connections are open: all of them active means this one's POST is read.
		waitFor(t, "the POST to be read", func() bool {
			return srv.conns.stats().phases[phaseActive] == i+1 && openConns(srv) == i+1
		})
	}
	late := dialFrom(t, base, "127.0.2.1")
	if !<-late.closedByServer() {
		t.Fatal("a connection over a budget of busy connections was kept")
	}
	if got := srv.conns.stats().refusedBudget; got != 1 {
		t.Errorf("refused for the budget: %d, want 1", got)
	}
	for _, c := range busy {
		c.Close()
	}
	waitFor(t, "the busy connections to be closed", func() bool { return openConns(srv) == 0 })
	play(t, base)
}

// TestConnectionBudgetFromTheOpenFileLimit: the budget leaves fileReserve files for
// everything else.
func TestConnectionBudgetFromTheOpenFileLimit(t *testing.T) {
	for limit, want := range map[uint64]int{4096: 4096 - fileReserve, 100: 50, 0: math.MaxInt, 1 << 62: math.MaxInt} {
		if got := connectionBudget(limit); got != want {
			t.Errorf("connectionBudget(%d) = %d, want %d", limit, got, want)
		}
	}
	if limit := openFileLimit(); limit > 0 && connectionBudget(limit) < 1 {
		t.Errorf("this process's budget is %d (limit %d)", connectionBudget(limit), limit)
	}
}

// TestSlowRequestsAreCutButLongPollsAndWebSocketsAreNot: a body trickling in is cut after
// the body timeout, headers after the header timeout and idle connections after the idle
// timeout; a long poll held longer than all of them, and a websocket, are not affected.
func TestSlowRequestsAreCutButLongPollsAndWebSocketsAreNot(t *testing.T) {
	const short = 300 * time.Millisecond
	srv, base, _ := startServerWith(t, func(s *Server) {
		s.bodyTimeout, s.http.ReadHeaderTimeout, s.http.IdleTimeout = short, short, short
	})
	t.Cleanup(func() { _ = srv.shutdown() })

	// A player on websocket, and a long poll waiting for its session's next packet.
	m, err := client.NewManager(base, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	player, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if err := player.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	_, body := pollingHandshake(t, base, "")
	sid := sessionID(t, body)
	_, body = pollingHandshake(t, base, "")
	slowSID := sessionID(t, body)
	poll := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid)
		if err != nil {
			poll <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		poll <- fmt.Sprintf("%d %s", resp.StatusCode, b)
	}()

	// Each of these outlives its timeout: once they are closed, so much time has passed.
	host := strings.TrimPrefix(base, "http://")
	slowBody := dialFrom(t, base, "")
	slowBody.slowPost(t, base, slowSID)
	slowHeader := dialFrom(t, base, "")
	fmt.Fprintf(slowHeader, "GET /healthz HTTP/1.1\r\nHost: %s\r\n", host)
	idle := dialFrom(t, base, "")
	idle.idle(t, base)
	for name, c := range map[string]*rawConn{"a slow body": slowBody, "a slow header": slowHeader, "an idle connection": idle} {
		if !<-c.closedByServer() {
			t.Errorf("%s was not cut", name)
		}
	}

	if _, err := player.EmitWithAck(ctx, "echo", "Patient"); err != nil {
		t.Errorf("the websocket player gets no answer after the timeouts: %v", err)
	}
	st := srv.httpStats()
	// At least one header timeout: an HTTP client may also have opened a connection it
	// then did not use, which the server closes the same way.
	if st.bodyTimeouts != 1 || st.conns.headerTimeouts < 1 {
		t.Errorf("timeouts counted: body %d, header %d; want 1 and at least 1", st.bodyTimeouts, st.conns.headerTimeouts)
	}
	// The poll held all along gets the answer to the namespace connect sent now (or, on a
	// machine slow enough to take the whole ping interval, the ping): it was not cut.
	if status, _ := postPacket(t, base, sid, "40"); status != http.StatusOK {
		t.Fatalf("POST to the polling session: %d", status)
	}
	select {
	case got := <-poll:
		if !strings.HasPrefix(got, "200 40") && !strings.HasPrefix(got, "200 2") {
			t.Errorf("the long poll ended with %q, want 200 with the namespace connect", got)
		}
	case <-ctx.Done():
		t.Fatal("the long poll never ended")
	}
}

// postPacket sends a polling POST with body to session sid.
func postPacket(t *testing.T, base, sid, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(base+"/socket.io/?EIO=4&transport=polling&sid="+sid, "text/plain;charset=UTF-8", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHeadersOverTheLimitAre431: net/http's default let each request hold 1 MB of headers.
func TestHeadersOverTheLimitAre431(t *testing.T) {
	srv, base, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	get := func(header http.Header) int {
		req, err := http.NewRequest(http.MethodGet, base+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header = header
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	browser := http.Header{
		"User-Agent":      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"},
		"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
		"Accept-Language": {"en-GB,en;q=0.9,de;q=0.8"},
		"Sec-Fetch-Mode":  {"navigate"},
		"Sec-Fetch-Dest":  {"document"},
		"Cookie":          {strings.Repeat("session=0123456789abcdef; ", 400)}, // 10 KiB of cookies from other apps on this host
	}
	if status := get(browser); status != http.StatusOK {
		t.Errorf("a browser's request with 10 KiB of cookies: %d, want 200", status)
	}
	if status := get(http.Header{"X-Big": {strings.Repeat("x", 100<<10)}}); status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: %d, want 431", status)
	}
}
