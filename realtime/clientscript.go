package realtime

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"tankarena/realtime/clientjs"
)

// clientScript serves the browser client at <path>socket.io.js so pages can load it from the
// server they talk to, as with the reference server.
type clientScript struct {
	path string
	etag string
}

func newClientScript(enginePath string) clientScript {
	sum := sha256.Sum256(clientjs.Script)
	return clientScript{path: enginePath + "socket.io.js", etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

func (c clientScript) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("ETag", c.etag)
	// Revalidate every time: the script changes with the server, and the ETag makes it cheap.
	h.Set("Cache-Control", "public, max-age=0")
	if r.Header.Get("If-None-Match") == c.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/javascript; charset=utf-8")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(clientjs.Script)
}
