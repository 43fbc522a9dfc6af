// Package redisadapter lets several realtime servers share their rooms through Redis, on the
// wire of the official Node adapter, @socket.io/redis-adapter 8 (channels, MessagePack and
// JSON messages as notepack.io writes them), so Go and Node servers can share one cluster.
//
//	node, err := redisadapter.New(ctx, redisadapter.Options{URL: "redis://localhost:6379/0"})
//	if err != nil { ... } // Redis unreachable: the error names the address
//	defer node.Close()
//	srv := realtime.NewServer(realtime.Options{NewAdapter: node.NewAdapter})
//
// Each namespace then gets an Adapter: rooms stay in memory (each node knows its own sockets),
// and every broadcast — rooms, except, volatile, with acks — is delivered locally and
// published for the other nodes, which deliver it to theirs. The other features of the
// reference are on the namespace's adapter (Of(ns)): ServerSideEmit and
// ServerSideEmitWithAck with OnServerSideEmit, FetchSockets, AllRooms, SocketsJoin,
// SocketsLeave and DisconnectSockets. A node answers all of the reference's requests, which
// Node servers rely on: each request waits for an answer from every subscribed node.
//
// # Faults
//
// Publishing goes through a bounded queue drained by one goroutine, in pipelines, so a
// broadcast never waits for Redis. While Redis is away go-redis reconnects with back-off
// and subscribes again by itself; the messages that could not cross meanwhile are counted
// (Stats.Dropped when the queue was full, Stats.Failed when Redis refused them) and not
// kept. Malformed messages (and lengths larger than the message, nesting past 64 levels)
// and foreign ones (another namespace, unknown requests, answers to other nodes) are
// ignored and counted, never a panic.
//
// # Differences from the reference
//
// A broadcast with acks to a socket of another node that disconnects before answering makes
// the sender wait for its timeout, as with the reference (the wire has no message for it);
// on one node such a socket settles at once. Acks of other nodes' broadcasts get ids from
// 2^40 up, apart from the namespace's own. The handshake that FetchSockets reports for a Go
// socket has the reference's fields; its data is null (realtime sockets carry no data).
package redisadapter
