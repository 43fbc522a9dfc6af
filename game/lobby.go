package game

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
)

// ReconnectWindow is how long a dropped player's place, score and seat are kept for its token.
const ReconnectWindow = 10 * time.Second

// DefaultMaxRooms bounds the rooms one process runs unless Options.MaxRooms says otherwise: 64
// full rooms of 16 are 1024 players, more than a LAN party brings.
const DefaultMaxRooms = 64

// DefaultMaxSeatsPerAddress bounds the seats of players from one client address unless
// Options.MaxSeatsPerAddress says otherwise: two full rooms of 16 behind one NAT address (a
// party on a network the server sees through one router). A LAN party on the server's own
// network has an address per player and never meets it; the engine's 64 connections per
// address leave each of the 32 room to reconnect while its old connection lingers.
const DefaultMaxSeatsPerAddress = 32

// Join rates: a browser joins once per connection, and again only after a "restart" notice, a
// refused name or a reconnect (a new connection), so a player needs about one join in seconds.
// An address may join DefaultJoinRate times a second on average, in bursts of
// DefaultJoinBurst so that everyone behind one NAT address can press Play at once; one
// connection DefaultConnJoinRate times a second, in bursts of connJoinBurst: its first join
// and one after each restart of a crashing room (maxRestarts, then one more when it is
// retired), with room to spare.
const (
	DefaultJoinRate     = 5
	DefaultJoinBurst    = DefaultMaxSeatsPerAddress
	DefaultConnJoinRate = 1
	connJoinBurst       = 2 * (1 + maxRestarts + 1)
)

var (
	// ErrBadName is returned by Join when no visible name is left after cleaning.
	ErrBadName = errors.New("empty name")
	// ErrServerFull is returned by Join when every room is full of connected players and no
	// new one may open.
	ErrServerFull = errors.New("server full")
	// ErrJoinRate is returned by Join for a connection or an address joining faster than
	// Options.ConnJoinRate or Options.JoinRate allow.
	ErrJoinRate = errors.New("too many joins, slow down")
	// ErrUnknownKind is returned by Join for a kind of room the game does not offer.
	ErrUnknownKind = errors.New("no such kind of room")
	// ErrTooManyFromAddress is returned by Join when the client's address holds
	// Options.MaxSeatsPerAddress seats of connected players.
	ErrTooManyFromAddress = errors.New("too many players from your address")
	// ErrRoomFull is returned by Join when the room the player asked for (JoinRequest.Room)
	// has no free seat.
	ErrRoomFull = errors.New("that room is full")
)

// Options configures a Lobby for a game whose inputs are In. NewSimulation and ParseInput are
// required; Out is set by Serve.
type Options[In Input[In]] struct {
	// NewSimulation builds the simulation of a new room of the kind (with its bots, say).
	NewSimulation func(kind string) (Simulation[In], error)
	// ParseInput decodes one "input" payload; an error drops the input (counted as
	// malformed). It runs on the connection's reader, so it must not block.
	ParseInput func(json.RawMessage) (In, error)
	// RoomName is what the game calls a room ("arena"): in logs, in refusals and in the
	// metric names. Default "room".
	RoomName string
	// MetricsNamespace prefixes the metric names (<namespace>_players ...). Default "game".
	MetricsNamespace string
	// Kinds are the kinds of room a join may ask for (JoinRequest.Kind: a map, a mode); the
	// first is the default. Players are placed in rooms of the kind they ask for. Empty: one
	// kind, "".
	Kinds []string

	// Settings are the runtime's limits and rates (RegisterFlags offers them as flags).
	Settings

	// Out broadcasts to rooms; Serve sets it to the Socket.IO namespace.
	Out Broadcaster

	Metrics *Metrics     // default: a new one (see Lobby.Metrics)
	Logger  *slog.Logger // default slog.Default()

	meter *loadMeter // what the rooms measure for admission (capacity.go); set by NewLobby
	// recorder writes the rooms' replays (Settings.Replays); nil: not recording.
	recorder *Recorder
}

// Lobby places players into rooms, keeps reconnect tokens, and opens and stops rooms.
//
// Seats are counted per connection (one at most), per token (one), per client address
// (Options.MaxSeatsPerAddress) and in all (MaxRooms × MaxPlayers). A seat held for a
// disconnected player counts as taken everywhere, so dropping connections on purpose gains
// nothing, but it yields to a new player where a connected one would refuse it: when the
// address, or the whole server, is at its bound, the oldest held seat in that scope is given
// up before its reconnect window ends (its token then joins as a new player).
type Lobby[In Input[In]] struct {
	ctx  context.Context
	opts Options[In]

	mu          sync.Mutex
	rooms       []*room[In]          // in creation order: players fill the oldest room with space first
	seats       map[string]*Seat[In] // by reconnect token
	byConn      map[string]*Seat[In] // by the connection holding the seat, or that held it last
	perAddr     map[string]int       // seats, held ones included, by address key
	joinsByConn keyedBuckets
	joinsByAddr keyedBuckets
	// loadProbe, when set (by tests), replaces the measured load.
	loadProbe func() Load
	// clock is time.Now; tests set another (SetClock).
	clock func() time.Time
	// Join pacing (pacing.go): the process's CPU share, and the seats given lately, which
	// the tick costs (recentTicks) and the CPU share (recentCPU) do not show yet.
	cpu                    cpuMeter
	recentTicks, recentCPU recentCount

	cluster directorySlot // where the rooms of other nodes are (directory.go)
}

// Seat is a player's place in a room, held by its connection between join and leave.
type Seat[In Input[In]] struct {
	room *room[In]
	p    *player[In]

	// Guarded by Lobby.mu.
	conn      string    // the connection holding the seat, or that held it last
	addr      string    // the address key the seat counts under
	heldSince time.Time // when its connection dropped; zero while one holds it
}

// connection is one Socket.IO connection to the game's namespace, as the lobby sees it.
type connection struct {
	peer Peer
	id   string // the Engine.IO connection: a client may renew its socket on it, not this
	addr string // addressKey of the client address
	lag  *lagLine
}

// ID is the player's id in the simulation (it changes when the room restarts); Room the room's.
func (s *Seat[In]) ID() int      { return s.room.idOf(s.p) }
func (s *Seat[In]) Room() string { return s.room.ID }

// NewLobby returns a lobby whose rooms run until ctx ends.
func NewLobby[In Input[In]](ctx context.Context, opts Options[In]) (*Lobby[In], error) {
	if opts.NewSimulation == nil || opts.ParseInput == nil {
		return nil, errors.New("game: Options.NewSimulation and Options.ParseInput are required")
	}
	if len(opts.Kinds) == 0 {
		opts.Kinds = []string{""}
	}
	if opts.RoomName == "" {
		opts.RoomName = "room"
	}
	if opts.MetricsNamespace == "" {
		opts.MetricsNamespace = "game"
	}
	opts.Settings = opts.Settings.withDefaults()
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(opts.MetricsNamespace, opts.RoomName)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	opts.meter = &loadMeter{}
	if opts.Replays != "" {
		store := &ReplayStore{dir: opts.Replays, maxBytes: opts.ReplayMaxBytes, maxFiles: opts.ReplayMaxFiles}
		rec, err := newRecorder(store, opts.Metrics, opts.Logger)
		if err != nil {
			return nil, err
		}
		opts.recorder = rec
		opts.Logger.Info("recording replays", "dir", store.dir, "max_bytes", store.maxBytes, "max_files", store.maxFiles)
	}
	l := &Lobby[In]{
		ctx: ctx, opts: opts, clock: time.Now,
		seats: make(map[string]*Seat[In]), byConn: make(map[string]*Seat[In]), perAddr: make(map[string]int),
		joinsByConn: newKeyedBuckets(opts.ConnJoinRate, connJoinBurst),
		joinsByAddr: newKeyedBuckets(opts.JoinRate, DefaultJoinBurst),
	}
	l.cpu.read(time.Now()) // the first sample: the share is measured from here
	return l, nil
}

// Replays is the folder the rooms record their replays into, or nil when they do not
// (Settings.Replays is empty).
func (l *Lobby[In]) Replays() *ReplayStore {
	if l.opts.recorder == nil {
		return nil
	}
	return l.opts.recorder.store
}

// Metrics returns the counters the lobby's rooms update.
func (l *Lobby[In]) Metrics() *Metrics { return l.opts.Metrics }

// join seats a connection. A token from an earlier JoinAck gives back the same seat if it is
// still held (within the reconnect window, or taken over from another connection, which is
// told "replaced"); otherwise the player gets a new place in the first room with space. A
// connection holds one seat at most: a join that is not refused for its rate gives up the
// seat the connection held, unless it is the one asked for.
func (l *Lobby[In]) join(c *connection, req JoinRequest) (*Seat[In], JoinAck, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	if !l.joinsByConn.take(c.id, now) || !l.joinsByAddr.take(c.addr, now) {
		l.opts.Metrics.refusedRate.Add(1)
		return nil, JoinAck{}, ErrJoinRate
	}
	own := l.byConn[c.id]
	if seat, ok := l.seats[req.Token]; ok && req.Token != "" {
		if own != nil && own != seat {
			l.remove(own)
		}
		if seat.addr != c.addr && !l.roomAt(c.addr) {
			return nil, JoinAck{}, l.refuseAddress()
		}
		l.takeOver(seat, c)
		return seat, l.ack(seat), nil
	}
	if own != nil {
		l.remove(own) // joining afresh: the connection gives up its old seat
	}
	name := CleanName(req.Name, l.opts.MaxNameLength)
	if name == "" {
		l.opts.Metrics.refusedName.Add(1)
		return nil, JoinAck{}, ErrBadName
	}
	if name != CleanName(req.Name, len(req.Name)) {
		l.opts.Metrics.namesCut.Add(1)
	}
	kind := req.Kind
	if kind == "" {
		kind = l.opts.Kinds[0]
	}
	picked := l.roomByID(req.Room) // nil: none asked for, or it closed
	if picked != nil {
		kind = picked.kind
	}
	if !slices.Contains(l.opts.Kinds, kind) {
		l.opts.Metrics.refusedBadReq.Add(1)
		return nil, JoinAck{}, fmt.Errorf("%w: %.40q", ErrUnknownKind, req.Kind)
	}
	// A new player adds load; one coming back with its token (above) has its seat already.
	if busy, why := l.load(now).Busy(); busy && !l.opts.AdmitWhenBusy {
		l.opts.Metrics.refusedBusy.Add(1)
		return nil, JoinAck{}, fmt.Errorf("%w (%s)", ErrServerBusy, why)
	}
	if !l.roomAt(c.addr) {
		return nil, JoinAck{}, l.refuseAddress()
	}
	token := uuid.NewString() // version 4: 122 bits from crypto/rand, unguessable
	for attempt := 0; ; attempt++ {
		r, err := picked, error(nil)
		switch {
		case picked == nil:
			r, err = l.roomWithSpace(kind)
		case picked.humans() >= l.opts.MaxPlayers:
			err = errRoomFull
		}
		if errors.Is(err, ErrServerFull) {
			l.opts.Metrics.refusedFull.Add(1)
		}
		if err != nil {
			return nil, JoinAck{}, l.refuseRoom(err)
		}
		p, err := r.join(name, token, c.peer, c.lag)
		if picked != nil && errors.Is(err, errRoomFull) {
			return nil, JoinAck{}, l.refuseRoom(err)
		}
		if errors.Is(err, errRoomFull) && attempt < 2 {
			continue // filled up by the simulation's own limit; the next call opens a new room
		}
		if err != nil {
			return nil, JoinAck{}, err
		}
		seat := &Seat[In]{room: r, p: p, conn: c.id, addr: c.addr}
		l.seats[token] = seat
		l.byConn[c.id] = seat
		l.perAddr[c.addr]++
		l.opts.Metrics.players.Add(1)
		l.seated(now)
		return seat, l.ack(seat), nil
	}
}

// refuseRoom turns the room's own "full" (errRoomFull) for a room the player picked into
// ErrRoomFull, counted; other errors pass.
func (l *Lobby[In]) refuseRoom(err error) error {
	if !errors.Is(err, errRoomFull) {
		return err
	}
	l.opts.Metrics.refusedRoomFull.Add(1)
	return fmt.Errorf("%w: all its %d seats are taken, watch it or pick another", ErrRoomFull, l.opts.MaxPlayers)
}

// roomByID returns the running room with the id, or nil ("" is none). Called with l.mu held.
func (l *Lobby[In]) roomByID(id string) *room[In] {
	if id == "" {
		return nil
	}
	for _, r := range l.rooms {
		if r.ID == id {
			return r
		}
	}
	return nil
}

func (l *Lobby[In]) refuseAddress() error {
	l.opts.Metrics.refusedAddr.Add(1)
	return fmt.Errorf("%w: %d at most", ErrTooManyFromAddress, l.opts.MaxSeatsPerAddress)
}

// takeOver gives a seat to connection c: back after a reconnect, or away from another
// connection that still has it (a second tab with the same token), which is told so and whose
// inputs are ignored from now on. Called with l.mu held.
func (l *Lobby[In]) takeOver(seat *Seat[In], c *connection) {
	if seat.conn != c.id {
		// A connection already gone (a reload that overtook its old connection's close) is
		// not told, nor counted.
		old := seat.room.peerOf(seat.p)
		if old != nil && old.Emit("replaced", ReplacedNotice{Message: "You joined from another tab."}) == nil {
			l.opts.Metrics.replaced.Add(1)
		}
		if l.byConn[seat.conn] == seat {
			delete(l.byConn, seat.conn)
		}
		seat.conn = c.id
		l.byConn[c.id] = seat
	}
	if seat.addr != c.addr {
		l.uncount(seat.addr)
		seat.addr = c.addr
		l.perAddr[c.addr]++
	}
	seat.heldSince = time.Time{}
	seat.room.reattach(seat.p, c.peer, c.lag)
}

// roomAt reports whether one more seat may count under address key addr. At the bound it
// makes room by giving up the address's oldest held seat, if it has one. Called with l.mu held.
func (l *Lobby[In]) roomAt(addr string) bool {
	bound := l.opts.MaxSeatsPerAddress
	if bound < 0 || l.perAddr[addr] < bound {
		return true
	}
	held := l.oldestHeld(func(s *Seat[In]) bool { return s.addr == addr })
	if held == nil {
		return false
	}
	l.opts.Metrics.evictedAddr.Add(1)
	held.room.log.Info("held seat given up early for a new player from its address", "player", held.p.name)
	l.remove(held)
	return true
}

// oldestHeld returns the seat whose player disconnected longest ago among those in scope, or
// nil. Called with l.mu held; a scan, since it only runs when a bound is reached.
func (l *Lobby[In]) oldestHeld(inScope func(*Seat[In]) bool) *Seat[In] {
	var oldest *Seat[In]
	for _, s := range l.seats {
		if !s.heldSince.IsZero() && inScope(s) && (oldest == nil || s.heldSince.Before(oldest.heldSince)) {
			oldest = s
		}
	}
	return oldest
}

func (l *Lobby[In]) ack(s *Seat[In]) JoinAck {
	return JoinAck{
		ID: s.ID(), Room: s.room.ID, Kind: s.room.kind, Token: s.p.token, Name: s.p.name, Game: s.room.welcome,
		TickRate: l.opts.TickRate, SnapshotRate: l.opts.SnapshotRate, Seq: s.room.lastSeq(s.p),
	}
}

// roomWithSpace returns the oldest room of the kind with a free seat, opening a new one when
// all are full.
// When no room may open, the oldest seat held for a disconnected player is given up to make
// room; only a server full of connected players refuses. Called with l.mu held.
func (l *Lobby[In]) roomWithSpace(kind string) (*room[In], error) {
	for {
		for _, r := range l.rooms {
			if r.kind == kind && r.humans() < l.opts.MaxPlayers {
				return r, nil
			}
		}
		if len(l.rooms) < l.opts.MaxRooms {
			break
		}
		held := l.oldestHeld(func(*Seat[In]) bool { return true })
		if held == nil {
			return nil, fmt.Errorf("%w: all %d %ss are full, try again later", ErrServerFull, l.opts.MaxRooms, l.opts.RoomName)
		}
		l.opts.Metrics.evictedFull.Add(1)
		held.room.log.Info("held seat given up early for a new player: the server is full", "player", held.p.name)
		l.remove(held) // its room has a free seat now, or, emptied, made way for a new one
	}
	sim, err := l.opts.NewSimulation(kind)
	if err != nil {
		return nil, fmt.Errorf("game: new simulation: %w", err)
	}
	r := newRoom(uuid.NewString(), kind, sim, &l.opts, l.retire)
	r.start(l.ctx)
	l.rooms = append(l.rooms, r)
	l.opts.Metrics.rooms.Add(1)
	r.log.Info(l.opts.RoomName + " opened")
	return r, nil
}

// input buffers one raw "input" payload that arrived on the seat's connection c, through c's
// lag simulator. It runs on the connection's reader (realtime.Socket.OnInline), so it only
// parses and buffers. Malformed payloads are counted and ignored.
//
// ack, when not nil, is the newest snapshot number the client decoded (see snapframe.go): the
// base of its next delta. A malformed one is counted and ignored, as is the input with it.
func (l *Lobby[In]) input(s *Seat[In], c *connection, raw, ack json.RawMessage) {
	in, err := l.opts.ParseInput(raw)
	if err != nil {
		l.opts.Metrics.droppedBroken.Add(1)
		return
	}
	var acked uint32
	if ack != nil {
		if acked, err = parseAck(ack); err != nil {
			l.opts.Metrics.acksRefused.Add(1)
			return
		}
	}
	c.lag.up.deliver(func() {
		if ack != nil {
			s.room.acknowledge(s.p, c.peer, acked)
		}
		s.room.input(s.p, c.peer, in)
	})
}

// parseAck reads a snapshot number: a JSON integer from 0 to 2³²-1.
func parseAck(raw json.RawMessage) (uint32, error) {
	n, err := strconv.ParseUint(string(raw), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("game: snapshot acknowledgement %.20q: %w", raw, err)
	}
	return uint32(n), nil
}

// resync makes the seat's next snapshot a keyframe (the "resync" event on connection c): the
// client got a delta whose base it does not hold.
func (l *Lobby[In]) resync(s *Seat[In], c *connection) {
	c.lag.up.deliver(func() { s.room.resync(s.p, c.peer) })
}

// leave removes the seat's player at once (the "leave" event on connection peer). A connection
// whose seat was taken over by another no longer speaks for it.
func (l *Lobby[In]) leave(s *Seat[In], peer Peer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.room.peerOf(s.p) == peer {
		l.remove(s)
	}
}

// disconnected keeps the seat for the reconnect window, then removes it unless its token was
// used to reconnect in the meantime (or it was given up early, see Lobby).
func (l *Lobby[In]) disconnected(s *Seat[In], peer Peer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seats[s.p.token] != s || s.room.peerOf(s.p) != peer {
		return // removed, or already taken over by a newer connection
	}
	gen := s.room.disconnect(s.p)
	s.heldSince = time.Now()
	time.AfterFunc(l.opts.ReconnectWindow, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if s.room.generation(s.p) == gen && s.room.peerOf(s.p) == nil {
			l.remove(s)
		}
	})
}

// remove frees the seat and stops the room when it empties. Called with l.mu held.
func (l *Lobby[In]) remove(s *Seat[In]) {
	if l.seats[s.p.token] != s {
		return // already removed
	}
	l.forget(s)
	if s.room.leave(s.p) > 0 {
		return
	}
	l.rooms = slices.DeleteFunc(l.rooms, func(r *room[In]) bool { return r == s.room })
	l.opts.Metrics.rooms.Add(-1)
	s.room.log.Info(l.opts.RoomName + " empty, stopping")
	s.room.dismissWatchers("The " + l.opts.RoomName + " closed: its last player left.")
	go s.room.stop()
}

// retire drops a room that could not restart after a panic, with all its seats; its loop has
// ended. Its players were told and re-join elsewhere.
func (l *Lobby[In]) retire(r *room[In]) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, seat := range l.seats {
		if seat.room == r {
			l.forget(seat)
			r.detach(seat.p)
		}
	}
	r.dismissWatchers("The " + l.opts.RoomName + " had an internal error and closed.")
	before := len(l.rooms)
	l.rooms = slices.DeleteFunc(l.rooms, func(x *room[In]) bool { return x == r })
	if len(l.rooms) < before {
		l.opts.Metrics.rooms.Add(-1)
	}
}

// forget drops the seat from the lobby's books. Called with l.mu held.
func (l *Lobby[In]) forget(s *Seat[In]) {
	delete(l.seats, s.p.token)
	if l.byConn[s.conn] == s {
		delete(l.byConn, s.conn)
	}
	l.uncount(s.addr)
	l.opts.Metrics.players.Add(-1)
}

// uncount takes one seat off address key addr. Called with l.mu held.
func (l *Lobby[In]) uncount(addr string) {
	if n := l.perAddr[addr] - 1; n > 0 {
		l.perAddr[addr] = n
	} else {
		delete(l.perAddr, addr)
	}
}

// Rooms returns the number of running rooms.
func (l *Lobby[In]) Rooms() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.rooms)
}

// Spectators returns the number of connections watching a room.
func (l *Lobby[In]) Spectators() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.rooms {
		n += r.spectators()
	}
	return n
}

// Close stops every room and waits for their goroutines.
func (l *Lobby[In]) Close() {
	l.mu.Lock()
	rooms := l.rooms
	l.rooms = nil
	l.mu.Unlock()
	for _, r := range rooms {
		r.stop()
	}
	if l.opts.recorder != nil {
		l.opts.recorder.Close()
	}
}
