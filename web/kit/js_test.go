package kit

import (
	"testing"

	"tankarena/internal/testenv"
)

// TestJavaScriptUnits runs the kit's unit tests (web/kit/jstest/*.test.js) with Node's built-in
// test runner; the modules are plain ES modules, the same files the browser loads, with small
// fakes for the browser globals they use.
func TestJavaScriptUnits(t *testing.T) { testenv.NodeTests(t, "jstest") }
