package host

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// clientFiles is a browser client as a game embeds one.
var clientFiles = fstest.MapFS{
	"index.html":  {Data: []byte(`<!doctype html><title>test game</title><canvas id="view"></canvas><script src="/socket.io/socket.io.js"></script>`)},
	"js/main.js":  {Data: []byte("import { Net } from './net.js';\n")},
	"js/net.js":   {Data: []byte("export const Net = {};\n")},
	"style.css":   {Data: []byte("body { margin: 0 }\n")},
	"favicon.svg": {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
}

// onDisk writes files to a temporary folder, as -dev serves them.
func onDisk(t *testing.T, files fstest.MapFS) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandlerServesFilesButListsNoDirectory(t *testing.T) {
	for name, files := range map[string]http.Handler{"embedded": staticHandler(clientFiles), "disk (-dev)": staticHandler(os.DirFS(onDisk(t, clientFiles)))} {
		ts := httptest.NewServer(files)
		for _, tt := range []struct {
			path   string
			status int
			want   string
		}{
			{"/", http.StatusOK, `<canvas id="view">`},
			{"/js/main.js", http.StatusOK, "import"},
			{"/style.css", http.StatusOK, "{"},
			{"/js/", http.StatusNotFound, ""},
			{"/js", http.StatusNotFound, ""},
			{"/js/../js/", http.StatusNotFound, ""},
			{"/nothing.js", http.StatusNotFound, ""},
		} {
			resp, err := http.Get(ts.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("%s: GET %s: %d %.80q, want %d with %q", name, tt.path, resp.StatusCode, body, tt.status, tt.want)
			}
			if strings.Contains(string(body), "main.js") && tt.path != "/" {
				t.Errorf("%s: GET %s lists the directory: %.200q", name, tt.path, body)
			}
		}
		ts.Close()
	}
}
