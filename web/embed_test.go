package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestHandlerServesFilesButListsNoDirectory(t *testing.T) {
	for name, files := range map[string]http.Handler{"embedded": Handler(Files), "disk (-dev)": Handler(os.DirFS("."))} {
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
