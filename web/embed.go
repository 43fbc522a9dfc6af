// Package web holds the browser client: the HTML page, its JavaScript modules and styles.
// They are embedded into the binary so a single executable serves the whole game.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

// Files is the browser client, rooted at this folder.
//
//go:embed index.html style.css js/*.js
var Files embed.FS

// Handler serves files like http.FileServerFS, but lists no directory: a directory without
// an index.html is 404 Not Found, as if it were not there. The game needs no listing, and
// one tells a visitor what else is on disk (with -dev, the whole source folder).
func Handler(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean("/" + r.URL.Path)[1:]
		if name == "" {
			name = "."
		}
		if info, err := fs.Stat(files, name); err == nil && info.IsDir() {
			if _, err := fs.Stat(files, path.Join(name, "index.html")); err != nil {
				http.NotFound(w, r)
				return
			}
		}
		fileServer.ServeHTTP(w, r)
	})
}
