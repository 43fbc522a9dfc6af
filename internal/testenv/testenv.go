// Package testenv finds the real outside programs our tests run against — Node.js with the
// official npm packages in compat/, and Debian's Chromium — and decides what a test does when
// one is missing: on a developer's machine it skips with the command that installs it; in CI
// (CI=true) a missing program fails the test, so a green CI run always means the real thing ran.
//
// It also sets how long tests wait: Patience stretches a deadline by Slack, which grows with
// the machine's load and with TEST_SLACK, so that tests wait for conditions, never for the
// clock, and still hold on a CI machine shared with whatever else runs.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run under CI, where nothing may be skipped for lack of a tool.
func InCI() bool { return os.Getenv("CI") == "true" }

// missing skips the test locally, or fails it in CI, explaining how to install what is missing.
func missing(t testing.TB, what, install string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is missing (CI=true, so this is a failure); install it with: %s", what, install)
	}
	t.Skipf("%s is missing; install it with: %s", what, install)
}

// RepoRoot returns the repository's top folder (the one holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("testenv: cannot locate source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// CompatDir returns the compat/ folder, whose node_modules holds the official
// socket.io, socket.io-client and engine.io-client packages (installed by `make compat-deps`).
func CompatDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "compat")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "socket.io-client")); err != nil {
		missing(t, "compat/node_modules (the official npm packages)", "make compat-deps")
	}
	return dir
}

// Node returns the path of the node executable.
func Node(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node", "apt-get install nodejs npm")
	}
	return path
}

// Chromium returns the path of a Chromium (or Chrome) executable for headless browser tests.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	missing(t, "chromium", "apt-get install chromium")
	return ""
}

// OutDir returns a folder for files a test leaves behind for people to look at (screenshots),
// testdata-out/<test name> under the repository root; it is created and kept after the test.
func OutDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "testdata-out", filepath.FromSlash(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return dir
}

// NodeTests runs the JavaScript unit tests in dir (dir/*.test.js, plain ES modules) with Node's
// built-in test runner and fails t with its report when one fails.
func NodeTests(t testing.TB, dir string) {
	t.Helper()
	node := Node(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.test.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no JavaScript tests found in %s: %v", dir, err)
	}
	args := append([]string{"--experimental-default-type=module", "--test"}, files...)
	out, err := exec.Command(node, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("node --test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
