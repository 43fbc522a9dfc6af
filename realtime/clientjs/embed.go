// Package clientjs holds the project's own browser Socket.IO client, served by the realtime
// server at <path>socket.io.js (by default /socket.io/socket.io.js), like the reference server does.
package clientjs

import _ "embed"

// Script is the client: a dependency-free script exposing the io(url?, opts?) API.
//
//go:embed socket.io.js
var Script []byte
