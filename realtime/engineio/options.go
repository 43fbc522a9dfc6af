package engineio

import (
	"log/slog"
	"math"
	"net/http"
	"slices"
	"time"
)

// Transport names as they appear in the "transport" query parameter.
const (
	TransportPolling   = "polling"
	TransportWebSocket = "websocket"
)

// Options configures a Server. The zero value of every field means the reference server's
// default, so Options{} behaves like `new engine.io.Server()` mounted at /socket.io/.
type Options struct {
	Path            string        // default "/socket.io/"
	PingInterval    time.Duration // default 25s
	PingTimeout     time.Duration // default 20s
	UpgradeTimeout  time.Duration // default 10s
	MaxPayload      int64         // bytes; default 1_000_000 (reference maxHttpBufferSize)
	Transports      []string      // default {"polling", "websocket"}
	DisableUpgrades bool          // reference allowUpgrades defaults to true
	// AllowRequest vets every handshake; a non-nil error answers HTTP 403
	// {"code":4,"message":"Forbidden"} (a websocket handshake: HTTP 400 "Forbidden", as in
	// the reference) and no session is created.
	AllowRequest func(r *http.Request) error
	CORS         CORSOptions // for polling responses (origins allow-list, credentials)
	// CheckOrigin vets websocket handshakes and upgrades; nil allows requests without an
	// Origin header, same-origin requests and origins allowed by CORS. A refusal answers
	// HTTP 400 "Forbidden", as the reference answers every refused upgrade.
	CheckOrigin   func(r *http.Request) bool
	SendQueueSize int // bounded per-session outgoing queue, in messages; default 1024
	// SendQueueBytes bounds a session's backlog in bytes (default DefaultSendQueueBytes, at
	// most math.MaxInt32): the data of the messages queued and of those its transport is
	// still writing. A Send that would take the backlog over it closes the session, as an
	// overflow of SendQueueSize does, and SendVolatile drops instead. Both transports count
	// the same bytes: a polling session that does not poll and a websocket that does not
	// read are closed alike.
	SendQueueBytes int
	WriteTimeout   time.Duration // a single network write blocked longer closes the session; default 10s
	// MaxConnections caps the sessions open at once on this server (default 10000). A
	// handshake beyond it gets HTTP 503 {"code":100,"message":"Server full"}; polling
	// websocket upgrades are not new sessions and are never refused for it.
	MaxConnections int
	// MaxConnectionsPerIP caps the sessions open at once from one client address (default
	// 64: generous, since a whole LAN party may share one NAT address). A handshake beyond
	// it gets HTTP 429 {"code":101,"message":"Too many connections from this address"}.
	// An IPv6 client's address is its /64 (AddressKey), here and for HandshakeRatePerIP.
	MaxConnectionsPerIP int
	// HandshakeRatePerIP caps how fast one client address may open sessions, in handshakes
	// a second on average, with bursts of up to HandshakeBurstPerIP (default: two seconds'
	// worth, at least 1). A handshake beyond it gets HTTP 429 {"code":102,"message":"Too
	// many handshakes from this address, retry later"} and a Retry-After header. 0, the
	// default, means no limit, as in the reference server. MaxConnectionsPerIP bounds what
	// an address holds; this bounds what a client that connects and leaves in a loop costs.
	HandshakeRatePerIP  float64
	HandshakeBurstPerIP int
	// TrustProxyHeaders takes the client address from the last X-Forwarded-For entry
	// instead of the connection's peer. Only set it behind exactly one reverse proxy that
	// appends that header, otherwise clients choose their own address.
	TrustProxyHeaders bool
	Logger            *slog.Logger // default slog.Default(); bad input is logged at Debug
}

// DefaultSendQueueBytes is the default Options.SendQueueBytes. It is 4 messages of the
// reference's largest (maxHttpBufferSize, 1 MB), so an application relaying client messages
// has room for bursts of them, and far above a healthy client's backlog (a game's reliable
// events are a few KiB; its snapshots are volatile and never queue). Without it a client
// that stopped reading held up to SendQueueSize messages of any size: 95 MB for a polling
// session that never polled, 183 MB for a websocket, in the measurements that set it.
const DefaultSendQueueBytes = 4 << 20

// CORSOptions controls the Cross-Origin Resource Sharing headers of polling responses, which
// a browser needs when the page is served from another origin than the Engine.IO endpoint.
// With no AllowedOrigins no CORS headers are sent (the reference's default).
type CORSOptions struct {
	// AllowedOrigins lists exact origins ("http://192.168.1.5:3000"); "*" allows any origin.
	AllowedOrigins []string
	// AllowOrigin, if not nil, allows the origins it reports true for besides AllowedOrigins:
	// a list that changes while the server runs (the nodes of a cluster, say).
	AllowOrigin func(origin string) bool
	// AllowCredentials lets browsers send cookies; the request's origin is then echoed
	// instead of "*", as browsers demand.
	AllowCredentials bool
	// AllowedMethods answers preflights (Access-Control-Allow-Methods); empty means GET,
	// HEAD, PUT, PATCH, POST, DELETE, the default of the cors package the reference server
	// uses. Engine.IO itself needs only GET and POST.
	AllowedMethods []string
	// AllowedHeaders answers preflights; empty echoes the headers the browser asks for.
	AllowedHeaders []string
}

// withDefaults returns o with every zero field replaced by the reference default.
func (o Options) withDefaults() Options {
	if o.Path == "" {
		o.Path = "/socket.io/"
	}
	if o.PingInterval <= 0 {
		o.PingInterval = 25 * time.Second
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 20 * time.Second
	}
	if o.UpgradeTimeout <= 0 {
		o.UpgradeTimeout = 10 * time.Second
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = 1_000_000
	}
	if len(o.Transports) == 0 {
		o.Transports = []string{TransportPolling, TransportWebSocket}
	}
	if o.SendQueueSize <= 0 {
		o.SendQueueSize = 1024
	}
	if o.SendQueueBytes <= 0 {
		o.SendQueueBytes = DefaultSendQueueBytes
	}
	o.SendQueueBytes = min(o.SendQueueBytes, math.MaxInt32) // sessions count their backlog in int32s
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = 10_000
	}
	if o.MaxConnectionsPerIP <= 0 {
		o.MaxConnectionsPerIP = 64
	}
	if !(o.HandshakeRatePerIP > 0) || math.IsInf(o.HandshakeRatePerIP, 1) {
		o.HandshakeRatePerIP = 0 // NaN, negative or +Inf: no limit
	} else if o.HandshakeBurstPerIP <= 0 {
		o.HandshakeBurstPerIP = int(max(1, min(math.Ceil(2*o.HandshakeRatePerIP), 1<<30)))
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// transportEnabled reports whether name is a known transport this server accepts.
func (o Options) transportEnabled(name string) bool {
	return (name == TransportPolling || name == TransportWebSocket) && slices.Contains(o.Transports, name)
}

// upgradesFrom lists the transports a session opened on transport may upgrade to, for the
// open packet.
func (o Options) upgradesFrom(transport string) []string {
	if transport == TransportPolling && !o.DisableUpgrades && o.transportEnabled(TransportWebSocket) {
		return []string{TransportWebSocket}
	}
	return []string{}
}
