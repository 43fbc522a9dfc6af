// Package engineio is an Engine.IO protocol v4 server: the transport layer under Socket.IO,
// compatible with the official engine.io-client v6 (and so socket.io-client v4).
//
// A client opens a session with a handshake, over HTTP long-polling
// (GET <path>?EIO=4&transport=polling) or directly over websocket
// (transport=websocket), and gets an open packet with its session id and the heartbeat
// settings. A polling session may then upgrade to websocket: the client probes a new
// websocket ("2probe" / "3probe"), pauses polling, and sends "5"; packets queued meanwhile
// go out over the websocket afterwards, so message order survives the upgrade.
//
// The server pings every PingInterval and closes sessions whose pong is later than
// PingTimeout. Every session has one outgoing queue, bounded in messages (SendQueueSize) and
// in bytes queued or being written (SendQueueBytes); Send never blocks, and a client too slow
// to drain its queue, or whose writes stall past WriteTimeout, is closed rather than allowed
// to hold memory or goroutines.
//
// Bad input (unknown transports or sessions, wrong protocol versions, malformed packets,
// oversize bodies, overlapping polls) gets the reference server's HTTP error or closes only
// the offending session; it is logged at Debug level and never panics.
//
// Handshakes are refused once Options.MaxConnections sessions are open (HTTP 503, JSON
// {"code":100,"message":"Server full"}) or Options.MaxConnectionsPerIP are open from the
// client's address (an IPv6 client's /64, see AddressKey; HTTP 429, {"code":101,"message":"Too many connections from this
// address"}), and, if Options.HandshakeRatePerIP is set, when one address opens sessions
// faster than that (HTTP 429 with Retry-After, {"code":102,...}). Codes 100 to 102 are this
// server's own; the reference uses 0-5.
//
// Server.Stats returns counters (open sessions, handshakes, upgrades, closes by reason,
// refusals by cause, traffic, drops and errors) for metrics; they are atomics, so keeping
// them costs the hot paths no lock.
//
// Websocket frames are read and written by the session itself; gorilla/websocket only
// performs the upgrade. Writes go through per-server flusher goroutines (one per P), each
// writing a session's whole queue with one non-blocking write, so a busy server makes fewer,
// bigger writes; only a session whose socket is full gets a writer goroutine of its own,
// which waits up to WriteTimeout. A websocket with no message for half a second gives up
// its reader goroutine and read buffer: on Linux one epoll-watching goroutine per server
// starts a reader again when data arrives. So an idle session costs a few timers, its
// struct and the parts of its handshake request Session.Request returns (see
// BenchmarkIdleWebSocketMemory), not a goroutine.
//
// Usage with chi:
//
//	eio := engineio.NewServer(engineio.Options{})
//	eio.OnConnection(func(s *engineio.Session) {
//		s.OnMessage(func(m engineio.Message) { _ = s.Send(m) })
//	})
//	router.Handle("/socket.io/*", eio)
package engineio
