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

// buildForSmoke builds the repository's packages pkgs (such as "./bench/loadgen") into a
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
	for _, pkg := range pkgs {
		// bench/ is a module of its own, and go build sees only the packages of the module it
		// runs in: each package is built in its module, the game server in the game's, as
		// `make bench` does.
		dir := root
		if inBench, ok := strings.CutPrefix(pkg, "./bench/"); ok {
			dir, pkg = filepath.Join(root, "bench"), "./"+inBench
		}
		build := exec.Command(goTool, "build", "-o", bin+string(filepath.Separator), pkg)
		build.Dir = dir
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return root, bin
}

// runSmoke runs the harness once with cfg and returns its runs and the progress it logged;
// a harness error fails the test.
func runSmoke(t *testing.T, cfg config) ([]run, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testenv.Patience(2*time.Minute))
	defer cancel()
	var progress strings.Builder
	runs, err := runAll(ctx, cfg, &progress)
	if err != nil {
		t.Fatalf("harness failed: %v\nprogress:\n%s", err, progress.String())
	}
	return runs, progress.String()
}
