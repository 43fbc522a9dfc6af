// Package clientjs holds the project's own browser Socket.IO client, served by the realtime
// server at <path>socket.io.js (by default /socket.io/socket.io.js), like the reference server does.
//
// The script speaks Socket.IO v5 over Engine.IO v4 and follows the socket.io-client v4 API
// (io, Socket, Manager, acks, timeouts, binary, volatile, reconnection with back-off). It has no
// dependencies and no build step, and works both ways a page may load it:
//
//	<script src="/socket.io/socket.io.js"></script>   <!-- defines the global io -->
//	<script type="module">
//	  import "/socket.io/socket.io.js";               // for its side effect: globalThis.io
//	  const socket = io("/admin", { auth: { token } });
//	</script>
//
// Like socket.io-client, it opens with HTTP long-polling and then upgrades to websocket when the
// server offers it (Engine.IO v4: "2probe"/"3probe" over the new websocket, polling paused,
// "5"), with no packet lost or reordered; a failed probe leaves it on polling. opts.transports
// sets the order to try (["websocket", "polling"] starts on websocket and falls back to
// polling), opts.upgrade: false keeps it on polling, and opts.rememberUpgrade opens the page's
// next connection on websocket once one has upgraded.
// Its tests run it in headless Chromium against the official socket.io server and ours.
package clientjs

import _ "embed"

// Script is the client: a dependency-free script exposing the io(url?, opts?) API.
//
//go:embed socket.io.js
var Script []byte
