package arena

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"tankarena/game"
)

// ReconnectWindow is how long a dropped player's tank, score and seat are kept for its token.
const ReconnectWindow = 10 * time.Second

// DefaultMaxArenas bounds the arenas one process runs unless Options.MaxArenas says otherwise:
// 64 full arenas are 1024 players, more than a LAN party brings.
const DefaultMaxArenas = 64

var (
	// ErrBadName is returned by Join when no printable name is left after cleaning.
	ErrBadName = errors.New("arena: empty name")
	// ErrServerFull is returned by Join when every arena is full and no new one may open.
	ErrServerFull = errors.New("server full")
)

// Options configures a Lobby. NewWorld, Map and Config are required; Out is set by Serve.
type Options struct {
	TickRate     int // simulation ticks per second; default 60
	SnapshotRate int // snapshots per second, at most TickRate; default 30
	MaxPlayers   int // per arena; default 16
	// MaxArenas bounds the arenas running at once; a join when all are full is refused with
	// ErrServerFull. Default DefaultMaxArenas.
	MaxArenas int
	// InputRate is how many inputs per second one player may send on average (bursts of 16
	// pass); more are dropped and counted. Default twice TickRate: a client sends one per tick.
	InputRate int
	// MaxNameLength is the longest name in characters; longer names are cut (CleanName).
	// Default DefaultMaxNameLength.
	MaxNameLength int

	// NewWorld builds the simulation for a new arena (with its bots).
	NewWorld func() (*game.World, error)
	// Out broadcasts to rooms; Serve sets it to the Socket.IO namespace.
	Out Broadcaster
	// Map and Config are sent to every client in its JoinAck, for drawing and prediction.
	Map, Config json.RawMessage

	// Lag is the network simulation every player gets unless its handshake asks for another.
	Lag             LagProfile
	ReconnectWindow time.Duration // default ReconnectWindow
	Metrics         *Metrics      // default: a new one (see Lobby.Metrics)
	Logger          *slog.Logger  // default slog.Default()
}

// Lobby places players into arenas, keeps reconnect tokens, and opens and stops arenas.
type Lobby struct {
	ctx  context.Context
	opts Options

	mu        sync.Mutex
	arenas    []*Arena // in creation order: players fill the oldest arena with space first
	seats     map[string]*Seat
	nextArena int
	nextTank  int
}

// Seat is a player's place in an arena, held by its connection between join and leave.
type Seat struct {
	arena *Arena
	p     *player
}

// ID is the player's tank id (it changes when the arena restarts); Arena the arena's number.
func (s *Seat) ID() int    { return int(s.arena.idOf(s.p)) }
func (s *Seat) Arena() int { return s.arena.ID }

// NewLobby returns a lobby whose arenas run until ctx ends.
func NewLobby(ctx context.Context, opts Options) (*Lobby, error) {
	if opts.NewWorld == nil {
		return nil, errors.New("arena: Options.NewWorld is required")
	}
	if opts.TickRate <= 0 {
		opts.TickRate = 60
	}
	if opts.SnapshotRate <= 0 {
		opts.SnapshotRate = 30
	}
	opts.SnapshotRate = min(opts.SnapshotRate, opts.TickRate)
	if opts.MaxPlayers <= 0 {
		opts.MaxPlayers = 16
	}
	if opts.MaxArenas <= 0 {
		opts.MaxArenas = DefaultMaxArenas
	}
	if opts.InputRate <= 0 {
		opts.InputRate = 2 * opts.TickRate
	}
	if opts.MaxNameLength <= 0 {
		opts.MaxNameLength = DefaultMaxNameLength
	}
	if opts.ReconnectWindow <= 0 {
		opts.ReconnectWindow = ReconnectWindow
	}
	if opts.Metrics == nil {
		opts.Metrics = &Metrics{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Lobby{ctx: ctx, opts: opts, seats: make(map[string]*Seat)}, nil
}

// Metrics returns the counters the lobby's arenas update.
func (l *Lobby) Metrics() *Metrics { return l.opts.Metrics }

// Join seats a connection. A token from an earlier JoinAck gives back the same seat if it is
// still held (within the reconnect window, or taken over from a connection that has not noticed
// it dropped yet); otherwise the player gets a new tank in the first arena with space.
func (l *Lobby) Join(peer Peer, req JoinRequest, lag LagProfile) (*Seat, JoinAck, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if seat, ok := l.seats[req.Token]; ok && req.Token != "" {
		seat.arena.reattach(seat.p, peer, lag)
		return seat, l.ack(seat), nil
	}
	name := CleanName(req.Name, l.opts.MaxNameLength)
	if name == "" {
		l.opts.Metrics.refusedName.Add(1)
		return nil, JoinAck{}, ErrBadName
	}
	if name != CleanName(req.Name, len(req.Name)) {
		l.opts.Metrics.namesCut.Add(1)
	}
	token := rand.Text()
	for attempt := 0; ; attempt++ {
		a, err := l.arenaWithSpace()
		if errors.Is(err, ErrServerFull) {
			l.opts.Metrics.refusedFull.Add(1)
		}
		if err != nil {
			return nil, JoinAck{}, err
		}
		p, err := a.join(name, token, peer, lag)
		if errors.Is(err, errArenaFull) && attempt < 2 {
			continue // filled up by the world's own limit; the next call opens a new arena
		}
		if err != nil {
			return nil, JoinAck{}, err
		}
		seat := &Seat{arena: a, p: p}
		l.seats[token] = seat
		l.opts.Metrics.players.Add(1)
		return seat, l.ack(seat), nil
	}
}

func (l *Lobby) ack(s *Seat) JoinAck {
	return JoinAck{
		ID: s.ID(), Arena: s.arena.ID, Token: s.p.token, Map: l.opts.Map, Config: l.opts.Config,
		TickRate: l.opts.TickRate, SnapshotRate: l.opts.SnapshotRate, Seq: s.arena.lastSeq(s.p),
	}
}

// arenaWithSpace returns the oldest arena with a free seat, opening a new one when all are full.
// Called with l.mu held.
func (l *Lobby) arenaWithSpace() (*Arena, error) {
	for _, a := range l.arenas {
		if a.humans() < l.opts.MaxPlayers {
			return a, nil
		}
	}
	if len(l.arenas) >= l.opts.MaxArenas {
		return nil, fmt.Errorf("%w: all %d arenas are full, try again later", ErrServerFull, l.opts.MaxArenas)
	}
	world, err := l.opts.NewWorld()
	if err != nil {
		return nil, fmt.Errorf("arena: new world: %w", err)
	}
	l.nextArena++
	a := newArena(l.nextArena, world, &l.opts, l.retire)
	a.start(l.ctx)
	l.arenas = append(l.arenas, a)
	l.opts.Metrics.arenas.Add(1)
	a.log.Info("arena opened")
	return a, nil
}

// Input queues one raw "input" payload that arrived on the seat's connection peer. Malformed
// payloads are counted and ignored.
func (l *Lobby) Input(s *Seat, peer Peer, raw json.RawMessage) {
	in, err := ParseInput(raw)
	if err != nil {
		l.opts.Metrics.droppedBroken.Add(1)
		return
	}
	s.arena.mu.Lock()
	lag := s.p.lag
	s.arena.mu.Unlock()
	lag.Deliver(func() { s.arena.input(s.p, peer, in) })
}

// Resync makes the seat's next snapshot a keyframe (the "resync" event on connection peer): the
// client got a delta whose base it does not hold.
func (l *Lobby) Resync(s *Seat, peer Peer) {
	s.arena.mu.Lock()
	lag := s.p.lag
	s.arena.mu.Unlock()
	lag.Deliver(func() { s.arena.resync(s.p, peer) })
}

// Leave removes the seat's tank at once (the "leave" event on connection peer). A connection
// whose seat was taken over by a reconnect no longer speaks for it.
func (l *Lobby) Leave(s *Seat, peer Peer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.arena.peerOf(s.p) == peer {
		l.remove(s)
	}
}

// Disconnected keeps the seat for the reconnect window, then removes it unless its token was
// used to reconnect in the meantime.
func (l *Lobby) Disconnected(s *Seat, peer Peer) {
	if s.arena.peerOf(s.p) != peer {
		return // the seat was already taken over by a newer connection
	}
	gen := s.arena.detach(s.p)
	time.AfterFunc(l.opts.ReconnectWindow, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if s.arena.generation(s.p) == gen && s.arena.peerOf(s.p) == nil {
			l.remove(s)
		}
	})
}

// remove frees the seat and stops the arena when it empties. Called with l.mu held.
func (l *Lobby) remove(s *Seat) {
	if l.seats[s.p.token] != s {
		return // already removed
	}
	delete(l.seats, s.p.token)
	l.opts.Metrics.players.Add(-1)
	if s.arena.leave(s.p) > 0 {
		return
	}
	l.arenas = slices.DeleteFunc(l.arenas, func(a *Arena) bool { return a == s.arena })
	l.opts.Metrics.arenas.Add(-1)
	s.arena.log.Info("arena empty, stopping")
	go s.arena.stop()
}

// retire drops an arena that could not restart after a panic, with all its seats; its loop
// has ended. Its players were told and re-join elsewhere.
func (l *Lobby) retire(a *Arena) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for token, seat := range l.seats {
		if seat.arena == a {
			delete(l.seats, token)
			l.opts.Metrics.players.Add(-1)
			a.detach(seat.p)
		}
	}
	before := len(l.arenas)
	l.arenas = slices.DeleteFunc(l.arenas, func(x *Arena) bool { return x == a })
	if len(l.arenas) < before {
		l.opts.Metrics.arenas.Add(-1)
	}
}

// Arenas returns the number of running arenas.
func (l *Lobby) Arenas() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.arenas)
}

// Close stops every arena and waits for their goroutines.
func (l *Lobby) Close() {
	l.mu.Lock()
	arenas := l.arenas
	l.arenas = nil
	l.mu.Unlock()
	for _, a := range arenas {
		a.stop()
	}
}
