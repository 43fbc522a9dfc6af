//go:build unix

// Package scripts holds the shell scripts of the Makefile; this test runs deps.sh, the one
// `make test` and CI start with, against fake programs.
package scripts

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// depsRun is one run of deps.sh with a PATH that holds only fake programs.
type depsRun struct {
	dir     string // world-writable, so the script can run as nobody and still leave its traces
	bin     string // the only folder on PATH
	aptLog  string // one line per apt-get call, its arguments
	asRoot  bool
	code    int
	message string // what the script printed, stdout and stderr
}

// newDepsRun sets up a folder with a copy of deps.sh and a fake apt-get that logs its calls
// and, on install, puts fakes of the packages' programs on PATH.
func newDepsRun(t *testing.T) *depsRun {
	t.Helper()
	// Not t.TempDir: its parent is private to root, and the script must run as nobody too.
	dir, err := os.MkdirTemp("", "deps-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	r := &depsRun{dir: dir, bin: filepath.Join(dir, "bin"), aptLog: filepath.Join(dir, "apt-get.log")}
	if err := os.Mkdir(r.bin, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, r.bin} {
		if err := os.Chmod(p, 0o777); err != nil { // the umask took write bits off
			t.Fatal(err)
		}
	}
	script, err := os.ReadFile("deps.sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "deps.sh"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

// fake puts an executable shell script called name on the run's PATH.
func (r *depsRun) fake(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(r.bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakeAptGet is an apt-get that logs its arguments and, when installs is true, installs by
// putting a fake of each package's program on PATH.
func (r *depsRun) fakeAptGet(t *testing.T, installs bool) {
	t.Helper()
	body := `PATH=/usr/bin:/bin
echo "$*" >>` + r.aptLog
	if installs {
		body += `
[ "$1" = install ] || exit 0
for pkg; do
  case $pkg in nodejs) prog=node ;; -*) continue ;; *) prog=$pkg ;; esac
  printf '#!/bin/sh\n' >` + r.bin + `/$prog && chmod 755 ` + r.bin + `/$prog
done`
	}
	r.fake(t, "apt-get", body)
}

// run runs the script as root when asRoot (only possible when the test runs as root) and as
// a user that is not root otherwise: the test's own user, or nobody when the test is root.
func (r *depsRun) run(t *testing.T, asRoot bool) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command(bash, filepath.Join(r.dir, "deps.sh"))
	cmd.Env = []string{"PATH=" + r.bin}
	switch {
	case asRoot && os.Geteuid() != 0:
		t.Skip("the apt-get path needs root (CI runs as root)")
	case !asRoot && os.Geteuid() == 0:
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("deps.sh did not run: %v", err)
	}
	r.message = out.String()
}

// aptCalls returns the apt-get calls the script made, one a line.
func (r *depsRun) aptCalls(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(r.aptLog)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDepsAsAUserPrintsTheInstallCommandAndStops(t *testing.T) {
	for _, c := range []struct {
		name    string
		present []string
		command string
	}{
		{"nothing there", nil, "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium nodejs npm redis-server\n"},
		{"only the browser missing", []string{"node", "npm", "redis-server"}, "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium\n"},
		{"only npm missing", []string{"chromium", "node", "redis-server"}, "sudo apt-get update && sudo apt-get install -y --no-install-recommends npm\n"},
		{"only redis-server missing", []string{"chromium", "node", "npm"}, "sudo apt-get update && sudo apt-get install -y --no-install-recommends redis-server\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newDepsRun(t)
			r.fakeAptGet(t, true)
			for _, p := range c.present {
				r.fake(t, p, "")
			}
			r.run(t, false)
			if r.code == 0 || !strings.Contains(r.message, c.command) || !strings.Contains(r.message, "then run make test again") {
				t.Errorf("exit %d, want a failure that prints %q:\n%s", r.code, c.command, r.message)
			}
			if calls := r.aptCalls(t); calls != "" {
				t.Errorf("a user's run called apt-get:\n%s", calls)
			}
		})
	}
}

func TestDepsWithoutAptGetSaysWhatToInstall(t *testing.T) {
	r := newDepsRun(t)
	r.run(t, false)
	if r.code == 0 || !strings.Contains(r.message, "Node.js 20 or newer with npm, Chromium and redis-server") {
		t.Errorf("exit %d, want a failure that names what to install:\n%s", r.code, r.message)
	}
}

func TestDepsWithEverythingThereDoesNothing(t *testing.T) {
	for _, browser := range []string{"chromium", "chromium-browser", "google-chrome"} {
		t.Run(browser, func(t *testing.T) {
			r := newDepsRun(t)
			r.fakeAptGet(t, true)
			for _, p := range []string{browser, "node", "npm", "redis-server"} {
				r.fake(t, p, "")
			}
			r.run(t, false)
			if r.code != 0 || r.message != "" || r.aptCalls(t) != "" {
				t.Errorf("exit %d, apt-get calls %q, output:\n%s", r.code, r.aptCalls(t), r.message)
			}
		})
	}
}

func TestDepsAsRootInstallsWithAptGet(t *testing.T) {
	r := newDepsRun(t)
	r.fakeAptGet(t, true)
	r.fake(t, "node", "")
	r.run(t, true)
	want := "update -qq\ninstall -y -qq --no-install-recommends chromium npm redis-server\n"
	if r.code != 0 || r.aptCalls(t) != want {
		t.Errorf("exit %d, apt-get calls %q, want %q; output:\n%s", r.code, r.aptCalls(t), want, r.message)
	}
}

func TestDepsAsRootFailsWhenAnInstallLeavesAProgramMissing(t *testing.T) {
	r := newDepsRun(t)
	r.fakeAptGet(t, false)
	r.run(t, true)
	if r.code == 0 || !strings.Contains(r.message, "still missing") {
		t.Errorf("exit %d, want a failure that says what is still missing:\n%s", r.code, r.message)
	}
}
