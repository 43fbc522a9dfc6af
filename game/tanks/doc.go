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
// # Lag compensation
//
// A player aims at other tanks as it sees them, in the past: the interpolation delay plus half
// a round trip behind the server, and its input takes the other half to arrive (250 ms with a
// 150 ms round trip). Each input therefore says which tick the player was drawing ([Input.View]),
// and a shell it fires catches up with the present in the tick it is fired: it flies the ticks
// between that view and the present at once, meeting the other tanks where they were at each of
// those ticks (a short ring of positions per tank), and flies on in the present from there. A
// shell thus meets a tank exactly when it did on its shooter's screen. The rewind is bounded by
// [Config.MaxRewind] (250 ms): an older view is held to it, so nobody hits what went behind a
// wall longer ago than that; walls are never rewound (they do not move), so a shell never
// passes one it hit. Others see such a shell appear up to that far into its flight. Bots send
// no view. The details are in lagcomp.go.
//
// # Rounds
//
// A match is a series of rounds ([Config.RoundTime], 0 for one endless match): when a round's
// time is up the most kills win (fewer deaths break ties, as [World.Leaderboard] orders), the
// shells in flight vanish, and for [Config.Intermission] nobody fires or takes damage while
// the players see the ranking with each tank's best streak and accuracy ([Score]). Then the
// next round starts on the next map of the world's rotation ([World.SetRotation]), with every
// score at zero and every tank on a fresh spawn. The round's phase, number, map and end tick
// are in every snapshot ([RoundState]); the details are in rounds.go.
//
// # On the room runtime
//
// [Game] and [Room] are the tank game as the room runtime (package game) runs it; this package
// does not import the runtime, and nothing of the network. The game's own payloads on the wire
// (package game documents the rest of the protocol):
//
//	"input"    [seq, throttle, turn, aim, fire, view?]   parsed by [ParseInput]
//	           seq: uint32 counting up per input; throttle, turn: -1..1; aim: turret angle in
//	           radians (world frame); fire: 0 or 1; view (optional, 0 or absent: none): the
//	           server tick the client was drawing the other tanks at, for lag compensation.
//	           Each input moves the tank exactly once ([Room] is a game.Pacer): a tick no input
//	           arrived for holds the tank still ([World.Starve]), and an input the runtime
//	           sheds to give back latency after a stall is an extra step of the next tick
//	           ([World.CatchUp]), its fire carried into the next input with its view
//	           ([Input.Absorb]).
//	"snapshot" the encoding of SNAPSHOT.md; each tank's seq is the last input seq the server
//	           applied for it, the state beside it that of the inputs up to it, each applied
//	           once (for reconciliation)
//	"roster"   [{"id": int, "name": string, "bot": bool}, ...]   ([PlayerInfo])
//	join ack   "game": {"map": Map, "maps": [Map, ...], "config": Config}
//	           map: the room's first map; maps: the rotation, which a snapshot's round indexes
package tanks
