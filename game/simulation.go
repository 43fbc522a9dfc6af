package game

import "encoding/json"

// Simulation is one room's world, the part of a game the runtime runs. The runtime calls it
// from one goroutine at a time (the room's loop, or a join or leave while the loop waits), so
// it needs no locks of its own; it should not start goroutines or read clocks, so that a
// restart after a panic, a replay or a test gets the same world from the same inputs.
//
// A simulation imports nothing of the network: player ids are its own small integers, inputs
// arrive parsed (Options.ParseInput), and what it sends is bytes and JSON values.
type Simulation[In any] interface {
	// AddPlayer seats a new player with a cleaned, visible name and returns its id, unique in
	// the room while the player stays. An error refuses the join (the world is full, say).
	AddPlayer(name string) (id int, err error)
	// RemovePlayer takes the player out of the world.
	RemovePlayer(id int)
	// SetInput hands the player its input for the coming Step. Inputs are held state: without
	// a new one, the player keeps the last.
	SetInput(id int, in In)
	// Step advances the world by one fixed tick.
	Step()

	// Roster is everyone in the room as the clients list them (a JSON value, sent as the
	// "roster" event); RosterVersion changes whenever it does, so the runtime sends it only
	// then.
	Roster() any
	RosterVersion() uint64

	// CaptureSnapshot records the world's state now as snapshot n: numbered from 1, one more
	// per capture. AppendSnapshot appends the encoding of the latest capture to dst: a delta
	// against the earlier capture base when base is not 0 and the simulation still holds it,
	// else the whole state (a keyframe); it returns the base it used (0: a keyframe). The
	// runtime asks for the newest snapshot each client acknowledged as its base, so a
	// simulation keeps as many past captures as a slow link needs (the tanks keep 32, about a
	// second); one that keeps none sends keyframes only. A client decodes a delta against the
	// snapshot of that number it decoded before (the runtime's frame carries both numbers).
	CaptureSnapshot(n uint32)
	AppendSnapshot(dst []byte, base uint32) (out []byte, used uint32)

	// Welcome is what a client needs to draw and predict this room (a map, the rules): the
	// "game" field of the join answer. It must not change while the room runs.
	Welcome() json.RawMessage
}

// Presence is a Simulation that wants to know when a player's connection drops and comes
// back. Without it a dropped player only gets Input.Idle and stays in the world as it was (in a
// shooter, a free target) for the reconnect window; with it the world can take the player out
// of play meanwhile (the tanks make its tank a ghost that cannot hit or be hit). The runtime
// calls SetConnected(id, false) when the connection drops and (id, true) when a connection
// takes the seat back, under the same rules as the other methods.
type Presence interface {
	SetConnected(id int, connected bool)
}

// Pacer is a Simulation whose players' own moves follow their inputs one for one, as a client
// predicting them runs them: each input is one step of the player's movement, whichever tick
// applies it. Without it the runtime keeps a player's last input in force on a tick its input
// buffer is empty (the held input moves the player again) and merges an input away when the
// buffer gives back latency (its move is lost); either is a tick of movement the player's client
// did not predict, so a correction on its screen. With it:
//
//   - Starve(id): no input of the connected player waited for the coming Step, so the player
//     does not act in it (no move, no shot; the world's clocks, a reload, go on). Its next input
//     is applied a tick later, on the state the previous one left, as its client predicted it.
//   - CatchUp(id, older): the buffer gives back latency after a stall: older, the oldest input
//     waiting, is one extra step of the player's movement in the coming Step, before the next
//     input's, which SetInput hands over as usual (having absorbed older's shot, Input.Absorb).
//
// Both are called before the Step they concern, under the same rules as the other methods, and
// last for that Step only.
type Pacer[In any] interface {
	Starve(id int)
	CatchUp(id int, older In)
}

// Input is what the runtime needs to know of a game's input type: its place in the client's
// sequence, how to merge an input that is merged away into the one that supersedes it, and what
// a player does while disconnected. Inputs are values (a small struct), copied into the
// player's input buffer.
type Input[In any] interface {
	// Sequence numbers the client's inputs, one per tick, counting up (wrapping).
	Sequence() uint32
	// Absorb returns this input with what must survive of an older input it supersedes when
	// the input buffer merges the older one away (to give back latency after a stall, or at
	// its bound): held states (a direction, an aim) are the newer input's,
	// but an edge (a shot) must not be lost.
	Absorb(older In) In
	// Idle is the input that follows this one when the player's connection drops: numbered
	// next, doing nothing (no driving, no firing) but keeping what should stay (an aim).
	Idle() In
}
