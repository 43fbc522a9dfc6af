package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"tankarena/game"
	"tankarena/realtime"
	"tankarena/realtime/engineio"
	"tankarena/web/kit"
)

// shutdownGrace is how long players get to see the shutdown notice before connections close;
// the whole shutdown stays within 5 s.
const (
	shutdownGrace   = 300 * time.Millisecond
	shutdownTimeout = 4 * time.Second
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

// Options are what the game brings to its server; Config holds what the operator sets.
type Options struct {
	// Name is the game's name, in the greeting Run prints ("Tank Arena is up. …"). Required.
	Name string
	// MetricsNamespace prefixes the connection layer's series on /metrics: "tankarena" gives
	// tankarena_handshakes_total. Required: dashboards are built on these names.
	MetricsNamespace string
	// RegisterMetrics, if not nil, adds the game's own series to the /metrics registry.
	RegisterMetrics func(prometheus.Registerer) error
	// Static is the browser client, served at / (an index.html for /); nil serves no files.
	Static fs.FS
	// DevDir is the folder Static is embedded from, relative to the working directory: with
	// Config.Dev it is served from disk instead.
	DevDir string
	// KitDevDir is the browser kit's folder (web/kit in this repository), relative to the
	// working directory: with Config.Dev the kit at /kit/ is served from there instead of the
	// embedded copy, for editing it. Empty: the embedded kit, with -dev too.
	KitDevDir string
	// OnShutdown, if not nil, runs during the graceful shutdown, after the players had the
	// grace to see the notice and before their connections close: the game stops its loops
	// there, so they send nothing into closing connections.
	OnShutdown func()
	// Logger logs the server's life and the connection layer's trouble; nil: slog.Default().
	Logger *slog.Logger
	// Replays is the folder of the game's replays, served at /replays (see replayRoutes);
	// nil: the list says recording is off.
	Replays *game.ReplayStore
	// Registration, if not nil, is the game's entry in the room directory
	// (game.Lobby.Registration): /rooms and /leaderboard list it, and with Config.Redis the
	// node registers it in Redis for the other nodes (see Directory).
	Registration func(url string) game.NodeInfo
}

// metricsNamespaceSyntax is what Prometheus allows at the start of a series name.
var metricsNamespaceSyntax = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Server is a game's HTTP side: the realtime server, the routes around it, and the
// connection limits. Make one with New, wire the game to Realtime, then Run it.
type Server struct {
	name       string
	addr       string
	log        *slog.Logger
	onShutdown func()

	http    *http.Server
	rt      *realtime.Server
	cluster *redisLink // nil without -redis
	conns   *connTracker

	dir       game.Directory  // nil without Options.Registration
	redisDir  *redisDirectory // dir with -redis, beating from Serve on
	publicURL string          // Config.PublicURL

	bodyTimeout  time.Duration
	badHosts     atomic.Int64 // requests refused for their Host
	bodyTimeouts atomic.Int64 // requests whose body did not arrive within bodyTimeout
}

// New builds the server cfg describes for the game opts describes: the realtime server with
// cfg's engine limits and origin policy, and the routes: /healthz, /metrics, /socket.io/,
// the browser kit at /kit/ (tankarena/web/kit), and the browser client (with /favicon.ico
// leading to its favicon.svg, if it has one). It listens on nothing until Run or Serve.
func New(cfg Config, opts Options) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Name == "" {
		return nil, errors.New("host: Options.Name is required: the greeting names the game")
	}
	if !metricsNamespaceSyntax.MatchString(opts.MetricsNamespace) {
		return nil, fmt.Errorf("host: Options.MetricsNamespace %q: need letters, digits and _, e.g. \"tankarena\"", opts.MetricsNamespace)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	static := opts.Static
	if cfg.Dev {
		if opts.DevDir == "" {
			return nil, errors.New("host: -dev needs Options.DevDir, the folder of the browser client on disk")
		}
		static = os.DirFS(opts.DevDir)
	}
	kitFiles := fs.FS(kit.Files)
	if cfg.Dev && opts.KitDevDir != "" {
		kitFiles = os.DirFS(opts.KitDevDir)
	}
	origins := newOriginPolicy(cfg.AllowedOrigins)
	var cluster *redisLink
	var newAdapter func(realtime.Local) realtime.Adapter
	var dir game.Directory
	var redisDir *redisDirectory
	if opts.Registration != nil {
		dir = game.LocalDirectory(opts.Registration)
	}
	if cfg.Redis != "" {
		var err error
		if cluster, err = dialRedis(cfg.Redis, opts.Logger); err != nil {
			return nil, err
		}
		newAdapter = cluster.node.NewAdapter
		if opts.Registration != nil {
			redisDir = newRedisDirectory(cluster.node.Client(), opts.MetricsNamespace, cluster.node.UID(), opts.Registration, opts.Logger)
			dir, origins.also = redisDir, redisDir.allowsOrigin
		}
	}
	rt := realtime.NewServer(realtime.Options{NewAdapter: newAdapter, Engine: engineio.Options{
		MaxPayload:          cfg.MaxPayload,
		MaxConnections:      cfg.MaxConnections,
		MaxConnectionsPerIP: cfg.MaxConnectionsPerIP,
		HandshakeRatePerIP:  float64(cfg.HandshakeRate),
		TrustProxyHeaders:   cfg.TrustProxy,
		AllowRequest:        origins.allowRequest,
		CheckOrigin:         origins.allows,
		CORS:                engineio.CORSOptions{AllowedOrigins: origins.allowed, AllowOrigin: origins.also},
		Logger:              opts.Logger,
	}})

	// Behind a proxy every connection comes from the proxy: only the budget applies.
	perAddress := 2*cfg.MaxConnectionsPerIP + pageConnections // a long poll and a POST per session
	if cfg.TrustProxy {
		perAddress = 0
	}
	s := &Server{
		name: opts.Name, addr: cfg.Addr, log: opts.Logger, onShutdown: opts.OnShutdown,
		rt: rt, cluster: cluster, conns: newConnTracker(perAddress, connectionBudget(openFileLimit())), bodyTimeout: bodyTimeout,
		dir: dir, redisDir: redisDir, publicURL: strings.TrimRight(cfg.PublicURL, "/"),
	}
	var clusterMetrics []prometheus.Collector
	if cluster != nil {
		clusterMetrics = cluster.metrics(opts.MetricsNamespace)
	}
	if redisDir != nil {
		clusterMetrics = append(clusterMetrics, redisDir.metrics(opts.MetricsNamespace)...)
	}
	metrics, err := metricsHandler(opts.MetricsNamespace, opts.RegisterMetrics, rt.EngineStats, s.httpStats, clusterMetrics...)
	if err != nil {
		rt.Close()
		if cluster != nil {
			cluster.close()
		}
		return nil, err
	}
	hosts := newHostPolicy(append(slices.Clip(cfg.AllowedHosts), publicHost(cfg.PublicURL)...), cfg.howToAllowHost)
	r := chi.NewRouter()
	r.Use(s.limitBodyTime)
	// Health checks and scrapes come from machines, often by a service name, and show a
	// rebinding page nothing it could use: they are served whatever the Host. A node that
	// lost Redis still answers 200: it serves its players, and a proxy that dropped it would
	// cut them off; the body says it is degraded (and /metrics has redis_up 0).
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(s.cluster.health() + "\n")) })
	r.Method(http.MethodGet, "/metrics", metrics)
	r.Handle("/socket.io/*", hosts.require(rt, &s.badHosts))
	if dir != nil {
		r.Get("/rooms", s.serveRooms)
		r.Get("/leaderboard", s.serveLeaderboard)
	}
	// The kit is every game's, served before the game's files: a page imports
	// /kit/connection.js whatever its own folder holds.
	r.Handle("/kit/*", hosts.require(http.StripPrefix("/kit", staticHandler(kitFiles)), &s.badHosts))
	r.Group(func(r chi.Router) {
		r.Use(func(next http.Handler) http.Handler { return hosts.require(next, &s.badHosts) })
		replayRoutes(r, opts.Replays, viewerOf(static), opts.Logger)
	})
	if static != nil {
		// Browsers ask for /favicon.ico on pages that name no icon (/metrics, /healthz); every
		// browser that shows an SVG favicon follows this to the one the game page links.
		if _, err := fs.Stat(static, "favicon.svg"); err == nil {
			r.Handle("/favicon.ico", http.RedirectHandler("/favicon.svg", http.StatusMovedPermanently))
		}
		r.Handle("/*", hosts.require(staticHandler(static), &s.badHosts))
	}
	s.http = &http.Server{
		Handler:           r,
		ReadHeaderTimeout: headerTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnState:         s.conns.connState,
	}
	return s, nil
}

// Realtime is the Socket.IO server the game serves its players on, e.g. Realtime().Of("/").
func (s *Server) Realtime() *realtime.Server { return s.rt }

// Directory is the room directory the game places its players with (game.Lobby.UseDirectory):
// the cluster's in Redis with Config.Redis, else the game's own rooms; nil without
// Options.Registration.
func (s *Server) Directory() game.Directory { return s.dir }

// Run listens on Config.Addr, prints where to point browsers (this machine's and its LAN
// addresses, and a QR code for phones) and serves until ctx ends, as Serve does. A main
// passes the context of signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM), so that
// Ctrl-C or a service manager's stop shuts the server down gracefully and Run returns nil.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	s.log.Info(s.name+" listening", "addr", ln.Addr().String())
	if addr, ok := ln.Addr().(*net.TCPAddr); ok {
		printJoinInfo(os.Stdout, s.name, addr.Port)
	}
	return s.Serve(ctx, ln)
}

// Serve answers HTTP on ln, with its connections counted and limited, until ctx ends; then
// it shuts down gracefully: every player in the namespace "/" gets the event "shutdown"
// {"message": "The server is shutting down."}, and after a grace of 300 ms for it to arrive
// Options.OnShutdown runs, the realtime server closes its connections, and requests still in
// flight get 4 s to finish before they are cut. That is no error: Serve returns nil. It
// returns an error only if serving fails. A Server serves once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.redisDir != nil {
		url := publicURL(s.publicURL, ln.Addr())
		s.log.Info("cluster: this node's public URL, where the other nodes send players", "url", url)
		s.redisDir.start(url)
	}
	served := make(chan error, 1)
	go func() { served <- s.serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	return s.shutdown()
}

// serve answers HTTP on ln, with its connections counted and limited.
func (s *Server) serve(ln net.Listener) error { return s.http.Serve(s.conns.listener(ln)) }

// limitBodyTime gives a request's body bodyTimeout to arrive: a client trickling one in
// otherwise holds its connection and a goroutine for as long as it likes. The deadline is
// the connection's; net/http clears it once the body is read (or replaces it when the
// connection goes idle), so it never reaches a long poll or a websocket.
func (s *Server) limitBodyTime(next http.Handler) http.Handler {
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
func (s *Server) httpStats() httpStats {
	return httpStats{conns: s.conns.stats(), badHosts: s.badHosts.Load(), bodyTimeouts: s.bodyTimeouts.Load()}
}

// shutdown tells the players, stops the game and closes every connection.
func (s *Server) shutdown() error {
	if s.redisDir != nil {
		s.redisDir.close() // first: the other nodes stop sending players here
	}
	// Local: with -redis the other nodes' players stay.
	_ = s.rt.Of("/").Local().Emit("shutdown", map[string]string{"message": "The server is shutting down."})
	time.Sleep(shutdownGrace)
	if s.onShutdown != nil {
		s.onShutdown()
	}
	s.rt.Close()
	if s.cluster != nil {
		s.cluster.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// What still runs (a body trickling in, a slow download) is cut rather than waited
		// for: otherwise any client could hold the shutdown up, and it would end in an error.
		st := s.conns.stats()
		s.log.Warn("shutdown: closing the requests still in flight", "connections",
			st.phases[phaseNew]+st.phases[phaseActive], "waited", shutdownTimeout)
		_ = s.http.Close() // its only error is closing the listeners, which Shutdown did
		err = nil
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
