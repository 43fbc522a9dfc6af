package kit

import (
	"os/exec"
	"path/filepath"
	"testing"

	"tankarena/internal/testenv"
)

// TestJavaScriptUnits runs the kit's unit tests (web/kit/jstest/*.test.js) with Node's built-in
// test runner; the modules are plain ES modules, the same files the browser loads, with small
// fakes for the browser globals they use.
func TestJavaScriptUnits(t *testing.T) {
	node := testenv.Node(t)
	files, err := filepath.Glob(filepath.Join("jstest", "*.test.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no JavaScript tests found: %v", err)
	}
	args := append([]string{"--experimental-default-type=module", "--test"}, files...)
	out, err := exec.Command(node, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("node --test failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
