package web

import (
	"testing"

	"tankarena/internal/testenv"
)

// TestJavaScriptUnits runs the client's unit tests (web/jstest/*.test.js) with Node's built-in
// test runner; the modules are plain ES modules, the same files the browser loads.
func TestJavaScriptUnits(t *testing.T) { testenv.NodeTests(t, "jstest") }
