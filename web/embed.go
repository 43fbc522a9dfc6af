// Package web holds the browser client: the HTML page, its JavaScript modules and styles, and
// the icons and web app manifest that let a phone put the game on its home screen. They are
// embedded into the binary so a single executable serves the whole game.
package web

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
)

// Files is the browser client, rooted at this folder.
//
//go:embed index.html style.css js/*.js favicon.svg manifest.webmanifest icons/*.png
var Files embed.FS

// The manifest's media type is not in Go's built-in table: without this, a machine lacking
// /etc/mime.types (a slim container, Windows) would serve it as text/plain, which browsers
// may refuse as a manifest.
func init() {
	if err := mime.AddExtensionType(".webmanifest", "application/manifest+json"); err != nil {
		panic(err) // a malformed literal above; never on input
	}
}

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
