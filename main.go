// Command tankarena hosts a real-time multiplayer tank arena for browsers on a LAN.
//
// It wires the parts together: the game simulation (game/), the arenas that run it for connected
// players (arena/), the Socket.IO server (realtime/) and the embedded browser client (web/).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-chi/chi/v5"

	"tankarena/arena"
	"tankarena/assets"
	"tankarena/game"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
	"tankarena/web"
)

// shutdownGrace is how long players get to see the shutdown notice before connections close;
// the whole shutdown stays within 5 s.
const (
	shutdownGrace   = 300 * time.Millisecond
	shutdownTimeout = 4 * time.Second
)

// defaultMaxPayload bounds one message: the game's largest client message is a join of a few
// hundred bytes, and a polling request batches at most a few seconds of 30-byte inputs.
// minPayload keeps the limit above what the protocol itself needs.
const (
	defaultMaxPayload = 64 << 10
	minPayload        = 4 << 10
)

// HTTP connection limits (README "Limits and security"). The deadlines a request meets:
// its headers headerTimeout, its body bodyTimeout from the end of the headers
// (limitBodyTime, which also counts the cut ones; net/http clears the read deadline once a
// handler runs with the body read, so a long poll held until the next ping, up to 25 s,
// has none). No server-wide WriteTimeout: the Engine.IO server writes every answer, long
// polls included, under a deadline of its own (engineio.Options.WriteTimeout, 10 s) set
// when it writes, and the other answers (the client's files, /metrics) are small enough
// for the socket buffers, so a client that stops reading them holds an idle connection,
// which idleTimeout ends. A websocket has no deadline from net/http: gorilla clears the
// connection's deadlines when it takes it over.
const (
	// idleTimeout closes a kept-alive connection with no request: long enough for a
	// browser to reuse its connections between loading the page and connecting, short
	// enough that forgotten ones give their file back in half a minute.
	idleTimeout = 30 * time.Second
	// headerTimeout bounds the wait for a request's line and headers.
	headerTimeout = 10 * time.Second
	// bodyTimeout bounds the wait for a request's body, from the end of its headers: a
	// polling POST of the largest payload (64 KiB) still arrives at 52 kbit/s.
	bodyTimeout = 10 * time.Second
	// maxHeaderBytes bounds a request's line and headers (net/http allows 4 KiB more).
	// Browsers send 1-2 KiB, plus cookies, which are shared by every port of a host (a
	// developer's localhost collects many); 32 KiB is what nginx accepts by default (4
	// lines of 8 KiB), twice Node's 16 KiB that the reference server runs with. The
	// net/http default, 1 MB, let each request hold a megabyte.
	maxHeaderBytes = 32 << 10
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		slog.Error("tankarena stopped", "err", err)
		os.Exit(1)
	}
}

// settings are the command line flags, each with an environment variable fall-back.
type settings struct {
	addr         string
	dev          bool
	tickRate     int
	snapshotRate int
	bots         int
	maxPlayers   int
	mapName      string
	lag          arena.LagProfile

	// Limits (see README "Limits and security").
	maxArenas     int
	inputRate     int   // inputs per second per player; 0 means twice the tick rate
	maxNameLength int   // characters
	maxPayload    int64 // bytes in one Engine.IO message or polling request
	maxConns      int   // Engine.IO sessions open at once
	maxConnsPerIP int   // Engine.IO sessions open at once from one client address
	handshakeRate int   // Engine.IO sessions opened a second from one client address; 0: any
	trustProxy    bool  // client address from X-Forwarded-For
	origins       originPolicy
	allowedHosts  []string // Host names served besides the machine's own (-allowed-hosts)

	// Seats and joins (see README "Limits and security" and arena.Options).
	maxSeatsPerIP int // seats, held ones included, per client address (IPv6: per /64)
	joinRate      int // joins a second per address; 0: no limit
	maxClientLag  int // ms of lag, and of jitter, a player may ask for; 0: players may not
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func parseFlags(args []string) (settings, error) {
	var s settings
	flags := flag.NewFlagSet("tankarena", flag.ContinueOnError)
	defaultAddr := ":8080"
	if port := os.Getenv("PORT"); port != "" {
		defaultAddr = ":" + port
	}
	flags.StringVar(&s.addr, "addr", envOr("TANKARENA_ADDR", defaultAddr), "listen address (env TANKARENA_ADDR, or PORT)")
	flags.BoolVar(&s.dev, "dev", os.Getenv("TANKARENA_DEV") == "1", "serve web/ from disk instead of the embedded copy, for editing the client (env TANKARENA_DEV=1)")
	flags.IntVar(&s.tickRate, "tick-rate", envInt("TANKARENA_TICK_RATE", 60), "simulation ticks per second (env TANKARENA_TICK_RATE)")
	flags.IntVar(&s.snapshotRate, "snapshot-rate", envInt("TANKARENA_SNAPSHOT_RATE", 30), "snapshots per second sent to each player (env TANKARENA_SNAPSHOT_RATE)")
	flags.IntVar(&s.bots, "bots", envInt("TANKARENA_BOTS", 0), "bots fill each arena up to this many tanks; they leave as humans join (env TANKARENA_BOTS)")
	flags.IntVar(&s.maxPlayers, "max-players", envInt("TANKARENA_MAX_PLAYERS", 16), "players per arena; a new arena opens when all are full (env TANKARENA_MAX_PLAYERS)")
	flags.StringVar(&s.mapName, "map", envOr("TANKARENA_MAP", "arena"), "map name from assets/maps, or a path to a map file (env TANKARENA_MAP)")
	lagMS := flags.Int("lag", envInt("TANKARENA_LAG", 0), "simulated one-way delay in ms for every player, for netcode testing (env TANKARENA_LAG; per player: ?lag=)")
	jitterMS := flags.Int("jitter", envInt("TANKARENA_JITTER", 0), "simulated delay jitter in ms (env TANKARENA_JITTER; per player: ?jitter=)")
	defaultLoss, _ := strconv.ParseFloat(os.Getenv("TANKARENA_LOSS"), 64)
	loss := flags.Float64("loss", defaultLoss, "simulated loss of snapshots and inputs, 0..1 (env TANKARENA_LOSS; per player: ?loss=)")
	flags.IntVar(&s.maxArenas, "max-arenas", envInt("TANKARENA_MAX_ARENAS", arena.DefaultMaxArenas), "arenas running at once; when all are full a join is refused with \"server full\" (env TANKARENA_MAX_ARENAS)")
	flags.IntVar(&s.inputRate, "input-rate", envInt("TANKARENA_INPUT_RATE", 0), "inputs per second one player may send on average, bursts of 16; more are dropped (env TANKARENA_INPUT_RATE; 0: twice the tick rate)")
	flags.IntVar(&s.maxNameLength, "max-name-length", envInt("TANKARENA_MAX_NAME_LENGTH", arena.DefaultMaxNameLength), "longest player name in characters; longer names are cut (env TANKARENA_MAX_NAME_LENGTH)")
	flags.Int64Var(&s.maxPayload, "max-payload", int64(envInt("TANKARENA_MAX_PAYLOAD", defaultMaxPayload)), "largest message (websocket) or request body (polling) in bytes (env TANKARENA_MAX_PAYLOAD)")
	flags.IntVar(&s.maxConns, "max-connections", envInt("TANKARENA_MAX_CONNECTIONS", 10_000), "connections open at once; beyond it a handshake gets HTTP 503 (env TANKARENA_MAX_CONNECTIONS)")
	flags.IntVar(&s.maxConnsPerIP, "max-connections-per-ip", envInt("TANKARENA_MAX_CONNECTIONS_PER_IP", 64), "connections open at once from one address (a whole LAN may share one NAT address); beyond it HTTP 429 (env TANKARENA_MAX_CONNECTIONS_PER_IP)")
	flags.IntVar(&s.handshakeRate, "handshake-rate", envInt("TANKARENA_HANDSHAKE_RATE", 10), "connections one address may open a second, in bursts of twice that; beyond it HTTP 429 with Retry-After (env TANKARENA_HANDSHAKE_RATE; 0: no limit)")
	flags.BoolVar(&s.trustProxy, "trust-proxy", os.Getenv("TANKARENA_TRUST_PROXY") == "1", "take the client address from the last X-Forwarded-For entry; only behind exactly one reverse proxy (env TANKARENA_TRUST_PROXY=1)")
	flags.IntVar(&s.maxSeatsPerIP, "max-seats-per-ip", envInt("TANKARENA_MAX_SEATS_PER_IP", arena.DefaultMaxSeatsPerAddress), "players from one address (an IPv6 /64), seats kept for reconnecting ones included; beyond it a join is refused (env TANKARENA_MAX_SEATS_PER_IP)")
	flags.IntVar(&s.joinRate, "join-rate", envInt("TANKARENA_JOIN_RATE", arena.DefaultJoinRate), "joins one address may make a second, in bursts of 32 (a connection: 1 a second, bursts of 10); beyond it a join is refused (env TANKARENA_JOIN_RATE; 0: no limit)")
	flags.IntVar(&s.maxClientLag, "max-client-lag", envInt("TANKARENA_MAX_CLIENT_LAG", int(arena.DefaultMaxClientLag.Milliseconds())), "most simulated lag, and jitter, in ms a player may ask for with ?lag=&jitter= (env TANKARENA_MAX_CLIENT_LAG; 0: players may not choose)")
	origins := flags.String("allowed-origins", os.Getenv("TANKARENA_ALLOWED_ORIGINS"), "comma list of other origins whose pages may connect, e.g. http://game.lan:3000, or * for any; the server's own pages always may (env TANKARENA_ALLOWED_ORIGINS)")
	hosts := flags.String("allowed-hosts", os.Getenv("TANKARENA_ALLOWED_HOSTS"), "comma list of other host names this server is reached by, e.g. game.lan, or * for any; IP addresses, localhost and this machine's name always are (env TANKARENA_ALLOWED_HOSTS)")
	if err := flags.Parse(args); err != nil {
		return s, err
	}
	s.allowedHosts = parseHosts(*hosts)
	if s.tickRate < 1 || s.tickRate > 240 || s.snapshotRate < 1 || s.maxPlayers < 1 || s.bots < 0 || *loss < 0 || *loss > 1 {
		return s, errors.New("flags: need 1 <= tick-rate <= 240, snapshot-rate >= 1, max-players >= 1, bots >= 0, 0 <= loss <= 1")
	}
	if s.maxArenas < 1 || s.inputRate < 0 || s.maxNameLength < 1 || s.maxPayload < minPayload || s.maxConns < 1 || s.maxConnsPerIP < 1 || s.handshakeRate < 0 {
		return s, fmt.Errorf("flags: need max-arenas >= 1, input-rate >= 0, max-name-length >= 1, max-payload >= %d, max-connections >= 1, max-connections-per-ip >= 1, handshake-rate >= 0", minPayload)
	}
	if s.maxSeatsPerIP < 1 || s.joinRate < 0 || s.maxClientLag < 0 {
		return s, errors.New("flags: need max-seats-per-ip >= 1, join-rate >= 0, max-client-lag >= 0")
	}
	s.origins = parseOrigins(*origins)
	s.lag = arena.LagProfile{Lag: time.Duration(*lagMS) * time.Millisecond, Jitter: time.Duration(*jitterMS) * time.Millisecond, Loss: *loss}
	return s, nil
}

// loadMap reads a map by name from the embedded assets, or from disk when given a path.
func loadMap(name string) (*game.Map, error) {
	data, err := fs.ReadFile(assets.Maps, "maps/"+name+".txt")
	if err != nil {
		var diskErr error
		if data, diskErr = os.ReadFile(name); diskErr != nil {
			return nil, fmt.Errorf("map %q: not in assets/maps and not a readable file: %w", name, diskErr)
		}
	}
	return game.LoadMap(name, data)
}

// newLobby builds the arenas' configuration from the settings.
func newLobby(ctx context.Context, s settings) (*arena.Lobby, error) {
	m, err := loadMap(s.mapName)
	if err != nil {
		return nil, err
	}
	cfg := game.DefaultConfig()
	cfg.TickRate = s.tickRate
	cfg.MaxPlayers = max(s.maxPlayers, s.bots)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("game config: %w", err)
	}
	mapJSON, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("map json: %w", err)
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("config json: %w", err)
	}
	// The flags' 0 (no limit; players may not choose) is the options' negative, and -join-rate 0
	// lifts the per-connection join rate too.
	joinRate, connJoinRate := float64(s.joinRate), 0.0 // 0: arena.DefaultConnJoinRate
	if s.joinRate == 0 {
		joinRate, connJoinRate = -1, -1
	}
	maxClientLag := time.Duration(s.maxClientLag) * time.Millisecond
	if s.maxClientLag == 0 {
		maxClientLag = -1
	}
	return arena.NewLobby(ctx, arena.Options{
		TickRate:           s.tickRate,
		SnapshotRate:       s.snapshotRate,
		MaxPlayers:         s.maxPlayers,
		MaxArenas:          s.maxArenas,
		InputRate:          s.inputRate,
		MaxNameLength:      s.maxNameLength,
		MaxSeatsPerAddress: s.maxSeatsPerIP,
		JoinRate:           joinRate,
		ConnJoinRate:       connJoinRate,
		MaxClientLag:       maxClientLag,
		Map:                mapJSON,
		Config:             cfgJSON,
		Lag:                s.lag,
		NewWorld: func() (*game.World, error) {
			w, err := game.NewWorld(cfg, m, uint64(time.Now().UnixNano()))
			if err != nil {
				return nil, err
			}
			w.SetBotFill(s.bots, game.BotNormal)
			return w, nil
		},
	})
}

// server is the HTTP side: routes, the realtime server and the lobby behind it.
type server struct {
	http  *http.Server
	rt    *realtime.Server
	lobby *arena.Lobby
	conns *connTracker

	bodyTimeout  time.Duration
	badHosts     atomic.Int64 // requests refused for their Host
	bodyTimeouts atomic.Int64 // requests whose body did not arrive within bodyTimeout
}

func newServer(ctx context.Context, s settings) (*server, error) {
	lobby, err := newLobby(ctx, s)
	if err != nil {
		return nil, err
	}
	static := fs.FS(web.Files)
	if s.dev {
		static = os.DirFS("web")
	}
	rt := realtime.NewServer(realtime.Options{Engine: engineio.Options{
		MaxPayload:          s.maxPayload,
		MaxConnections:      s.maxConns,
		MaxConnectionsPerIP: s.maxConnsPerIP,
		HandshakeRatePerIP:  float64(s.handshakeRate),
		TrustProxyHeaders:   s.trustProxy,
		AllowRequest:        s.origins.allowRequest,
		CheckOrigin:         s.origins.allows,
		CORS:                engineio.CORSOptions{AllowedOrigins: s.origins.allowed},
	}})
	lobby.Serve(rt.Of("/"))

	// Behind a proxy every connection comes from the proxy: only the budget applies.
	perAddress := 2*s.maxConnsPerIP + pageConnections // a long poll and a POST per session
	if s.trustProxy {
		perAddress = 0
	}
	srv := &server{rt: rt, lobby: lobby, conns: newConnTracker(perAddress, connectionBudget(openFileLimit())), bodyTimeout: bodyTimeout}
	hosts := newHostPolicy(s.allowedHosts)
	r := chi.NewRouter()
	r.Use(srv.limitBodyTime)
	// Health checks and scrapes come from machines, often by a service name, and show a
	// rebinding page nothing it could use: they are served whatever the Host.
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	// Browsers ask for /favicon.ico on pages that name no icon (/metrics, /healthz); every
	// browser that shows an SVG favicon follows this to the one the game page links.
	r.Handle("/favicon.ico", http.RedirectHandler("/favicon.svg", http.StatusMovedPermanently))
	r.Method(http.MethodGet, "/metrics", metricsHandler(lobby.Metrics(), rt.EngineStats, srv.httpStats))
	r.Handle("/socket.io/*", hosts.require(rt, &srv.badHosts))
	r.Handle("/*", hosts.require(web.Handler(static), &srv.badHosts))
	srv.http = &http.Server{
		Handler:           r,
		ReadHeaderTimeout: headerTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnState:         srv.conns.connState,
	}
	return srv, nil
}

// serve answers HTTP on ln, with its connections counted and limited.
func (s *server) serve(ln net.Listener) error { return s.http.Serve(s.conns.listener(ln)) }

// limitBodyTime gives a request's body bodyTimeout to arrive: a client trickling one in
// otherwise holds its connection and a goroutine for as long as it likes. The deadline is
// the connection's; net/http clears it once the body is read (or replaces it when the
// connection goes idle), so it never reaches a long poll or a websocket.
func (s *server) limitBodyTime(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			if err := http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.bodyTimeout)); err == nil {
				r.Body = &timedBody{ReadCloser: r.Body, timeouts: &s.bodyTimeouts}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// timedBody counts a body cut by its deadline.
type timedBody struct {
	io.ReadCloser
	timeouts *atomic.Int64
	counted  bool
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !b.counted && errors.Is(err, os.ErrDeadlineExceeded) {
		b.counted = true
		b.timeouts.Add(1)
	}
	return n, err
}

// httpStats is what /metrics shows of the HTTP connections.
func (s *server) httpStats() httpStats {
	return httpStats{conns: s.conns.stats(), badHosts: s.badHosts.Load(), bodyTimeouts: s.bodyTimeouts.Load()}
}

// shutdown tells the players, stops the arenas and closes every connection.
func (s *server) shutdown() error {
	_ = s.rt.Of("/").Emit("shutdown", map[string]string{"message": "The server is shutting down."})
	time.Sleep(shutdownGrace)
	s.lobby.Close()
	s.rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// What still runs (a body trickling in, a slow download) is cut rather than waited
		// for: otherwise any client could hold the shutdown up, and it would end in an error.
		st := s.conns.stats()
		slog.Warn("shutdown: closing the requests still in flight", "connections",
			st.phases[phaseNew]+st.phases[phaseActive], "waited", shutdownTimeout)
		_ = s.http.Close() // its only error is closing the listeners, which Shutdown did
		err = nil
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func run(args []string) error {
	s, err := parseFlags(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := newServer(ctx, s)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.serve(ln) }()
	slog.Info("tank arena listening", "addr", ln.Addr().String(), "map", s.mapName, "tick_rate", s.tickRate, "snapshot_rate", s.snapshotRate)
	printJoinInfo(os.Stdout, ln.Addr().(*net.TCPAddr).Port)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	slog.Info("shutting down")
	return srv.shutdown()
}
