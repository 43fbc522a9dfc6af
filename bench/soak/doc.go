// Package soak holds the soak test: a server (game.Lobby on realtime.Server, with the game
// server's default limits) and many honest bots playing against it, with random disconnects
// and token reconnects, while vandals attack it. It checks the bots' snapshot rate during the
// attacks, that the server held every attack to its limits, and, at the end, panics, growth
// of goroutines and heap, and bots left without snapshots.
//
// The bots come from loopback addresses 127.0.0.2 on, 16 to an address (a LAN party behind a
// NAT address), so the per-address limits hold at their defaults; each vandal has an address
// of its own in 127.0.1.0/24. Where only 127.0.0.1 can be used, the per-address limits are
// lifted instead. One vandal per attack (issue 12), each a pest, not a flood: malformed
// packets; a seat grabber (CONNECT again and join, in a loop, on one connection); placeholder
// bombs (many placeholders naming one attachment); a join spammer; a websocket that stops
// reading while asking for big ping echoes; a polling session that never polls; a client
// asking for 5 s of lag; connect-join-drop loops; invisible names; token replay from a second
// connection. They count what the server did to them (the summary lists it) and fail the soak
// when the server lets an attack through.
//
//	SOAK=30s make soak        # 200 bots for 30 s of attacks (make soak: 5 min by default)
//	SOAK_BOTS=50 SOAK=1m make soak
//	SOAK_VANDALS=0 SOAK=1m make soak   # the bots alone: their snapshot rate without attacks
//
// Without SOAK it runs a short form (20 bots, 5 s of attacks) as part of `go test ./...`.
package soak
