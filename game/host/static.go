package host

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
)

// The web app manifest's media type is not in Go's built-in table: without this, a machine
// lacking /etc/mime.types (a slim container, Windows) would serve it as text/plain, which
// browsers may refuse as a manifest.
func init() {
	if err := mime.AddExtensionType(".webmanifest", "application/manifest+json"); err != nil {
		panic(err) // a malformed literal above; never on input
	}
}

// staticHandler serves files like http.FileServerFS, but lists no directory: a directory
// without an index.html is 404 Not Found, as if it were not there. A game needs no listing,
// and one tells a visitor what else is on disk (with -dev, the whole source folder).
func staticHandler(files fs.FS) http.Handler {
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
