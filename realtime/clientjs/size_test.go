package clientjs_test

import (
	"bytes"
	"compress/gzip"
	"testing"

	"tankarena/realtime/clientjs"
)

// The client is downloaded by every player's browser, phones on a busy LAN included: keep it
// under 9.5 KiB gzipped, as served with compression. The budget was 8 KiB until the client
// learnt to upgrade from polling to websocket (about 1.3 KiB); the script is served as written,
// comments included (some 2 KiB of the total), and is still well under the official client's
// minified bundle (socket.io.min.js, about 14.4 KiB gzipped).
func TestScriptIsSmallGzipped(t *testing.T) {
	const limit = 9<<10 + 512
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(clientjs.Script); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("socket.io.js: %d bytes, %d gzipped", len(clientjs.Script), buf.Len())
	if buf.Len() > limit {
		t.Errorf("socket.io.js is %d bytes gzipped, over the %d byte budget", buf.Len(), limit)
	}
}
