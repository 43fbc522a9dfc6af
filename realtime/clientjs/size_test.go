package clientjs_test

import (
	"bytes"
	"compress/gzip"
	"testing"

	"tankarena/realtime/clientjs"
)

// The client is downloaded by every player's browser, phones on a busy LAN included: keep it
// under 8 KiB gzipped, as served with compression.
func TestScriptIsSmallGzipped(t *testing.T) {
	const limit = 8 << 10
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
