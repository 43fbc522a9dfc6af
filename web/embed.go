// Package web holds the browser client: the HTML page, its JavaScript modules and styles, and
// the icons and web app manifest that let a phone put the game on its home screen. They are
// embedded into the binary so a single executable serves the whole game.
package web

import (
	"embed"
	"mime"
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
