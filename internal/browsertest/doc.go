// Package browsertest runs end-to-end tests in a real headless Chromium driven by chromedp.
//
// New starts a fresh browser for one test (its own empty profile, the flags that work on our
// CI machines as root without network) and stops it, and removes its profile, when the test
// ends. What the page logs to its console, and every uncaught exception, appears in the test
// log, which is usually all that is needed to see why a page misbehaved. Eval runs JavaScript
// in the page and waits for the promise it returns, the usual way to read results back.
//
// The browser is found with testenv.Chromium: missing Chromium skips the test on a developer
// machine and fails it in CI.
package browsertest
