package redisadapter

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"tankarena/realtime"
)

// Options configures a Node.
type Options struct {
	// URL names the Redis server, e.g. redis://localhost:6379/0 (see redis.ParseURL).
	URL string
	// Key prefixes every channel; empty means DefaultKey, the reference's default. Nodes
	// cooperate only when they use the same key.
	Key string
	// RequestTimeout bounds how long a request to the other nodes (server-side emits with an
	// answer, socket queries) waits for their answers; zero means 5 s, the reference's default.
	RequestTimeout time.Duration
	// QueueSize bounds the messages waiting to be published. While Redis is slow or away, the
	// broadcasts past it are dropped and counted (Stats.Dropped) instead of piling up in
	// memory; zero means 4096.
	QueueSize int
	// Logger receives the adapter's warnings; nil means slog.Default().
	Logger *slog.Logger
}

// Node is this process's membership of a cluster of Socket.IO servers sharing one Redis: one
// publishing connection pool and one subscribing connection for all its namespaces. Its
// NewAdapter goes into realtime.Options.NewAdapter.
type Node struct {
	opts   Options
	uid    string
	client *redis.Client
	sub    *redis.PubSub
	log    *slog.Logger
	stats  counters

	out    chan outgoing // the bounded publish queue
	stop   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup

	mu       sync.RWMutex
	channels map[string]*Adapter // subscribed channel or pattern -> its namespace's adapter

	calls calls // requests of this node waiting for answers
}

// New connects to Redis and starts the node. It fails, naming the address, when Redis cannot
// be reached, so that a misconfigured node stops instead of running alone. After that, a lost
// connection is retried with back-off for as long as the node runs.
func New(ctx context.Context, opts Options) (*Node, error) {
	ropts, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("redisadapter: redis address %q: %w", opts.URL, err)
	}
	if opts.Key == "" {
		opts.Key = DefaultKey
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 5 * time.Second
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 4096
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	client := redis.NewClient(ropts)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("redisadapter: redis at %s: %w", ropts.Addr, err)
	}
	n := &Node{
		opts:     opts,
		uid:      newID(9),
		client:   client,
		log:      opts.Logger.With("component", "redisadapter"),
		out:      make(chan outgoing, opts.QueueSize),
		stop:     make(chan struct{}),
		channels: make(map[string]*Adapter),
	}
	n.calls.pending = make(map[string]*call)
	// The subscriber connection is dialled lazily by go-redis; subscribing with no channel
	// yet keeps it ready for the namespaces, which subscribe as they are made.
	n.sub = client.Subscribe(context.Background())
	messages := n.sub.Channel(redis.WithChannelSize(1024))
	n.wg.Add(2)
	go n.publishLoop()
	go n.receiveLoop(messages)
	return n, nil
}

// UID is this node's id on the channels.
func (n *Node) UID() string { return n.uid }

// Client is the node's Redis client, for other uses of the same server (a room directory).
func (n *Node) Client() *redis.Client { return n.client }

// NewAdapter is the node's realtime.Options.NewAdapter: each namespace gets an adapter that
// keeps its rooms in memory and relays its broadcasts through Redis.
func (n *Node) NewAdapter(local realtime.Local) realtime.Adapter {
	a := &Adapter{
		Adapter: realtime.NewMemoryAdapter(local),
		node:    n,
		local:   local,
		ch:      newChannels(n.opts.Key, local.Name(), n.uid),
	}
	n.mu.Lock()
	n.channels[a.ch.broadcast+"*"] = a
	n.channels[a.ch.request] = a
	n.channels[a.ch.response] = a
	n.channels[a.ch.specific] = a
	n.mu.Unlock()
	// go-redis remembers the subscriptions even when this first attempt fails, and makes
	// them again on every reconnect.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.sub.PSubscribe(ctx, a.ch.broadcast+"*"); err != nil {
		n.log.Warn("subscribe failed; retried on reconnect", "namespace", local.Name(), "err", err)
	}
	if err := n.sub.Subscribe(ctx, a.ch.request, a.ch.response, a.ch.specific); err != nil {
		n.log.Warn("subscribe failed; retried on reconnect", "namespace", local.Name(), "err", err)
	}
	return a
}

// Close stops the node: it unsubscribes, publishes nothing more and closes its connections.
// Broadcasts still queued are dropped.
func (n *Node) Close() error {
	var err error
	n.closed.Do(func() {
		close(n.stop)
		err = errors.Join(n.sub.Close())
		n.wg.Wait()
		err = errors.Join(err, n.client.Close())
	})
	return err
}

// ServerCount is the number of nodes subscribed to namespace nsp, this one included, as the
// reference counts them: the subscribers of its request channel.
func (n *Node) ServerCount(ctx context.Context, nsp string) (int, error) {
	ch := newChannels(n.opts.Key, nsp, n.uid).request
	counts, err := n.client.PubSubNumSub(ctx, ch).Result()
	if err != nil {
		return 0, fmt.Errorf("redisadapter: count servers: %w", err)
	}
	return int(counts[ch]), nil
}

// Ping checks that Redis answers, for a health check.
func (n *Node) Ping(ctx context.Context) error {
	if err := n.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisadapter: ping: %w", err)
	}
	return nil
}

// newID returns a random id of 4/3·size URL-safe characters, like the reference's uid2.
func newID(size int) string {
	b := make([]byte, size)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
