// Package web holds the browser client: the HTML page, its JavaScript modules and styles, and
// the icons and web app manifest that let a phone put the game on its home screen. They are
// embedded into the binary so a single executable serves the whole game (tankarena/game/host
// serves them, without directory listings). The client's game-agnostic half (the connection,
// input clock, snapshot stream and buffer, net graph) is the browser kit, package
// tankarena/web/kit, which the host serves at /kit/ and js/main.js imports from there.
package web

import "embed"

// Files is the browser client, rooted at this folder.
//
//go:embed index.html replay.html style.css rounds.css replay.css spectate.css js/*.js favicon.svg manifest.webmanifest icons/*.png
var Files embed.FS
