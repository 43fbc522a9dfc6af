// Package host is the plumbing every game's server program needs around its game, so that a
// game's main only wires its own parts. It knows no game: the tank game is one user
// (tankarena's main.go), and a fork's game is another.
//
// A game on the room runtime (package game) needs only Main, or NewGame in its tests: one
// Game value names the game, its simulation and input parser, its page, its own flags and the
// defaults of the runtime's, and Main does the rest (examples/pirates is 27 lines of main.go):
//
//	func main() {
//		host.Main(host.Game[Input]{Name: "Pirates!", Namespace: "pirates", Addr: ":8081",
//			NewSimulation: newWorld, ParseInput: parseInput, Static: page})
//	}
//
// A program that serves something else builds the parts itself. A main makes a Config (DefaultConfig, then RegisterFlags and ParseFlags for the command
// line and the environment), builds the Server with New, serves its game on Realtime, and
// calls Run with a context that ends on SIGINT or SIGTERM:
//
//	cfg := host.DefaultConfig()
//	flags := flag.NewFlagSet("mygame", flag.ExitOnError)
//	cfg.RegisterFlags(flags)
//	rounds := flags.Int("rounds", 3, "rounds a match lasts") // the game's own flags
//	if err := cfg.ParseFlags(flags, os.Args[1:], "MYGAME_"); err != nil { … }
//	h, err := host.New(cfg, host.Options{Name: "My Game", MetricsNamespace: "mygame",
//		Static: web.Files, DevDir: "web", KitDevDir: "web/kit"})
//	if err != nil { … }
//	h.Realtime().Of("/").OnConnection(func(s *realtime.Socket) { … })
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//	defer stop()
//	if err := h.Run(ctx); err != nil { … }
//
// What the Server does:
//
//   - Flags with environment fall-backs: ParseFlags gives every flag of the set, the game's
//     own included, the variable of its name with the game's prefix (-max-payload:
//     MYGAME_MAX_PAYLOAD), and validates the settings (errors wrap ErrBadEnvironment or
//     ErrInvalidConfig).
//   - Routes (chi): /healthz, /metrics, the realtime server at /socket.io/ (and its browser
//     client at /socket.io/socket.io.js), the browser kit at /kit/ (tankarena/web/kit: the
//     connection with reconnect tokens, the input clock, snapshot stream and interpolation,
//     the net graph; with Config.Dev, Options.KitDevDir from disk), and Options.Static at /
//     without directory listings (with Config.Dev, Options.DevDir from disk), /favicon.ico
//     leading to its favicon.svg; /replays, the game's replays (Options.Replays: a page or
//     JSON listing them, /replays/{id} the file, linking to the game's replay.html if it has
//     one).
//   - /metrics: a Prometheus registry of the server's own with the Go runtime and process
//     collectors, the game's series (Options.RegisterMetrics) and the connection layer's,
//     named <MetricsNamespace>_…: Engine.IO sessions, handshakes, refusals by cause, messages
//     and bytes, slow clients (from realtime's engine), and the HTTP connections by phase,
//     those refused or closed for a limit, slow requests and refused Host names.
//   - Who may connect: a page of another site only if Config.AllowedOrigins names it, no
//     browser request that no script made (an <img> or <script> aimed at the handshake), and
//     against DNS rebinding only requests that name the server by an IP address, localhost,
//     the machine's name or Config.AllowedHosts (not on /healthz and /metrics).
//   - Connection limits: Engine.IO sessions per process and per address and a handshake rate
//     per address (Config), and the TCP connections themselves: per address, and within the
//     process's open-file limit, closing the oldest idle ones to make room; deadlines for a
//     request's headers and body and for idle connections; a bound on header size.
//   - A cluster with Config.Redis (-redis): the realtime server runs on a Redis adapter
//     (tankarena/realtime/redisadapter), so broadcasts reach the players of every node on that
//     Redis. New fails, naming the address, when Redis does not answer; later outages leave
//     the games running, /healthz answering 200 "degraded: redis unreachable at …" and
//     /metrics <MetricsNamespace>_redis_up 0 beside the adapter's message counters. The
//     game's room broadcasts and the shutdown notice stay local (BroadcastOperator.Local).
//   - The room directory (with Options.Registration): GET /rooms and GET /leaderboard list
//     the rooms and the best players, as JSON, of this server alone or, with Config.Redis, of
//     every node (redisdirectory.go: each node's registration in Redis, refreshed every second,
//     expiring in 3 s; seat reservations for the players one node sends to another; the
//     cluster's pages pass the origin checks). Server.Directory is what the game places its
//     players with (game.Lobby.UseDirectory); Config.PublicURL is where the others send them.
//   - Run prints the addresses to open, this machine's and the LAN's, and a QR code for phones.
//   - Graceful shutdown when the context ends: the players get the event "shutdown"
//     {"message": …} in the namespace "/", a grace of 300 ms later the game stops
//     (Options.OnShutdown) and the connections close; requests still in flight after 4 s are
//     cut, and Run returns nil, so the process exits 0.
//
// README "Limits and security" lists every limit with its flag, default, what a client over
// it sees and its /metrics series.
package host
