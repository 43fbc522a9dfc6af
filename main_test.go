package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/host"
	"tankarena/internal/gametest"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// waitLong bounds every wait for the server to act: generous, for a loaded 2-core machine.
var waitLong = testenv.Patience(30 * time.Second)

// startServer runs the whole server on a loopback port, as run does, with the given flags,
// and returns its URL. It shuts down when the test ends.
func startServer(t *testing.T, flags ...string) string {
	t.Helper()
	// A loaded test machine's stalls would make the node refuse joins as busy
	// (game/capacity_test.go tests admission).
	_, url := gametest.Serve(t, tankArena(), append([]string{"-admit-when-busy"}, flags...)...)
	return url
}

func TestHealthAndMetricsRoutes(t *testing.T) {
	url := startServer(t)
	for path, want := range map[string]string{
		"/healthz":                "ok",
		"/metrics":                "# TYPE tankarena_players gauge",
		"/":                       "<canvas id=\"view\">",
		"/js/main.js":             "import { Connection }",
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

// TestRunAsAProcess is the server process of TestSIGTERMTellsThePlayersAndExitsZero, which
// runs this test binary again with TANKARENA_TEST_MAIN=1: main as it runs in production, in
// a process of its own that a real signal can stop.
func TestRunAsAProcess(t *testing.T) {
	if os.Getenv("TANKARENA_TEST_MAIN") != "1" {
		t.Skip("only the server process of TestSIGTERMTellsThePlayersAndExitsZero")
	}
	os.Args = []string{os.Args[0], "-addr", "127.0.0.1:0", "-admit-when-busy"}
	main() // exits 1 if run fails
	os.Exit(0)
}

// serverProcess is the whole server run in a process of its own (TestRunAsAProcess).
type serverProcess struct {
	url    string
	cmd    *exec.Cmd
	stderr *testenv.SyncBuffer
	exited <-chan error // the process's exit, once
}

// startProcess runs the server in a process of its own, with env added to its environment,
// and returns it once it listens. It is killed when the test ends.
func startProcess(t *testing.T, env ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunAsAProcess$")
	cmd.Env = append(append(os.Environ(), "TANKARENA_TEST_MAIN=1"), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &testenv.SyncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	ports := make(chan string, 1)
	go func() {
		// "Tank Arena is up. Open on this machine: http://localhost:<port>/"
		scanner := bufio.NewScanner(stdout)
		for scanner.Scan() {
			if _, rest, ok := strings.Cut(scanner.Text(), "Tank Arena is up. Open on this machine: http://localhost:"); ok {
				ports <- strings.TrimSuffix(rest, "/")
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	select {
	case port := <-ports:
		return &serverProcess{url: "http://127.0.0.1:" + port, cmd: cmd, stderr: stderr, exited: exited}
	case err := <-exited:
		t.Fatalf("the server exited at once: %v\n%s", err, stderr.String())
	case <-time.After(waitLong):
		t.Fatalf("the server did not start:\n%s", stderr.String())
	}
	return nil
}

// TestSIGTERMTellsThePlayersAndExitsZero: on SIGTERM a seated player is told the server is
// shutting down, and the process exits 0.
func TestSIGTERMTellsThePlayersAndExitsZero(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	p := startProcess(t)
	base, cmd, stderr, exited := p.url, p.cmd, p.stderr, p.exited

	m, err := client.NewManager(base, client.Options{})
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
	if _, err := s.EmitWithAck(ctx, "join", game.JoinRequest{Name: "Last"}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-told:
		if msg == "" {
			t.Error("shutdown event without a message")
		}
	case <-ctx.Done():
		t.Errorf("the player was not told about the shutdown:\n%s", stderr.String())
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the server exited with %v, want 0:\n%s", err, stderr.String())
		}
	case <-time.After(waitLong):
		t.Fatalf("the server did not exit:\n%s", stderr.String())
	}
}

// TestFlagsFallBackToTheEnvironmentAndRefuseBadValues: every flag, the tank game's own and the
// runtime's, reads TANKARENA_<NAME> when not given; a bad value stops the server with an error
// naming it.
func TestFlagsFallBackToTheEnvironmentAndRefuseBadValues(t *testing.T) {
	t.Setenv("TANKARENA_MAX_SEATS_PER_IP", "1")
	t.Setenv("TANKARENA_MAP", "bunkers")
	base := startServer(t)
	ack, refusal := joinWith(t, base, game.JoinRequest{Name: "First"})
	if refusal != "" || ack.Kind != "bunkers" {
		t.Fatalf("TANKARENA_MAP=bunkers: kind %q (refused %q)", ack.Kind, refusal)
	}
	if msg := joinOnce(t, base, "Second"); msg != "too many players from your address: 1 at most" {
		t.Fatalf("TANKARENA_MAX_SEATS_PER_IP=1: the second join got %q", msg)
	}
	for _, bad := range [][]string{{"-max-arenas", "0"}, {"-bots", "-1"}, {"-map", "nowhere"}, {"-max-connections", "0"}, {"-tick-rate", "0"}} {
		if _, err := host.NewGame(t.Context(), tankArena(), bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	t.Setenv("TANKARENA_TICK_RATE", "sixty")
	if _, err := host.NewGame(t.Context(), tankArena(), nil); err == nil || !strings.Contains(err.Error(), "TANKARENA_TICK_RATE") {
		t.Errorf("TANKARENA_TICK_RATE=sixty: %v, want an error naming the variable", err)
	}
}
