// Package tanks is Tank Arena's simulation: a deterministic, fixed-tick world of tanks, shells,
// walls and scores, with no networking, no goroutines and no clocks.
//
// The world only advances when [World.Step] is called, always by the same dt (1/[Config.TickRate]
// seconds). Given the same map, [Config], seed and input stream, two worlds stay bit-identical;
// [World.StateHash] proves it. This is what lets the browser predict its own tank with the same
// movement rules (web/js/movement.js) and lets tests replay whole matches.
//
// Coordinates are world units with x to the right and y downwards (screen orientation); one map
// tile is [Map.TileSize] units. Angles are radians in (-π, π]; angle 0 points along +x and a
// positive angle turns clockwise on screen.
//
// A typical host loop:
//
//	w, _ := tanks.NewWorld(tanks.DefaultConfig(), m, seed)
//	id, _ := w.AddPlayer("ann")
//	w.SetInput(id, tanks.Input{Seq: 1, Throttle: 1})
//	for range ticker { events := w.Step(); ... w.Snapshot(&snap) ... }
//
// Snapshots for clients are encoded with [EncodeSnapshot] (layout in SNAPSHOT.md) and decoded by
// [DecodeSnapshot] or, in the browser, by web/js/snapshot.js.
//
// # On the room runtime
//
// [Game] and [Room] are the tank game as the room runtime (package game) runs it; this package
// does not import the runtime, and nothing of the network. The game's own payloads on the wire
// (package game documents the rest of the protocol):
//
//	"input"    [seq, throttle, turn, aim, fire]   parsed by [ParseInput]
//	           seq: uint32 counting up per input; throttle, turn: -1..1; aim: turret angle in
//	           radians (world frame); fire: 0 or 1. A fire in an input the runtime merges
//	           away (shedding latency after a stall) is carried into the next ([Input.Absorb]).
//	"snapshot" the encoding of SNAPSHOT.md; each tank's seq is the last input seq the server
//	           applied for it (for reconciliation)
//	"roster"   [{"id": int, "name": string, "bot": bool}, ...]   ([PlayerInfo])
//	join ack   "game": {"map": Map, "config": Config}
package tanks
