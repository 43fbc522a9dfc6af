package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
)

func TestNewRunsAPageAndEvalAwaitsPromises(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><title>hello</title><script>window.answer = 6 * 7</script>`))
	}))
	defer page.Close()

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatal(err)
	}
	got, err := browsertest.Eval[map[string]any](ctx, `new Promise(r => setTimeout(() => r({answer: window.answer, title: document.title}), 10))`)
	if err != nil {
		t.Fatal(err)
	}
	if got["answer"] != float64(42) || got["title"] != "hello" {
		t.Errorf("page state = %v, want answer 42 and title hello", got)
	}
	if _, err := browsertest.Eval[any](ctx, `Promise.reject(new Error("boom"))`); err == nil {
		t.Error("a rejected promise gave no error")
	}
}
