package host

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ErrInvalidConfig is what Config.Validate's errors wrap.
var ErrInvalidConfig = errors.New("host: invalid setting")

// ErrBadEnvironment is what ParseFlags' error wraps when an environment variable does not
// parse as its flag's value.
var ErrBadEnvironment = errors.New("host: environment variable does not parse")

// Defaults of the settings (README "Limits and security").
const (
	// DefaultMaxPayload bounds one message: a game's client messages are small (the tank game's
	// largest is a join of a few hundred bytes), and a polling request batches at most a few
	// seconds of them.
	DefaultMaxPayload = 64 << 10
	// MinPayload keeps the limit above what the protocol itself needs.
	MinPayload = 4 << 10

	DefaultMaxConnections      = 10_000
	DefaultMaxConnectionsPerIP = 64 // a whole LAN may share one NAT address
	DefaultHandshakeRate       = 10
)

// Config holds the settings every game server has: where it listens, and the limits and
// policies of its HTTP and Engine.IO side. The zero Config is not valid: start from
// DefaultConfig. RegisterFlags and ParseFlags set it from the command line and the
// environment.
type Config struct {
	// Addr is the listen address, host:port; Run listens on it.
	Addr string
	// Dev serves the browser client from disk (Options.DevDir) instead of the embedded copy,
	// so edits show on reload.
	Dev bool

	// MaxPayload bounds one Engine.IO message (websocket) or polling request body, in bytes;
	// at least MinPayload.
	MaxPayload int64
	// MaxConnections bounds the Engine.IO sessions open at once; beyond it a handshake gets
	// HTTP 503.
	MaxConnections int
	// MaxConnectionsPerIP bounds the sessions open at once from one client address (an IPv6
	// /64); beyond it HTTP 429. The TCP connections one address may hold follow from it.
	MaxConnectionsPerIP int
	// HandshakeRate is how many sessions one address may open a second, in bursts of twice
	// that; beyond it HTTP 429 with Retry-After. 0: no limit.
	HandshakeRate int
	// TrustProxy takes the client address from the last X-Forwarded-For entry: only behind
	// exactly one reverse proxy.
	TrustProxy bool

	// AllowedOrigins are the origins (scheme://host[:port]) of other sites whose pages may
	// connect, or "*" for any; the server's own pages always may.
	AllowedOrigins []string
	// AllowedHosts are other names this server is reached by (with or without a port), or
	// "*" for any; IP addresses, localhost and this machine's names always are (against DNS
	// rebinding).
	AllowedHosts []string

	// Redis, if not empty, is the URL of the Redis server (redis://host:6379/0) that this
	// node shares with the other nodes of a cluster: broadcasts reach the players of every
	// node (realtime/redisadapter). Empty: everything stays in this process.
	Redis string
	// PublicURL is where browsers reach this node (http://game1.example.com), when it is one
	// of a cluster (Redis): players placed in its rooms by the other nodes are sent there.
	// Empty: the listen address, or this machine's first LAN address when it listens on all.
	PublicURL string

	// envPrefix is ParseFlags', for the messages that name a flag's environment variable;
	// flags tells that RegisterFlags made the flags those messages name.
	envPrefix string
	flags     bool
}

// DefaultConfig is the settings a server starts with: every limit at its default, listening
// on :8080.
func DefaultConfig() Config {
	return Config{
		Addr:                ":8080",
		MaxPayload:          DefaultMaxPayload,
		MaxConnections:      DefaultMaxConnections,
		MaxConnectionsPerIP: DefaultMaxConnectionsPerIP,
		HandshakeRate:       DefaultHandshakeRate,
	}
}

// RegisterFlags defines the flags of c's settings in fs, with c's values as their defaults;
// the game adds its own flags to the same set and parses them all with ParseFlags.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	c.flags = true
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address")
	fs.BoolVar(&c.Dev, "dev", c.Dev, "serve the browser client from disk instead of the embedded copy, for editing it")
	fs.Int64Var(&c.MaxPayload, "max-payload", c.MaxPayload, "largest message (websocket) or request body (polling) in bytes")
	fs.IntVar(&c.MaxConnections, "max-connections", c.MaxConnections, "connections open at once; beyond it a handshake gets HTTP 503")
	fs.IntVar(&c.MaxConnectionsPerIP, "max-connections-per-ip", c.MaxConnectionsPerIP, "connections open at once from one address (a whole LAN may share one NAT address); beyond it HTTP 429")
	fs.IntVar(&c.HandshakeRate, "handshake-rate", c.HandshakeRate, "connections one address may open a second, in bursts of twice that; beyond it HTTP 429 with Retry-After; 0: no limit")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "take the client address from the last X-Forwarded-For entry; only behind exactly one reverse proxy")
	fs.Var((*listFlag)(&c.AllowedOrigins), "allowed-origins", "comma `list` of other origins whose pages may connect, e.g. http://game.lan:3000, or * for any; the server's own pages always may")
	fs.StringVar(&c.Redis, "redis", c.Redis, "`URL` of the Redis server shared by the nodes of a cluster, e.g. redis://localhost:6379/0; empty: one node, nothing shared")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "`URL` where browsers reach this node, e.g. https://game1.example.com, for the other nodes of a cluster (-redis) to send players to; empty: the listen address, or this machine's first LAN address")
	fs.Var((*listFlag)(&c.AllowedHosts), "allowed-hosts", "comma `list` of other host names this server is reached by, e.g. game.lan, or * for any; IP addresses, localhost and this machine's name always are")
}

// ParseFlags parses args into fs, which holds c's flags (RegisterFlags) and the game's own.
// Then every flag not on the command line takes the value of its environment variable, if
// that is set and not empty: envPrefix followed by the flag's name in upper case with _ for
// -, so with envPrefix "TANKARENA_" -max-payload falls back to TANKARENA_MAX_PAYLOAD (and a
// boolean flag is on with =1). -addr falls back to PORT after that. Each flag's usage names
// its variable. Last, c is validated. The errors name the flag or variable at fault.
func (c *Config) ParseFlags(fs *flag.FlagSet, args []string, envPrefix string) error {
	c.envPrefix = envPrefix
	fs.VisitAll(func(f *flag.Flag) {
		switch {
		case isBool(f):
			f.Usage += fmt.Sprintf(" (env %s=1)", envName(envPrefix, f.Name))
		case f.Name == "addr" && c.flags:
			f.Usage += fmt.Sprintf(" (env %s, or PORT)", envName(envPrefix, f.Name))
		default:
			f.Usage += fmt.Sprintf(" (env %s)", envName(envPrefix, f.Name))
		}
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{} // on the command line, or by the flag's variable
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var problems []string
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(envPrefix, f.Name)
		value := os.Getenv(name)
		if given[f.Name] || value == "" {
			return
		}
		if err := fs.Set(f.Name, value); err != nil {
			problems = append(problems, fmt.Sprintf("%s=%q (for -%s): %v", name, value, f.Name, err))
		}
		given[f.Name] = true
	})
	if port := os.Getenv("PORT"); port != "" && c.flags && !given["addr"] {
		c.Addr = ":" + port
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrBadEnvironment, strings.Join(problems, "; "))
	}
	return c.Validate()
}

// isBool reports whether f is a boolean flag, one given without a value.
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// envName is the environment variable of the flag name: -max-payload is PREFIX_MAX_PAYLOAD.
func envName(prefix, flagName string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Validate reports every setting out of its range, in one error that wraps
// ErrInvalidConfig.
func (c *Config) Validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if c.MaxPayload < MinPayload {
		bad("max-payload %d: need at least %d bytes, what the protocol itself needs", c.MaxPayload, MinPayload)
	}
	if c.MaxConnections < 1 {
		bad("max-connections %d: need at least 1", c.MaxConnections)
	}
	if c.MaxConnectionsPerIP < 1 {
		bad("max-connections-per-ip %d: need at least 1", c.MaxConnectionsPerIP)
	}
	if c.HandshakeRate < 0 {
		bad("handshake-rate %d: need 0 (no limit) or more", c.HandshakeRate)
	}
	for _, o := range c.AllowedOrigins {
		if u, err := url.Parse(o); o != "*" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "") {
			bad("allowed-origins %q: need scheme://host[:port], as a browser sends it (e.g. http://game.lan:3000), or *", o)
		}
	}
	if c.Redis != "" {
		if _, err := redis.ParseURL(c.Redis); err != nil {
			bad("redis %q: need redis://[user:password@]host[:port][/db] (%v)", c.Redis, err)
		}
	}
	if c.PublicURL != "" && !validNodeURL(c.PublicURL) {
		bad("public-url %q: need http(s)://host[:port], where browsers reach this node", c.PublicURL)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(problems, "; "))
	}
	return nil
}

// howToAllowHost tells an operator how to make the server answer to name.
func (c *Config) howToAllowHost(name string) string {
	switch {
	case c.flags && c.envPrefix != "":
		return fmt.Sprintf("start it with -allowed-hosts %s (or %s=%s)", name, envName(c.envPrefix, "allowed-hosts"), name)
	case c.flags:
		return "start it with -allowed-hosts " + name
	default:
		return "add it to the server's allowed hosts"
	}
}

// listFlag is a comma-separated list flag: its entries trimmed, empty ones dropped. Each use
// replaces the list.
type listFlag []string

func (l *listFlag) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(*l, ",")
}

func (l *listFlag) Set(list string) error {
	*l = nil
	for _, entry := range strings.Split(list, ",") {
		if entry = strings.TrimSpace(entry); entry != "" {
			*l = append(*l, entry)
		}
	}
	return nil
}
