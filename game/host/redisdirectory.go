package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"tankarena/game"
)

// The room directory in Redis (-redis). Each node writes its registration (game.NodeInfo, as
// JSON) under <namespace>:directory:node:<node id> every directoryBeat, to expire after
// directoryExpiry, and its id into the set <namespace>:directory:nodes, the index readers
// list (no SCAN of a keyspace other programs may share; an id whose entry expired is taken
// out by the next reader): a node that stops or dies leaves the directory by itself within that, and
// the other nodes, which read every registration at each beat, stop sending players to it
// within directoryExpiry+directoryBeat (under 5 s). A seat reservation is a key
// <namespace>:directory:seat:<token> holding a game.Reservation, which the node it names
// takes (GETDEL) once, within game.ReservationTTL.
//
// While Redis is away the node sees itself alone: its players play here, its own games go on,
// and at the first beat after Redis is back it registers again.
const (
	directoryBeat   = time.Second
	directoryExpiry = 3 * time.Second
	directoryOpTime = time.Second // one Redis round of the beat
	// maxEntryBytes, maxRoomsPerEntry and maxField bound what a registration read from Redis
	// may hold; an entry beyond them is malformed.
	maxEntryBytes    = 1 << 20
	maxRoomsPerEntry = 4096
	maxLeaders       = 64
	maxField         = 256
)

// errMalformedEntry is what decodeNodeInfo's errors wrap.
var errMalformedEntry = errors.New("malformed directory entry")

// directoryStats are the directory's counters, for /metrics.
type directoryStats struct {
	beats, beatsFailed, malformed          atomic.Int64
	reserved, claimed, unclaimed, notOurs  atomic.Int64
	registeredNodes, registeredRoomsOthers atomic.Int64
}

// redisDirectory is the room directory of a cluster, in Redis (see above).
type redisDirectory struct {
	client   *redis.Client
	prefix   string // <namespace>:directory:
	key      string // this node's registration
	index    string // the set of the nodes' ids
	id       string
	register func(url string) game.NodeInfo
	log      *slog.Logger
	stats    directoryStats

	mu      sync.Mutex
	self    string          // this node's public URL; set by start
	nodes   []game.NodeInfo // as of the last beat
	origins map[string]bool // the nodes' origins (scheme://host:port), lower case
	up      bool            // the last beat reached Redis

	stop chan struct{}
	done sync.WaitGroup
}

// newRedisDirectory is the directory on client for the game namespace; register is this
// node's registration (game.Lobby.Registration). It beats once start is called.
func newRedisDirectory(client *redis.Client, namespace, nodeID string, register func(string) game.NodeInfo, log *slog.Logger) *redisDirectory {
	prefix := namespace + ":directory:"
	return &redisDirectory{
		client: client, prefix: prefix, key: prefix + "node:" + nodeID, index: prefix + "nodes", id: nodeID,
		register: register, log: log,
		origins: map[string]bool{}, stop: make(chan struct{}),
	}
}

// start registers this node as reachable at self and beats until close.
func (d *redisDirectory) start(self string) {
	d.mu.Lock()
	d.self = self
	d.mu.Unlock()
	d.beat()
	d.done.Add(1)
	go func() {
		defer d.done.Done()
		tick := time.NewTicker(directoryBeat)
		defer tick.Stop()
		for {
			select {
			case <-d.stop:
				return
			case <-tick.C:
				d.beat()
			}
		}
	}()
}

// close stops beating and takes this node out of the directory at once.
func (d *redisDirectory) close() {
	select {
	case <-d.stop:
		return
	default:
	}
	close(d.stop)
	d.done.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), directoryOpTime)
	defer cancel()
	// If Redis is away the entry expires by itself, and a reader takes its id out.
	_, _ = d.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, d.key)
		p.SRem(ctx, d.index, d.id)
		return nil
	})
}

// beat writes this node's registration and reads everyone's.
func (d *redisDirectory) beat() {
	d.mu.Lock()
	self := d.self
	d.mu.Unlock()
	own := d.register(self)
	nodes, err := d.exchange(own)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.stats.beatsFailed.Add(1)
		if d.up {
			d.log.Warn("cluster: room directory unreachable; new players play on this node until Redis is back", "err", err)
		}
		d.up = false
		d.nodes = []game.NodeInfo{own}
		return
	}
	if !d.up {
		d.log.Info("cluster: registered in the room directory", "url", self, "nodes", len(nodes))
	}
	d.stats.beats.Add(1)
	d.up = true
	d.nodes = nodes
	d.origins = map[string]bool{}
	others := 0
	for _, n := range nodes {
		d.origins[originOf(n.URL)] = true
		if n.URL != self {
			others += len(n.Rooms)
		}
	}
	d.stats.registeredNodes.Store(int64(len(nodes)))
	d.stats.registeredRoomsOthers.Store(int64(others))
}

// exchange writes own and returns every live registration, own first.
func (d *redisDirectory) exchange(own game.NodeInfo) ([]game.NodeInfo, error) {
	data, err := json.Marshal(own)
	if err != nil {
		return nil, fmt.Errorf("encode registration: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), directoryOpTime)
	defer cancel()
	var members *redis.StringSliceCmd
	_, err = d.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, d.key, data, directoryExpiry)
		p.SAdd(ctx, d.index, d.id)
		members = p.SMembers(ctx, d.index)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	var ids, keys []string
	for _, id := range members.Val() {
		if id != d.id && len(id) <= maxField {
			ids, keys = append(ids, id), append(keys, d.prefix+"node:"+id)
		}
	}
	nodes := []game.NodeInfo{own}
	if len(keys) == 0 {
		return nodes, nil
	}
	values, err := d.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("read nodes: %w", err)
	}
	var gone []any
	for i, v := range values {
		s, ok := v.(string)
		if !ok {
			gone = append(gone, ids[i]) // stopped beating: its entry expired
			continue
		}
		n, err := decodeNodeInfo([]byte(s))
		if err != nil {
			if d.stats.malformed.Add(1) == 1 {
				d.log.Warn("cluster: ignoring a malformed room directory entry (counted in /metrics)", "key", keys[i], "err", err)
			}
			continue
		}
		nodes = append(nodes, n)
	}
	if len(gone) > 0 {
		// A node that beats again adds itself back; missing it for a beat is no harm.
		if err := d.client.SRem(ctx, d.index, gone...).Err(); err != nil {
			return nil, fmt.Errorf("drop expired nodes: %w", err)
		}
	}
	return nodes, nil
}

// decodeNodeInfo reads a registration from Redis, which any client of that Redis may have
// written: anything but a well-formed one, within bounds, is an error.
func decodeNodeInfo(data []byte) (game.NodeInfo, error) {
	var n game.NodeInfo
	if len(data) > maxEntryBytes {
		return n, fmt.Errorf("%w: %d bytes", errMalformedEntry, len(data))
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return game.NodeInfo{}, fmt.Errorf("%w: %w", errMalformedEntry, err)
	}
	if !validNodeURL(n.URL) {
		return game.NodeInfo{}, fmt.Errorf("%w: node URL %.80q", errMalformedEntry, n.URL)
	}
	if len(n.Rooms) > maxRoomsPerEntry {
		return game.NodeInfo{}, fmt.Errorf("%w: %d rooms", errMalformedEntry, len(n.Rooms))
	}
	for i := range n.Rooms {
		r := &n.Rooms[i]
		if r.ID == "" || len(r.ID) > maxField || len(r.Kind) > maxField || r.Players < 0 || r.Capacity < 0 || len(r.Leaders) > maxLeaders {
			return game.NodeInfo{}, fmt.Errorf("%w: room %d", errMalformedEntry, i)
		}
		for _, l := range r.Leaders {
			if len(l.Name) > maxField {
				return game.NodeInfo{}, fmt.Errorf("%w: room %d: a leader's name of %d bytes", errMalformedEntry, i, len(l.Name))
			}
		}
		r.Node = n.URL // a room is where its node is, whatever the entry says
	}
	return n, nil
}

// validNodeURL reports whether s is an http(s) URL with a host and no more: where browsers
// are sent, so never a javascript: or data: URL.
func validNodeURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && len(s) <= maxField && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && strings.Trim(u.Path, "/") == "" && u.RawQuery == "" && u.Fragment == ""
}

// originOf is the browser origin of a node URL, lower case.
func originOf(nodeURL string) string {
	u, err := url.Parse(nodeURL)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// Self is this node's public URL.
func (d *redisDirectory) Self() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.self
}

// Nodes is every registration as of the last beat.
func (d *redisDirectory) Nodes() []game.NodeInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nodes
}

// allowsOrigin reports whether origin is a node of the cluster: its pages send players here.
func (d *redisDirectory) allowsOrigin(origin string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return origin != "" && d.origins[strings.ToLower(origin)]
}

// Reserve stores r for its node, to be claimed once within game.ReservationTTL.
func (d *redisDirectory) Reserve(ctx context.Context, r game.Reservation) (string, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("host: encode reservation: %w", err)
	}
	token := uuid.NewString() // 122 random bits: unguessable
	ok, err := d.client.SetNX(ctx, d.prefix+"seat:"+token, data, game.ReservationTTL).Result()
	if err != nil {
		return "", fmt.Errorf("host: reserve a seat on %s: %w", r.Node, err)
	}
	if !ok {
		return "", errors.New("host: reserve a seat: token taken") // 2⁻¹²² unlikely
	}
	d.stats.reserved.Add(1)
	return token, nil
}

// Claim takes the reservation of token if it was made for this node.
func (d *redisDirectory) Claim(ctx context.Context, token string) (game.Reservation, error) {
	if _, err := uuid.Parse(token); err != nil || len(token) != 36 {
		d.stats.unclaimed.Add(1)
		return game.Reservation{}, game.ErrNoReservation
	}
	data, err := d.client.GetDel(ctx, d.prefix+"seat:"+token).Bytes()
	if errors.Is(err, redis.Nil) {
		d.stats.unclaimed.Add(1)
		return game.Reservation{}, game.ErrNoReservation
	}
	if err != nil {
		return game.Reservation{}, fmt.Errorf("host: claim a seat reservation: %w", err)
	}
	var r game.Reservation
	if err := json.Unmarshal(data, &r); err != nil || r.Node != d.Self() {
		d.stats.notOurs.Add(1)
		return game.Reservation{}, game.ErrNoReservation
	}
	d.stats.claimed.Add(1)
	return r, nil
}

// metrics are the directory's series on /metrics.
func (d *redisDirectory) metrics(namespace string) []prometheus.Collector {
	read := func(c *atomic.Int64) func() float64 { return func() float64 { return float64(c.Load()) } }
	counter := func(name, help string, labels prometheus.Labels, c *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help, ConstLabels: labels}, read(c))
	}
	gauge := func(name, help string, c *atomic.Int64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, read(c))
	}
	const beatHelp = "Room directory heartbeats (every second: this node's rooms written to Redis, everyone's read), by outcome."
	const seatHelp = "Seat reservations for players sent to another node: reserved here for another node, " +
		"claimed here, and unclaimed (unknown or expired token) or not ours (made for another node)."
	return []prometheus.Collector{
		counter("directory_beats_total", beatHelp, prometheus.Labels{"outcome": "ok"}, &d.stats.beats),
		counter("directory_beats_total", beatHelp, prometheus.Labels{"outcome": "failed"}, &d.stats.beatsFailed),
		counter("directory_malformed_entries_total", "Room directory entries in Redis ignored as malformed.", nil, &d.stats.malformed),
		counter("directory_reservations_total", seatHelp, prometheus.Labels{"outcome": "reserved"}, &d.stats.reserved),
		counter("directory_reservations_total", seatHelp, prometheus.Labels{"outcome": "claimed"}, &d.stats.claimed),
		counter("directory_reservations_total", seatHelp, prometheus.Labels{"outcome": "unclaimed"}, &d.stats.unclaimed),
		counter("directory_reservations_total", seatHelp, prometheus.Labels{"outcome": "not_ours"}, &d.stats.notOurs),
		gauge("directory_nodes", "Nodes in the room directory as of the last heartbeat, this one included.", &d.stats.registeredNodes),
		gauge("directory_remote_rooms", "Rooms of the other nodes in the room directory as of the last heartbeat.", &d.stats.registeredRoomsOthers),
	}
}
