package game

import (
	"errors"
	"flag"
	"time"
)

// Settings are what an operator tunes of the runtime, the same for every game; Options embed
// them. Zero values take the defaults (see each field); RegisterFlags offers them as command
// line flags.
type Settings struct {
	TickRate     int // simulation ticks per second; default 60
	SnapshotRate int // snapshots per second, at most TickRate; default 30
	MaxPlayers   int // per room; default 16
	// MaxSpectators bounds the spectators of one room (spectators.go), who hold no seat and
	// do not count against MaxPlayers; a spectate when every room has them is refused with
	// ErrSpectatorsFull. Default DefaultMaxSpectators; negative: nobody may watch.
	MaxSpectators int
	// MaxRooms bounds the rooms running at once; a join when all are full is refused with
	// ErrServerFull. Default DefaultMaxRooms.
	MaxRooms int
	// InputRate is how many inputs per second one player may send on average (bursts of 32
	// pass); more are dropped and counted. Default twice TickRate: a client sends one per tick.
	InputRate int
	// MaxNameLength is the longest name in characters; longer names are cut (CleanName).
	// Default DefaultMaxNameLength.
	MaxNameLength int
	// MaxSeatsPerAddress bounds the seats of players from one client address (for IPv6 one
	// /64, see realtime.Socket.ClientIP), seats held for disconnected players included. At the
	// bound a new player from the address takes the place of its oldest held seat, if it has
	// one, and is refused with ErrTooManyFromAddress otherwise. Default
	// DefaultMaxSeatsPerAddress; negative: no bound.
	MaxSeatsPerAddress int
	// JoinRate is how many joins a second one address may make on average (bursts of
	// DefaultJoinBurst), ConnJoinRate the same for one connection (bursts of 10); joins beyond
	// are refused with ErrJoinRate. Zero: DefaultJoinRate, DefaultConnJoinRate; negative: no
	// limit.
	JoinRate, ConnJoinRate float64
	// MaxClientLag is the most lag, and the most jitter, a player's handshake may ask the lag
	// simulator for (?lag=&jitter=); the server-wide Lag is not bounded by it. Default
	// DefaultMaxClientLag; negative: players may not choose their own (the query is ignored).
	MaxClientLag time.Duration
	// Lag is the network simulation every player gets unless its handshake asks for another.
	Lag LagProfile
	// ReconnectWindow is how long a disconnected player's seat is kept for its token. Default
	// ReconnectWindow.
	ReconnectWindow time.Duration
	// AdmitWhenBusy seats new players even while the node measures itself busy (capacity.go):
	// for a LAN party that would rather lag than wait, and for tests on a shared machine whose
	// stalls are not the subject.
	AdmitWhenBusy bool
	// Replays is the folder each room records its rounds into (replay files, see
	// ReplayStore); empty: nothing is recorded. ReplayMaxBytes and ReplayMaxFiles bound the
	// folder: past either, the oldest replays are removed. Defaults 256 MiB and 200 files.
	Replays        string
	ReplayMaxBytes int64
	ReplayMaxFiles int
}

// Replay folder defaults: a 5-minute round of 16 bots is about 1 MB, of the busiest fights 2.5.
const (
	DefaultReplayMaxBytes = 256 << 20
	DefaultReplayMaxFiles = 200
)

// RegisterFlags defines the settings as flags in fs, in the words of a game that calls a room
// room ("arena" gives -max-arenas), with defaults' non-zero fields as their defaults (the
// runtime's own for the rest), and returns the function that reads them once fs is parsed. A
// flag's 0 means "none" where an option's negative does: -join-rate 0 lifts the join rates,
// -max-client-lag 0 keeps players from choosing their own lag.
func RegisterFlags(fs *flag.FlagSet, room string, defaults Settings) func() (Settings, error) {
	def := defaults.withDefaults()
	var s Settings
	fs.IntVar(&s.TickRate, "tick-rate", def.TickRate, "simulation ticks per second")
	fs.IntVar(&s.SnapshotRate, "snapshot-rate", def.SnapshotRate, "snapshots per second sent to each player")
	fs.IntVar(&s.MaxPlayers, "max-players", def.MaxPlayers, "players per "+room+"; a new "+room+" opens when all are full")
	maxSpectators := fs.Int("max-spectators", max(def.MaxSpectators, 0), "spectators per "+room+" (they hold no seat and do not count against -max-players); 0: nobody may watch")
	fs.IntVar(&s.MaxRooms, "max-"+room+"s", def.MaxRooms, room+"s running at once; when all are full a join is refused with \"server full\"")
	fs.IntVar(&s.InputRate, "input-rate", defaults.InputRate, "inputs per second one player may send on average, bursts of 32; more are dropped; 0: twice the tick rate")
	fs.IntVar(&s.MaxNameLength, "max-name-length", def.MaxNameLength, "longest player name in characters; longer names are cut")
	fs.IntVar(&s.MaxSeatsPerAddress, "max-seats-per-ip", def.MaxSeatsPerAddress, "players from one address (an IPv6 /64), seats kept for reconnecting ones included; beyond it a join is refused")
	joinRate := fs.Int("join-rate", int(max(def.JoinRate, 0)), "joins one address may make a second, in bursts of 32 (a connection: 1 a second, bursts of 10); beyond it a join is refused; 0: no limit")
	maxClientLag := fs.Int("max-client-lag", int(max(def.MaxClientLag, 0).Milliseconds()), "most simulated lag, and jitter, in ms a player may ask for with ?lag=&jitter=; 0: players may not choose")
	// The network simulator's model (LagProfile) is TCP's, as a websocket sees it: each direction
	// keeps its order, jitter bunches messages, and a loss is a stall, not a missing message.
	lag := fs.Int("lag", int(def.Lag.Lag.Milliseconds()), "simulated one-way delay in ms for every player, for netcode testing; each direction keeps its order, as on TCP (per player: ?lag=)")
	jitter := fs.Int("jitter", int(def.Lag.Jitter.Milliseconds()), "simulated delay jitter in ms: each message's delay is lag ± up to this, but never shorter than what keeps it behind the message before (per player: ?jitter=)")
	fs.BoolVar(&s.AdmitWhenBusy, "admit-when-busy", def.AdmitWhenBusy, "seat new players even when this node measures itself busy (its ticks or its connections falling behind); off: they are told \"server busy, try again\"")
	fs.StringVar(&s.Replays, "replays", def.Replays, "`folder` each "+room+" records its rounds into, served at /replays; empty (-replays \"\"): no recording")
	replayMB := fs.Int("replays-max-mb", int(def.ReplayMaxBytes>>20), "most megabytes of replays kept; past it the oldest are removed")
	fs.IntVar(&s.ReplayMaxFiles, "replays-max-files", def.ReplayMaxFiles, "most replay files kept; past it the oldest are removed")
	fs.Float64Var(&s.Lag.Loss, "loss", def.Lag.Loss, "simulated TCP loss, 0..1: a lost message is retransmitted after 2×lag + max(200, 8×jitter/3) ms and the later ones wait for it; nothing is dropped (per player: ?loss=)")
	return func() (Settings, error) {
		if s.TickRate < 1 || s.TickRate > 240 || s.SnapshotRate < 1 || s.MaxPlayers < 1 || s.MaxRooms < 1 {
			return s, errors.New("flags: need 1 <= tick-rate <= 240, snapshot-rate >= 1, max-players >= 1, max-" + room + "s >= 1")
		}
		if s.InputRate < 0 || s.MaxNameLength < 1 || s.MaxSeatsPerAddress < 1 || *joinRate < 0 || *maxClientLag < 0 {
			return s, errors.New("flags: need input-rate >= 0, max-name-length >= 1, max-seats-per-ip >= 1, join-rate >= 0, max-client-lag >= 0")
		}
		if *maxSpectators < 0 {
			return s, errors.New("flags: need max-spectators >= 0")
		}
		s.MaxSpectators = *maxSpectators
		if *maxSpectators == 0 {
			s.MaxSpectators = -1
		}
		if *lag < 0 || *jitter < 0 || s.Lag.Loss < 0 || s.Lag.Loss > 1 {
			return s, errors.New("flags: need lag >= 0, jitter >= 0, 0 <= loss <= 1")
		}
		if *replayMB < 1 || s.ReplayMaxFiles < 1 {
			return s, errors.New("flags: need replays-max-mb >= 1, replays-max-files >= 1")
		}
		s.ReplayMaxBytes = int64(*replayMB) << 20
		s.JoinRate = float64(*joinRate) // ConnJoinRate 0: DefaultConnJoinRate
		if *joinRate == 0 {
			s.JoinRate, s.ConnJoinRate = -1, -1
		}
		s.MaxClientLag = time.Duration(*maxClientLag) * time.Millisecond
		if *maxClientLag == 0 {
			s.MaxClientLag = -1
		}
		s.Lag.Lag = time.Duration(*lag) * time.Millisecond
		s.Lag.Jitter = time.Duration(*jitter) * time.Millisecond
		return s, nil
	}
}

// withDefaults fills in the zero values.
func (s Settings) withDefaults() Settings {
	if s.TickRate <= 0 {
		s.TickRate = 60
	}
	if s.SnapshotRate <= 0 {
		s.SnapshotRate = 30
	}
	s.SnapshotRate = min(s.SnapshotRate, s.TickRate)
	if s.MaxPlayers <= 0 {
		s.MaxPlayers = 16
	}
	if s.MaxSpectators == 0 {
		s.MaxSpectators = DefaultMaxSpectators
	}
	if s.MaxRooms <= 0 {
		s.MaxRooms = DefaultMaxRooms
	}
	if s.InputRate <= 0 {
		s.InputRate = 2 * s.TickRate
	}
	if s.MaxNameLength <= 0 {
		s.MaxNameLength = DefaultMaxNameLength
	}
	if s.MaxSeatsPerAddress == 0 {
		s.MaxSeatsPerAddress = DefaultMaxSeatsPerAddress
	}
	if s.JoinRate == 0 {
		s.JoinRate = DefaultJoinRate
	}
	if s.ConnJoinRate == 0 {
		s.ConnJoinRate = DefaultConnJoinRate
	}
	if s.MaxClientLag == 0 {
		s.MaxClientLag = DefaultMaxClientLag
	}
	if s.ReplayMaxBytes <= 0 {
		s.ReplayMaxBytes = DefaultReplayMaxBytes
	}
	if s.ReplayMaxFiles <= 0 {
		s.ReplayMaxFiles = DefaultReplayMaxFiles
	}
	if s.ReconnectWindow <= 0 {
		s.ReconnectWindow = ReconnectWindow
	}
	return s
}
