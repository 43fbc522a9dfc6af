package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"tankarena/arena"
	"tankarena/realtime/client"
)

// startServer runs the whole server on a loopback port, as run does, with the given flags.
func startServer(t *testing.T, flags ...string) (*server, string, <-chan error) {
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
	served := make(chan error, 1)
	go func() { served <- srv.http.Serve(ln) }()
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
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
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
