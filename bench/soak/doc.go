// Package soak holds the soak test: a server (arena.Lobby on realtime.Server) and many bots
// playing against it for minutes, with random disconnects, token reconnects and malformed
// packets, checked at the end for panics, growth of goroutines and heap, and bots left without
// snapshots.
//
//	SOAK=30s make soak        # 200 bots for 30 s (make soak: 5 min by default)
//	SOAK_BOTS=50 SOAK=1m make soak
//
// Without SOAK it runs a short form (20 bots, 5 s) as part of `go test ./...`.
package soak
