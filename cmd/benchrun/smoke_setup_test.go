package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// buildForSmoke builds the repository's packages pkgs (such as "./cmd/loadgen") into a
// temporary folder and returns the repository's root and that folder. Without the go
// command the test is skipped: the smoke tests run real binaries, not this test process.
func buildForSmoke(t *testing.T, pkgs ...string) (root, bin string) {
	t.Helper()
	root = testenv.RepoRoot(t)
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH to build " + strings.Join(pkgs, " "))
	}
	bin = t.TempDir()
	build := exec.Command(goTool, append([]string{"build", "-o", bin + string(filepath.Separator)}, pkgs...)...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return root, bin
}

// runSmoke runs the harness once with cfg and returns its runs and the progress it logged;
// a harness error fails the test.
func runSmoke(t *testing.T, cfg config) ([]run, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	var progress strings.Builder
	runs, err := runAll(ctx, cfg, &progress)
	if err != nil {
		t.Fatalf("harness failed: %v\nprogress:\n%s", err, progress.String())
	}
	return runs, progress.String()
}
