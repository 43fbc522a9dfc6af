package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/realtime/client"
)

// team is the game mode's bot players: each connects, joins an arena and then sends one
// input per simulation tick, like a browser does, while its snapshots are counted.
//
// Inputs are sent by a few sender goroutines, each ticking at the tick rate for its share of
// the players, rather than one timer per player: a thousand timers firing 60 times a second
// would cost the load generator more than the server spends on the inputs.
type team struct {
	urls      []string // player i joins on urls[i % len(urls)]
	base      websocket.Dialer
	perSource int // players per loopback source address; 0: the system's choice

	players connections[*player]
	// spectators watch rooms without playing (spectators.go).
	spectators     connections[*spectator]
	spectateFailed atomic.Int64

	joinFailed   atomic.Int64
	refusedBusy  atomic.Int64 // joins refused "server busy" (among joinFailed)
	disconnected atomic.Int64
	notSent      atomic.Uint64 // inputs the client's send queue refused
	// worstStall is the longest a sender's tick came late since it was last taken, in
	// nanoseconds: a stall of the whole machine shows here as in the server's skipped ticks.
	worstStall atomic.Int64
}

// player is one bot. Its counters are written by its reader goroutine; seq and controls
// belong to the sender goroutine that owns it.
type player struct {
	m *client.Manager
	s *client.Socket

	snapshots     atomic.Uint64
	snapshotBytes atomic.Uint64

	seq      uint32
	controls []byte // `,throttle,turn,aim,fire]`: the input after its seq
	buf      []byte
	rng      *rand.Rand
}

// newTeam prepares players for the servers at rawURLs (one, or the nodes of a cluster). When
// the servers are on loopback IPv4 addresses and perSource > 0, players connect from
// 127.0.0.2, 127.0.0.3, … with at most perSource on each, as players on a LAN come from their
// own machines: the server's per-address connection limit then counts them as it would count
// real players.
func newTeam(rawURLs []string, readBuffer, perSource int) (*team, error) {
	if len(rawURLs) == 0 {
		return nil, errors.New("loadgen: no server URL")
	}
	for _, rawURL := range rawURLs {
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("loadgen: %w", err)
		}
		if ip := net.ParseIP(u.Hostname()); ip == nil || ip.To4() == nil || !ip.IsLoopback() {
			perSource = 0
		}
	}
	return &team{
		urls:      rawURLs,
		perSource: max(perSource, 0),
		base:      websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: readBuffer, WriteBufferPool: &sync.Pool{}},
	}, nil
}

// dialerFor returns the dialer of player number i, bound to its source address.
func (t *team) dialerFor(i int) (*websocket.Dialer, error) {
	if t.perSource == 0 {
		return &t.base, nil
	}
	n := i/t.perSource + 2 // 127.0.0.2 onwards
	if n >= 1<<16-1 {
		return nil, fmt.Errorf("loadgen: player %d: out of loopback source addresses", i)
	}
	d := t.base
	local := &net.TCPAddr{IP: net.IPv4(127, 0, byte(n>>8), byte(n))}
	d.NetDialContext = (&net.Dialer{LocalAddr: local, Timeout: 30 * time.Second}).DialContext
	return &d, nil
}

func (t *team) size() int { return len(t.players.list()) }

// connected counts joined players that have not been disconnected.
func (t *team) connected() int { return t.size() - int(t.disconnected.Load()) }

// grow adds players until the team has n, at most concurrency joining at a time. It returns
// how many attempts failed.
func (t *team) grow(ctx context.Context, n, concurrency int, timeout time.Duration) (failed int) {
	start := t.size()
	if n <= start {
		return 0
	}
	work := make(chan int, n-start)
	for i := start; i < n; i++ {
		work <- i
	}
	close(work)
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range min(concurrency, n-start) {
		wg.Go(func() {
			for i := range work {
				if ctx.Err() != nil || t.joinOne(ctx, i, timeout) != nil {
					failures.Add(1)
				}
			}
		})
	}
	wg.Wait()
	t.joinFailed.Add(failures.Load())
	return int(failures.Load())
}

// joinOne connects player number i and joins it to an arena. A node of a cluster may place it
// in a room of another node: then, as the page does, it connects there and joins with the
// seat reservation it was given, at most maxRedirects times.
func (t *team) joinOne(ctx context.Context, i int, timeout time.Duration) error {
	d, err := t.dialerFor(i)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	join := map[string]string{"name": "bot " + strconv.Itoa(i), "token": ""}
	node := t.urls[i%len(t.urls)]
	for hop := 0; ; hop++ {
		redirect, err := t.tryJoin(ctx, i, d, node, join)
		if err != nil || redirect == nil {
			return err
		}
		if hop == maxRedirects {
			return fmt.Errorf("loadgen: join sent on more than %d times", maxRedirects)
		}
		node, join["seat"] = redirect.URL, redirect.Seat
	}
}

// maxRedirects bounds the nodes a join may be sent on to, as the page bounds them.
const maxRedirects = 3

// redirect is a join answer placing the player on another node (game.Redirect).
type redirect struct {
	URL  string `json:"url"`
	Seat string `json:"seat"`
}

// tryJoin connects player number i to the node at URL node and joins; a redirect answer comes
// back, its connection closed, for the caller to follow.
func (t *team) tryJoin(ctx context.Context, i int, d *websocket.Dialer, node string, join map[string]string) (*redirect, error) {
	m, err := client.NewManager(node, client.Options{Dialer: d})
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	s, err := m.Socket("/", nil)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	p := &player{m: m, s: s, rng: rand.New(rand.NewPCG(uint64(i), 0x7a4e))}
	p.steer()
	s.On("snapshot", func(ev *client.Event) {
		var n int
		for _, a := range ev.Attachments() {
			n += len(a)
		}
		p.snapshots.Add(1)
		p.snapshotBytes.Add(uint64(n))
	})
	if err := s.Connect(ctx); err != nil {
		m.Close()
		return nil, fmt.Errorf("loadgen: connect: %w", err)
	}
	reply, err := s.EmitWithAck(ctx, "join", join)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("loadgen: join: %w", err)
	}
	var ack struct {
		ID       *int      `json:"id"`
		Seq      uint32    `json:"seq"`
		Error    string    `json:"error"`
		Redirect *redirect `json:"redirect"`
	}
	if err := reply.Decode(0, &ack); err != nil {
		m.Close()
		return nil, fmt.Errorf("loadgen: join ack: %w", err)
	}
	if ack.Redirect != nil && ack.Redirect.URL != "" {
		m.Close()
		return ack.Redirect, nil
	}
	if ack.Error != "" || ack.ID == nil {
		m.Close()
		if strings.Contains(ack.Error, busyRefusal) {
			t.refusedBusy.Add(1)
		}
		return nil, fmt.Errorf("loadgen: join refused: %q", ack.Error)
	}
	p.seq = ack.Seq
	s.OnDisconnect(func(string) { t.disconnected.Add(1) })
	t.players.add(p)
	return nil, nil
}

// busyRefusal is in the join answer of a game server that measures itself busy
// (game.ErrServerBusy).
const busyRefusal = "server busy"

// steer picks new controls: mostly driving, turning a little, aiming somewhere, firing a
// third of the time, so that tanks move, collide and fight as in a real match.
func (p *player) steer() {
	throttle := []string{"1", "1", "0.5", "-0.5", "0"}[p.rng.IntN(5)]
	turn := []string{"0", "0", "0.5", "-0.5", "1", "-1"}[p.rng.IntN(6)]
	aim := strconv.FormatFloat(p.rng.Float64()*2*3.14159-3.14159, 'f', 2, 64)
	fire := "0"
	if p.rng.IntN(3) == 0 {
		fire = "1"
	}
	p.controls = fmt.Appendf(p.controls[:0], ",%s,%s,%s,%s]", throttle, turn, aim, fire)
}

// sendInput sends the player's next input: [seq, throttle, turn, aim, fire].
func (p *player) sendInput(t *team) {
	p.seq++
	if p.seq%30 == 0 { // new controls twice a second at 60 Hz
		p.steer()
	}
	p.buf = append(strconv.AppendUint(append(p.buf[:0], '['), uint64(p.seq), 10), p.controls...)
	if err := p.s.Emit("input", json.RawMessage(p.buf)); err != nil {
		if errors.Is(err, client.ErrNotConnected) {
			return // counted as a disconnect
		}
		t.notSent.Add(1)
	}
}

// drive sends every player's inputs at hz until ctx ends, from senders goroutines, each
// owning every senders-th player and ticking at its own phase of the period.
func (t *team) drive(ctx context.Context, hz, senders int) *sync.WaitGroup {
	period := time.Second / time.Duration(hz)
	var wg sync.WaitGroup
	for k := range senders {
		wg.Go(func() {
			if err := sleep(ctx, period*time.Duration(k)/time.Duration(senders)); err != nil {
				return
			}
			tick := time.NewTicker(period)
			defer tick.Stop()
			last := time.Now()
			for {
				select {
				case <-ctx.Done():
					return
				case now := <-tick.C:
					t.noteStall(now.Sub(last) - period)
					last = now
				}
				players := t.players.list()
				for i := k; i < len(players); i += senders {
					players[i].sendInput(t)
				}
			}
		})
	}
	return &wg
}

func (t *team) noteStall(late time.Duration) {
	for {
		worst := t.worstStall.Load()
		if int64(late) <= worst || t.worstStall.CompareAndSwap(worst, int64(late)) {
			return
		}
	}
}

// takeStall returns the worst stall since the last call and starts over.
func (t *team) takeStall() time.Duration { return time.Duration(t.worstStall.Swap(0)) }

// received sums the snapshots and snapshot bytes every player has received so far, and
// returns each player's snapshot count (in join order) for per-client figures.
func (t *team) received() (snapshots, bytes uint64, each []uint64) {
	players := t.players.list()
	each = make([]uint64, len(players))
	for i, p := range players {
		each[i] = p.snapshots.Load()
		snapshots += each[i]
		bytes += p.snapshotBytes.Load()
	}
	return snapshots, bytes, each
}

// bytesIn sums the websocket payload bytes every player has received so far.
func (t *team) bytesIn() uint64 { return t.players.bytesIn() }

// close disconnects every player and spectator.
func (t *team) close() {
	t.players.close()
	t.spectators.close()
}
