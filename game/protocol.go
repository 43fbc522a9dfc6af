package game

import "encoding/json"

// JoinRequest is the payload of the "join" event.
type JoinRequest struct {
	Name  string `json:"name"`
	Token string `json:"token"`
	// Kind asks for a room of one kind (Options.Kinds: a map, a mode); "" is the first kind.
	Kind string `json:"kind,omitempty"`
	// Seat is a seat reservation from another node of the cluster (JoinRedirect): this node
	// seats the player without placing it again.
	Seat string `json:"seat,omitempty"`
	// Room asks for one room by its id (a row of the server browser): the player is seated
	// there, or, in a cluster, sent to the node running it; a full one refuses the join
	// (ErrRoomFull). A room no longer running anywhere is no refusal: the player is placed as
	// without it.
	Room string `json:"room,omitempty"`
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
	// Node is the public URL of the node holding the seat, in a cluster: its token works
	// there. Empty alone.
	Node string `json:"node,omitempty"`
}

// JoinRedirect answers a "join" placed in a room of another node of the cluster: the client
// connects to Redirect.URL and joins there with Redirect.Seat (JoinRequest.Seat).
type JoinRedirect struct {
	Redirect Redirect `json:"redirect"`
}

// Redirect is where a player is sent, and the seat reservation that node accepts once.
type Redirect struct {
	URL  string `json:"url"`
	Seat string `json:"seat"`
	Room string `json:"room,omitempty"`
}

// JoinError answers a refused "join" (and a refused "latency" request).
type JoinError struct {
	Error string `json:"error"`
}
