package game

import "encoding/json"

// JoinRequest is the payload of the "join" event.
type JoinRequest struct {
	Name  string `json:"name"`
	Token string `json:"token"`
	// Kind asks for a room of one kind (Options.Kinds: a map, a mode); "" is the first kind.
	Kind string `json:"kind,omitempty"`
}

// JoinAck answers "join": the player's seat, and everything the client needs to predict and
// draw the room (Game, from Simulation.Welcome).
type JoinAck struct {
	ID    int    `json:"id"`
	Room  string `json:"room"`
	Kind  string `json:"kind"`
	Token string `json:"token"`
	// Name is the player's name as the room shows it: cleaned, and numbered ("Bob (2)") when
	// another player of the room had it.
	Name         string `json:"name"`
	TickRate     int    `json:"tickRate"`
	SnapshotRate int    `json:"snapshotRate"`
	// Seq is the last input seq the server holds for this player: a reconnecting client
	// numbers its inputs on from here (a simulation may ignore inputs that are not newer).
	Seq  uint32          `json:"seq"`
	Game json.RawMessage `json:"game"`
}

// JoinError answers a refused "join" (and a refused "latency" request).
type JoinError struct {
	Error string `json:"error"`
}
