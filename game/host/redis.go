package host

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"tankarena/realtime/redisadapter"
)

// Redis link timings: how long the first connection may take before the server refuses to
// start, and how often the link is checked afterwards for /healthz and /metrics.
const (
	redisDialTimeout = 5 * time.Second
	redisCheckEvery  = time.Second
	redisPingTimeout = time.Second
)

// redisLink is the server's membership of a cluster (-redis): the adapter's node, and a
// watch on whether Redis answers. While it does not, the node's games go on for the players
// connected to it; only what crosses between nodes is lost, and counted.
type redisLink struct {
	node *redisadapter.Node
	addr string // host:port, for messages (the URL may hold a password)
	log  *slog.Logger

	up   atomic.Bool
	stop chan struct{}
	done sync.WaitGroup
}

// dialRedis connects to the Redis at url and starts watching it. Redis not answering is an
// error naming its address: a node that quietly ran alone would split the cluster.
func dialRedis(url string, log *slog.Logger) (*redisLink, error) {
	addr := url
	if o, err := redis.ParseURL(url); err == nil { // Config.Validate checked it
		addr = o.Addr
	}
	// go-redis logs on its own (a line per failed dial while Redis is away); one logger per
	// process, so the server that uses Redis takes it.
	redisadapter.SetRedisLogger(log)
	ctx, cancel := context.WithTimeout(context.Background(), redisDialTimeout)
	defer cancel()
	node, err := redisadapter.New(ctx, redisadapter.Options{URL: url, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("host: -redis: %w", err) // it names the address
	}
	l := &redisLink{node: node, addr: addr, log: log, stop: make(chan struct{})}
	l.up.Store(true)
	l.done.Add(1)
	go l.watch()
	log.Info("cluster: on Redis", "addr", addr, "node", node.UID())
	return l, nil
}

// watch pings Redis every redisCheckEvery and logs when it goes away and comes back.
func (l *redisLink) watch() {
	defer l.done.Done()
	tick := time.NewTicker(redisCheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), redisPingTimeout)
		err := l.node.Ping(ctx)
		cancel()
		switch up := err == nil; {
		case !up && l.up.Swap(false):
			l.log.Warn("cluster: Redis unreachable; games go on locally, broadcasts to other nodes are lost (counted) until it is back", "addr", l.addr, "err", err)
		case up && !l.up.Swap(true):
			l.log.Info("cluster: Redis reachable again", "addr", l.addr)
		}
	}
}

// health is the /healthz line: "ok", or why the node is degraded.
func (l *redisLink) health() string {
	if l == nil || l.up.Load() {
		return "ok"
	}
	return "degraded: redis unreachable at " + l.addr
}

// close stops watching and leaves the cluster.
func (l *redisLink) close() {
	close(l.stop)
	l.done.Wait()
	if err := l.node.Close(); err != nil {
		l.log.Warn("cluster: closing the Redis connection", "err", err)
	}
}

// metrics are the link's series: whether Redis answers, and the adapter's counters.
func (l *redisLink) metrics(namespace string) []prometheus.Collector {
	m := statsMetrics[redisadapter.Stats]{namespace, l.node.Stats}
	const help = "Messages between nodes through Redis, by outcome: published, and not " +
		"(dropped: publish queue full, failed: Redis away, unencodable); received from other " +
		"nodes, and ignored (own: this node's echo, malformed, foreign: not for this node)."
	outcome := func(name string, field func(*redisadapter.Stats) uint64) prometheus.Collector {
		return m.counter("redis_messages_total", help, prometheus.Labels{"outcome": name},
			func(s *redisadapter.Stats) int64 { return int64(field(s)) })
	}
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: "redis_up",
			Help: "1 while Redis answers (checked every second), 0 while it does not: the node runs its games alone."},
			func() float64 {
				if l.up.Load() {
					return 1
				}
				return 0
			}),
		outcome("published", func(s *redisadapter.Stats) uint64 { return s.Published }),
		outcome("dropped", func(s *redisadapter.Stats) uint64 { return s.Dropped }),
		outcome("failed", func(s *redisadapter.Stats) uint64 { return s.Failed }),
		outcome("unencodable", func(s *redisadapter.Stats) uint64 { return s.Unencodable }),
		outcome("received", func(s *redisadapter.Stats) uint64 { return s.Received }),
		outcome("own", func(s *redisadapter.Stats) uint64 { return s.Own }),
		outcome("malformed", func(s *redisadapter.Stats) uint64 { return s.Malformed }),
		outcome("foreign", func(s *redisadapter.Stats) uint64 { return s.Foreign }),
	}
}
