package clientjs_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
	"tankarena/realtime"
)

// seedPage is the classic Socket.IO example page, written the way pages use the reference
// server: the script comes from the server the page talks to.
const seedPage = `<!doctype html>
<meta charset="utf-8">
<title>news</title>
<script src="/socket.io/socket.io.js"></script>
<script>
  var socket = io(location.origin);
  socket.on('news', function (data) {
    console.log(data);
    socket.emit('other', { my: 'data' });
  });
</script>`

func TestSeedPageTalksToGoServer(t *testing.T) {
	got := make(chan json.RawMessage, 1)
	srv := realtime.NewServer(realtime.Options{})
	srv.OnConnection(func(s *realtime.Socket) {
		_ = s.Emit("news", map[string]string{"hello": "world"})
		s.On("other", func(ev *realtime.Event) {
			select {
			case got <- ev.Raw(0):
			default:
			}
		})
	})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(seedPage))
	})
	hs := httptest.NewServer(mux)
	defer hs.Close()
	defer srv.Close()

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/")); err != nil {
		t.Fatal(err)
	}
	select {
	case raw := <-got:
		var data map[string]string
		if err := json.Unmarshal(raw, &data); err != nil || data["my"] != "data" {
			t.Errorf("server got 'other' with %s, want {\"my\":\"data\"}", raw)
		}
	case <-time.After(testenv.Patience(60 * time.Second)):
		t.Fatal("the server never received 'other' from the page")
	}
}
