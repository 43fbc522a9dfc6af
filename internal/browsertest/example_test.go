package browsertest_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
)

// A test opens a page in a fresh headless Chromium and reads a result back from it.
func ExampleNew() {
	var t *testing.T // the *testing.T of your test
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("http://127.0.0.1:8080/")); err != nil {
		t.Fatal(err)
	}
	title, err := browsertest.Eval[string](ctx, `document.title`)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(title)
}
