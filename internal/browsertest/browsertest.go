package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tankarena/internal/testenv"
)

// Timeout bounds a whole browser session: a hung page fails the test instead of hanging it.
// It stretches with the machine's load (testenv.Patience): a session runs dozens of pages.
var Timeout = testenv.Patience(3 * time.Minute)

// New starts a headless Chromium for t and returns the context of its first tab, for use with
// chromedp.Run (derive shorter timeouts from it freely). The browser is killed and its profile
// deleted when t ends.
func New(t testing.TB) context.Context {
	t.Helper()
	exe := testenv.Chromium(t)
	profile, err := os.MkdirTemp("", "browsertest-profile-")
	if err != nil {
		t.Fatalf("browsertest: profile dir: %v", err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		// A loaded CI machine must not slow the page's timers down: heartbeats depend on them.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
	)
	logs := &testLog{t: t}
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(logs.record))
	ctx, cancelTimeout := context.WithTimeout(tabCtx, Timeout)
	t.Cleanup(func() {
		logs.stop()
		cancelTimeout()
		cancelTab()
		cancelAlloc() // kills Chromium and waits for it to exit
		_ = os.RemoveAll(profile)
	})
	// The first Run starts the browser; it lives as long as ctx.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browsertest: start %s: %v", exe, err)
	}
	return ctx
}

// Eval runs the JavaScript expression expr in the page, waits for it when it is a promise, and
// returns its value decoded from JSON into T. A rejected promise or a thrown exception is an
// error (a *chromedp.ExceptionError) whose text includes the exception's message.
func Eval[T any](ctx context.Context, expr string) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return v, fmt.Errorf("evaluate in browser: %w", err)
	}
	return v, nil
}

// testLog copies the page's console and uncaught exceptions into the test log until the test ends
// (logging after the end would panic, and the browser may still be talking then).
type testLog struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *testLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

func (l *testLog) record(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		parts := make([]string, 0, len(ev.Args))
		for _, arg := range ev.Args {
			if arg.Value != nil {
				parts = append(parts, fmt.Sprintf("%s", arg.Value))
			} else {
				parts = append(parts, arg.Description)
			}
		}
		line = fmt.Sprintf("browser console.%s: %s", ev.Type, strings.Join(parts, " "))
	case *runtime.EventExceptionThrown:
		line = "browser exception: " + (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error()
	default:
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Log(line)
	}
}

// Wait evaluates expr in the page until ok accepts its value, and returns that value. Only the
// overall deadline, patience, can fail the test (never the time taken), with what was awaited
// and the last value seen; an expression that throws meanwhile counts as not yet.
func Wait[T any](t testing.TB, ctx context.Context, what, expr string, patience time.Duration, ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(patience)
	var last T
	for {
		v, err := Eval[T](ctx, expr)
		if err == nil {
			last = v
			if ok(v) {
				return v
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; last seen: %+v", what, last)
		}
		time.Sleep(30 * time.Millisecond) // polling the page, under the deadline above
	}
}
