package clientjs_test

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// target is a Socket.IO server the client is tested against. Both URLs serve the test pages
// ("/" loads the client as a classic script, "/blank.html" does not load it) and the client at
// /socket.io/socket.io.js; pollingOnly refuses websockets, so the client has to fall back.
type target struct {
	name        string
	url         string
	pollingOnly string
}

// startReferenceServer runs compat/clientjs/server.js: the official socket.io server with the
// behaviours the cases drive, serving our socket.io.js. It stops when the test ends.
func startReferenceServer(t *testing.T) target {
	t.Helper()
	node := testenv.Node(t)
	compat := testenv.CompatDir(t)
	client, err := filepath.Abs("socket.io.js")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("clientjs", "server.js"), client)
	cmd.Dir = compat
	cmd.Env = append(os.Environ(), testenv.SlackEnv())
	stderr := &testenv.SyncBuffer{}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe() // the server exits when this closes
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start reference server: %v", err)
	}
	exited := make(chan struct{})
	first := make(chan string, 1)
	go func() {
		lines := bufio.NewReader(stdout)
		line, _ := lines.ReadString('\n')
		first <- line
		_, _ = io.Copy(io.Discard, lines) // read on, so the server never blocks on a full pipe
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = stdin.Close()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("reference server stderr:\n%s", stderr.String())
		}
	})

	var urls struct{ Main, PollingOnly string }
	select {
	case line := <-first:
		if err := json.Unmarshal([]byte(line), &urls); err != nil || urls.Main == "" {
			t.Fatalf("reference server did not print its URLs (got %q, err %v); stderr:\n%s", line, err, stderr.String())
		}
	case <-time.After(testenv.Patience(60 * time.Second)):
		t.Fatalf("reference server did not start; stderr:\n%s", stderr.String())
	}
	return target{name: "reference", url: urls.Main, pollingOnly: urls.PollingOnly}
}
