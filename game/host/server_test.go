package host

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"tankarena/internal/testenv"
	"tankarena/realtime"
	"tankarena/realtime/client"
)

// testEnvPrefix starts the environment variables of the test game's flags.
const testEnvPrefix = "HOSTTEST_"

// testOptions describe the game these tests host. Its connection series are named as the
// tank game's are, so the tests read the names operators' dashboards use.
func testOptions() Options {
	return Options{
		Name:             "Test Game",
		MetricsNamespace: "tankarena",
		RegisterMetrics: func(reg prometheus.Registerer) error {
			return reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "testgame_players", Help: "Players."}, func() float64 { return 0 }))
		},
		Static: clientFiles,
	}
}

// serveTestGame is the test game: "echo" acknowledges with its arguments.
func serveTestGame(srv *Server) {
	srv.Realtime().Of("/").OnConnection(func(s *realtime.Socket) {
		s.On("echo", func(ev *realtime.Event) { ev.Ack(ev.Values()...) })
	})
}

// newTestServer builds the test game's server from the flags, as a game's main does.
func newTestServer(t *testing.T, opts Options, flags ...string) *Server {
	t.Helper()
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("testgame", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	if err := cfg.ParseFlags(fs, flags, testEnvPrefix); err != nil {
		t.Fatal(err)
	}
	srv, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	serveTestGame(srv)
	return srv
}

// startServer runs the test game's server on a loopback port with the given flags.
func startServer(t *testing.T, flags ...string) (*Server, string, <-chan error) {
	t.Helper()
	return startServerWith(t, nil, flags...)
}

// startServerWith is startServer with configure, if not nil, run on the server before it
// serves (to shorten its timeouts or shrink its connection budget).
func startServerWith(t *testing.T, configure func(*Server), flags ...string) (*Server, string, <-chan error) {
	t.Helper()
	srv := newTestServer(t, testOptions(), flags...)
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
		"/metrics":                "# TYPE testgame_players gauge",
		"/":                       "<canvas id=\"view\">",
		"/js/main.js":             "import { Net }",
		"/socket.io/socket.io.js": "io",
		"/favicon.ico":            "<svg", // the client follows the redirect to /favicon.svg
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

// TestDevServesTheClientFromDisk: with -dev an edit of the client on disk shows on reload.
func TestDevServesTheClientFromDisk(t *testing.T) {
	dir := onDisk(t, clientFiles)
	opts := testOptions()
	opts.DevDir = dir
	srv := newTestServer(t, opts, "-dev")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.serve(ln) }()
	t.Cleanup(func() { _ = srv.shutdown() })
	if err := os.WriteFile(dir+"/index.html", []byte("edited"), 0o644); err != nil {
		t.Fatal(err)
	}
	if body := getBody(t, "http://"+ln.Addr().String()+"/"); body != "edited" {
		t.Errorf("GET / with -dev: %.80q, want the file on disk", body)
	}

	cfg := DefaultConfig()
	cfg.Dev = true
	if _, err := New(cfg, testOptions()); err == nil || !strings.Contains(err.Error(), "DevDir") {
		t.Errorf("-dev without Options.DevDir: %v, want an error naming DevDir", err)
	}
}

// TestKitIsServedForEveryGame: a game's page imports the browser kit from /kit/, as
// JavaScript (browsers refuse a module of another type), whatever the game's own files.
func TestKitIsServedForEveryGame(t *testing.T) {
	srv, url, _ := startServer(t)
	t.Cleanup(func() { _ = srv.shutdown() })
	resp, err := http.Get(url + "/kit/connection.js")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("GET /kit/connection.js: %d, Content-Type %q, want 200 and text/javascript", resp.StatusCode, ct)
	}
	if !strings.Contains(string(body), "export class Connection") {
		t.Errorf("GET /kit/connection.js: %.80q, want the kit's module", body)
	}
	for _, path := range []string{"/kit/", "/kit", "/kit/nothing.js"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "connection.js") {
			t.Errorf("GET %s: %d %.100q, want 404 and no listing", path, resp.StatusCode, body)
		}
	}
}

// TestDevServesTheKitFromDisk: with -dev and Options.KitDevDir an edit of the kit shows on reload.
func TestDevServesTheKitFromDisk(t *testing.T) {
	kitDir := onDisk(t, fstest.MapFS{"connection.js": {Data: []byte("export const edited = true;\n")}})
	opts := testOptions()
	opts.DevDir = onDisk(t, clientFiles)
	opts.KitDevDir = kitDir
	srv := newTestServer(t, opts, "-dev")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.serve(ln) }()
	t.Cleanup(func() { _ = srv.shutdown() })
	if body := getBody(t, "http://"+ln.Addr().String()+"/kit/connection.js"); !strings.Contains(body, "edited") {
		t.Errorf("GET /kit/connection.js with -dev: %.80q, want the file on disk", body)
	}
}

func TestNewNeedsTheGamesNameAndAValidConfig(t *testing.T) {
	for name, tt := range map[string]struct {
		change func(*Config, *Options)
		want   string
	}{
		"no name":       {func(_ *Config, o *Options) { o.Name = "" }, "Options.Name"},
		"no namespace":  {func(_ *Config, o *Options) { o.MetricsNamespace = "" }, "Options.MetricsNamespace"},
		"bad namespace": {func(_ *Config, o *Options) { o.MetricsNamespace = "tank-arena" }, "Options.MetricsNamespace"},
		"a game series named as a connection series": {func(_ *Config, o *Options) { o.RegisterMetrics = handshakesMetric }, "connection metrics"},
		"bad config": {func(c *Config, _ *Options) { c.MaxConnections = 0 }, "max-connections"},
	} {
		cfg, opts := DefaultConfig(), testOptions()
		tt.change(&cfg, &opts)
		if srv, err := New(cfg, opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New returned %v, %v; want an error naming %s", name, srv, err, tt.want)
		}
	}
}

// handshakesMetric registers a game series under the name of a connection series.
func handshakesMetric(reg prometheus.Registerer) error {
	return reg.Register(prometheus.NewCounter(prometheus.CounterOpts{Name: "tankarena_handshakes_total", Help: "Handshakes."}))
}

// TestShutdownTellsThePlayers: when Serve's context ends, a connected player gets the
// "shutdown" notice, the game's OnShutdown runs after it, and Serve returns nil.
func TestShutdownTellsThePlayers(t *testing.T) {
	var toldFirst, stopped atomic.Bool
	told := make(chan string, 1)
	opts := testOptions()
	opts.OnShutdown = func() { stopped.Store(true) }
	srv := newTestServer(t, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serveCtx, stopServing := context.WithCancel(context.Background())
	defer stopServing()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, ln) }()

	m, err := client.NewManager("http://"+ln.Addr().String(), client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	s.On("shutdown", func(ev *client.Event) {
		toldFirst.Store(!stopped.Load())
		var msg struct{ Message string }
		_ = ev.Decode(0, &msg)
		told <- msg.Message
	})
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EmitWithAck(ctx, "echo", "Last"); err != nil {
		t.Fatal(err)
	}
	stopServing()
	select {
	case msg := <-told:
		if msg == "" {
			t.Error("shutdown event without a message")
		}
	case <-ctx.Done():
		t.Fatal("the player was not told about the shutdown")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve ended with %v, want nil", err)
		}
	case <-ctx.Done():
		t.Fatal("Serve did not return")
	}
	if !stopped.Load() || !toldFirst.Load() {
		t.Errorf("OnShutdown ran: %v, after the notice arrived: %v; want both", stopped.Load(), toldFirst.Load())
	}
}

func TestJoinInfoListsAddressesAndAQRCode(t *testing.T) {
	var out bytes.Buffer
	printJoinInfo(&out, "Test Game", 8080)
	if !strings.Contains(out.String(), "Test Game is up. Open on this machine: http://localhost:8080/") {
		t.Fatalf("no local address in:\n%s", out.String())
	}
	if urls := lanURLs(8080); len(urls) > 0 && !strings.Contains(out.String(), "█") && !strings.Contains(out.String(), "▀") {
		t.Fatalf("LAN addresses %v but no QR code in:\n%s", urls, out.String())
	}
}

// testMain is a game's main as the package doc shows it, for the test game.
func testMain(args []string) int {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("testgame", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	if err := cfg.ParseFlags(fs, args, testEnvPrefix); err != nil {
		slog.Error("flags", "err", err)
		return 1
	}
	srv, err := New(cfg, testOptions())
	if err != nil {
		slog.Error("new", "err", err)
		return 1
	}
	serveTestGame(srv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Run(ctx); err != nil {
		slog.Error("run", "err", err)
		return 1
	}
	return 0
}

// TestRunAsAProcess is the server process of TestSIGTERMCutsRequestsInFlightAndExitsZero,
// which runs this test binary again with HOSTTEST_MAIN=1: a game's main as it runs in
// production, in a process of its own that a real signal can stop.
func TestRunAsAProcess(t *testing.T) {
	if os.Getenv("HOSTTEST_MAIN") != "1" {
		t.Skip("only the server process of TestSIGTERMCutsRequestsInFlightAndExitsZero")
	}
	os.Exit(testMain([]string{"-addr", "127.0.0.1:0"}))
}

// TestSIGTERMCutsRequestsInFlightAndExitsZero: a request body still trickling in when the
// shutdown grace is over is cut, and the process exits 0. Before, the shutdown waited for it
// in vain and the process exited 1 with "shutdown: context deadline exceeded".
func TestSIGTERMCutsRequestsInFlightAndExitsZero(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunAsAProcess$")
	cmd.Env = append(os.Environ(), "HOSTTEST_MAIN=1")
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
		// "Test Game is up. Open on this machine: http://localhost:<port>/"
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if _, rest, ok := strings.Cut(scanner.Text(), "Test Game is up. Open on this machine: http://localhost:"); ok {
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

// getBody fetches url and returns its body.
func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}
