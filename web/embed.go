// Package web holds the browser client: the HTML page, its JavaScript modules and styles.
// They are embedded into the binary so a single executable serves the whole game.
package web

import "embed"

// Files is the browser client, rooted at this folder.
//
//go:embed index.html style.css js/*.js
var Files embed.FS
