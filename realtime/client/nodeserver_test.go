package client_test

import (
	"bufio"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// startNodeServer runs compat/goclient/server.mjs (the official socket.io v4
// server) and returns its base URL. The process ends with the test.
func startNodeServer(t testing.TB, env ...string) string {
	t.Helper()
	node := testenv.Node(t)
	dir := testenv.CompatDir(t)
	cmd := exec.Command(node, filepath.Join(dir, "goclient", "server.mjs"))
	cmd.Dir = dir
	// As the Go server's: a generous pong timeout, stretched with the load; env may override it.
	cmd.Env = append(cmd.Environ(), fmt.Sprintf("PING_TIMEOUT=%d", testenv.Patience(10*time.Second).Milliseconds()))
	cmd.Env = append(cmd.Env, env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr testenv.SyncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if s := stderr.String(); s != "" {
			t.Logf("node stderr:\n%s", s)
		}
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "PORT "); ok {
				port <- p
			}
		}
	}()
	select {
	case p := <-port:
		return "http://127.0.0.1:" + p
	case <-time.After(testenv.Patience(30 * time.Second)):
		t.Fatalf("node server did not start; stderr:\n%s", stderr.String())
		return ""
	}
}

func TestAgainstNodeServer(t *testing.T) {
	url := startNodeServer(t)
	runSuite(t, url)
}
