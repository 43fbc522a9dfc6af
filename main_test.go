package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"tankarena/arena"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// startServer runs the whole server on a loopback port, as run does, with the given flags.
func startServer(t *testing.T, flags ...string) (*server, string, <-chan error) {
	t.Helper()
	return startServerWith(t, nil, flags...)
}

// startServerWith is startServer with configure, if not nil, run on the server before it
// serves (to shorten its timeouts or shrink its connection budget).
func startServerWith(t *testing.T, configure func(*server), flags ...string) (*server, string, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s, err := parseFlags(flags)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if configure != nil {
		configure(srv)
	}
	served := make(chan error, 1)
	go func() { served <- srv.serve(ln) }()
	return srv, "http://" + ln.Addr().String(), served
}

func TestHealthAndMetricsRoutes(t *testing.T) {
	srv, url, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	for path, want := range map[string]string{
		"/healthz":                "ok",
		"/metrics":                "# TYPE tankarena_players gauge",
		"/":                       "<canvas id=\"view\">",
		"/js/main.js":             "import { Net }",
		"/socket.io/socket.io.js": "io",
	} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d, body lacks %q", path, resp.StatusCode, want)
		}
	}
	// No directory is listed: it would show what else is on disk.
	for _, path := range []string{"/js/", "/js"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "main.js") {
			t.Errorf("GET %s: %d %.100q, want 404 and no listing", path, resp.StatusCode, body)
		}
	}
}

func TestShutdownTellsThePlayers(t *testing.T) {
	srv, url, served := startServer(t)
	m, err := client.NewManager(url, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	told := make(chan string, 1)
	s.On("shutdown", func(ev *client.Event) {
		var msg struct{ Message string }
		_ = ev.Decode(0, &msg)
		told <- msg.Message
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EmitWithAck(ctx, "join", arena.JoinRequest{Name: "Last"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.shutdown(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case msg := <-told:
		if msg == "" {
			t.Fatal("shutdown event without a message")
		}
	case <-ctx.Done():
		t.Fatal("the player was not told about the shutdown")
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("serve ended with %v", err)
	}
}

func TestJoinInfoListsAddressesAndAQRCode(t *testing.T) {
	var out bytes.Buffer
	printJoinInfo(&out, 8080)
	if !strings.Contains(out.String(), "http://localhost:8080/") {
		t.Fatalf("no local address in:\n%s", out.String())
	}
	if urls := lanURLs(8080); len(urls) > 0 && !strings.Contains(out.String(), "█") && !strings.Contains(out.String(), "▀") {
		t.Fatalf("LAN addresses %v but no QR code in:\n%s", urls, out.String())
	}
}

// TestRunAsAProcess is the server process of TestSIGTERMCutsRequestsInFlightAndExitsZero,
// which runs this test binary again with TANKARENA_TEST_MAIN=1: main as it runs in
// production, in a process of its own that a real signal can stop.
func TestRunAsAProcess(t *testing.T) {
	if os.Getenv("TANKARENA_TEST_MAIN") != "1" {
		t.Skip("only the server process of TestSIGTERMCutsRequestsInFlightAndExitsZero")
	}
	os.Args = []string{os.Args[0], "-addr", "127.0.0.1:0"}
	main() // exits 1 if run fails
	os.Exit(0)
}

// TestSIGTERMCutsRequestsInFlightAndExitsZero: a request body still trickling in when the
// shutdown grace is over is cut, and the process exits 0. Before, the shutdown waited for it
// in vain and the process exited 1 with "shutdown: context deadline exceeded".
func TestSIGTERMCutsRequestsInFlightAndExitsZero(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunAsAProcess$")
	cmd.Env = append(os.Environ(), "TANKARENA_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr testenv.SyncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ports := make(chan string, 1)
	go func() {
		// "Tank Arena is up. Open on this machine: http://localhost:<port>/"
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if _, rest, ok := strings.Cut(scanner.Text(), "http://localhost:"); ok {
				ports <- strings.TrimSuffix(rest, "/")
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var base string
	select {
	case port := <-ports:
		base = "http://127.0.0.1:" + port
	case err := <-exited:
		t.Fatalf("the server exited at once: %v\n%s", err, stderr.String())
	case <-time.After(waitLong):
		t.Fatalf("the server did not start:\n%s", stderr.String())
	}

	slow := dialFrom(t, base, "")
	slow.slowPost(t, base, slow.handshake(t, base))
	// Active: the slow POST, and the scrape asking.
	waitFor(t, "the server to read the slow request", func() bool {
		return strings.Contains(getBody(t, base+"/metrics"), `tankarena_http_connections_open{phase="active"} 2`)
	})
	closed := slow.closedByServer()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the server exited with %v, want 0:\n%s", err, stderr.String())
		}
	case <-time.After(waitLong):
		t.Fatalf("the server did not exit:\n%s", stderr.String())
	}
	if !<-closed {
		t.Error("the slow request's connection was left open")
	}
	if log := stderr.String(); !strings.Contains(log, "closing the requests still in flight") || !strings.Contains(log, "connections=1") {
		t.Errorf("the log does not say what was cut:\n%s", log)
	}
}
