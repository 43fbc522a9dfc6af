package game

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The room directory: where the rooms of a game are, on this node or on the other nodes of a
// cluster that share a Redis (game/host). Each node registers its rooms (NodeInfo) and reads
// everyone's; a new player is placed in a room with space wherever it runs (placement.go), and
// sent to the node holding it with a seat reservation. Alone, the directory is the lobby's
// own rooms, and nothing is ever sent elsewhere.

// ReservationTTL is how long a seat reservation waits for its player to arrive at the other
// node: a browser opens a connection there and joins within a second or two.
const ReservationTTL = 10 * time.Second

// leadersPerRoom is how many of a room's best players its registration lists for the
// leaderboard across nodes.
const leadersPerRoom = 5

// ErrNoReservation is Directory.Claim's error for a token that names no reservation for this
// node: unknown, taken already, expired, or made for another node.
var ErrNoReservation = errors.New("no such seat reservation")

// RoomInfo is one room as the directory lists it.
type RoomInfo struct {
	ID string `json:"id"`
	// Node is the public URL of the node running the room; "" alone (the page's own server).
	Node     string `json:"node"`
	Kind     string `json:"kind"`
	Players  int    `json:"players"` // seats taken, those held for reconnects included
	Capacity int    `json:"capacity"`
	// Leaders are the room's best players in the current round, best first.
	Leaders []Leader `json:"leaders,omitempty"`
}

// Leader is a player's score on the leaderboard.
type Leader struct {
	Name  string `json:"name"`
	Score int    `json:"score"`
}

// NodeInfo is one node's registration in the directory.
type NodeInfo struct {
	URL string `json:"url"` // the node's public URL, where browsers reach it
	// Open reports that the node seats new players: it is not busy (capacity.go), and it may
	// open another room.
	Open  bool       `json:"open"`
	Rooms []RoomInfo `json:"rooms"`
}

// Reservation is a seat held on a node for a player sent there by another.
type Reservation struct {
	Node string `json:"node"` // the public URL of the node that accepts it
	Room string `json:"room"` // the room the player was placed in; "" a new room
	Kind string `json:"kind"`
}

// Directory is where the rooms of the cluster are. Nodes must not block (joins call it);
// Reserve and Claim may ask a remote store.
type Directory interface {
	// Self is this node's public URL ("" alone).
	Self() string
	// Nodes is every node's registration as last seen, this node's included.
	Nodes() []NodeInfo
	// Reserve stores r for its node and returns the token that node accepts once, within
	// ReservationTTL.
	Reserve(ctx context.Context, r Reservation) (token string, err error)
	// Claim takes the reservation of token made for this node (ErrNoReservation if none).
	Claim(ctx context.Context, token string) (Reservation, error)
}

// Leaderboard is a Simulation that ranks its players: the leaderboard across nodes lists the
// best n of each room, from their names and scores, best first. It is called like the other
// methods (between ticks).
type Leaderboard interface {
	Leaders(n int) (names []string, scores []int)
}

// localRefresh is how old the local directory's listing may be: a page polls it (GET /rooms),
// and each listing takes the lobby's lock and waits for every room's tick.
const localRefresh = time.Second

// localDirectory is the directory of a node alone: its lobby's rooms.
type localDirectory struct {
	register func(url string) NodeInfo

	mu   sync.Mutex
	last NodeInfo
	at   time.Time
}

// LocalDirectory is the directory without a cluster: register's rooms (Lobby.Registration),
// listed again at most once a second.
func LocalDirectory(register func(url string) NodeInfo) Directory {
	return &localDirectory{register: register}
}

func (d *localDirectory) Self() string { return "" }

func (d *localDirectory) Nodes() []NodeInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	if now := time.Now(); now.Sub(d.at) >= localRefresh {
		d.last, d.at = d.register(""), now
	}
	return []NodeInfo{d.last}
}

func (d *localDirectory) Reserve(context.Context, Reservation) (string, error) {
	return "", errors.New("game: no other node to reserve a seat on")
}

func (d *localDirectory) Claim(context.Context, string) (Reservation, error) {
	return Reservation{}, ErrNoReservation
}

// directorySlot holds the lobby's directory, nil until UseDirectory, and what bounds the
// directory's work for one connection.
type directorySlot struct {
	dir atomic.Pointer[Directory]

	mu sync.Mutex
	// claims bounds the seat reservations one connection may present: each is a round trip to
	// the directory's store, made before the join's own rate limit is read (a player needs one).
	claims keyedBuckets
}

// UseDirectory places new players across the nodes of d (call it before serving); without it
// every player plays on this node.
func (l *Lobby[In]) UseDirectory(d Directory) {
	l.cluster.mu.Lock()
	l.cluster.claims = newKeyedBuckets(l.opts.ConnJoinRate, connJoinBurst)
	l.cluster.mu.Unlock()
	l.cluster.dir.Store(&d)
}

// mayClaim spends one of the connection's claims and reports whether it had one.
func (s *directorySlot) mayClaim(conn string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.claims.take(conn, time.Now())
}

func (l *Lobby[In]) directory() Directory {
	if d := l.cluster.dir.Load(); d != nil {
		return *d
	}
	return nil
}

// Registration is this node's entry in the directory, with url as its public URL: its rooms,
// their players and leaders, and whether it seats new players.
func (l *Lobby[In]) Registration(url string) NodeInfo {
	l.mu.Lock()
	busy, _ := l.load(l.clock()).Busy()
	rooms := slices.Clone(l.rooms)
	info := NodeInfo{URL: url, Open: (!busy || l.opts.AdmitWhenBusy) && len(rooms) < l.opts.MaxRooms, Rooms: []RoomInfo{}}
	l.mu.Unlock()
	// Each room's leaders wait for its tick to end: not under the lobby's lock, which joins need.
	for _, r := range rooms {
		info.Rooms = append(info.Rooms, RoomInfo{
			ID: r.ID, Node: url, Kind: r.kind, Players: r.humans(), Capacity: l.opts.MaxPlayers,
			Leaders: r.leaders(leadersPerRoom),
		})
	}
	return info
}

// leaders is the room's best n players, if its simulation ranks them. A simulation that
// panics in Leaders lists none: the heartbeat that asks must go on.
func (r *room[In]) leaders(n int) []Leader {
	names, scores := r.ranking(n)
	out := make([]Leader, 0, min(len(names), len(scores), n))
	for i := range min(len(names), len(scores), n) {
		out = append(out, Leader{Name: names[i], Score: scores[i]})
	}
	return out
}

// ranking asks the simulation for its best n players, between ticks.
func (r *room[In]) ranking(n int) (names []string, scores []int) {
	r.simMu.Lock() // a restart after a panic replaces the simulation under it
	defer r.simMu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("Leaders panicked; the room lists no leaders", "panic", p)
			names, scores = nil, nil
		}
	}()
	if board, ok := r.sim.(Leaderboard); ok {
		return board.Leaders(n)
	}
	return nil, nil
}
