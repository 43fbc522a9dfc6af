package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/arena"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// tally counts what the bots did, for the checks and the summary.
type tally struct {
	joins, reconnects, disconnects, malformed, vandalCycles atomic.Int64
	snapshots, inputs                                       atomic.Int64
	mu                                                      sync.Mutex
	errs                                                    []string
}

func (t *tally) fail(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.errs) < 20 {
		t.errs = append(t.errs, fmt.Sprintf(format, args...))
	}
}

// bot is an honest player: it joins, sends an input every tick and now and then drops its
// connection and comes back with its reconnect token.
type bot struct {
	url       string
	name      string
	tickRate  int
	dropEvery time.Duration // mean time between deliberate disconnects
	tally     *tally
	snapshots atomic.Int64 // received since the start
	connected atomic.Bool
}

// session is one connection's life: connect, join (with the token, if any), play until ctx
// ends or the bot decides to drop. It returns the token and tank id to come back with.
func (b *bot) session(ctx context.Context, token string, wantID int) (string, int, error) {
	m, err := client.NewManager(b.url, client.Options{})
	if err != nil {
		return token, wantID, err
	}
	defer m.Close()
	s, err := m.Socket("/", nil)
	if err != nil {
		return token, wantID, err
	}
	s.On("snapshot", func(*client.Event) {
		b.snapshots.Add(1)
		b.tally.snapshots.Add(1)
	})
	s.On("restart", func(*client.Event) { b.tally.fail("%s: arena restarted (a panic)", b.name) })
	cctx, cancel := context.WithTimeout(ctx, testenv.Patience(20*time.Second))
	defer cancel()
	if err := s.Connect(cctx); err != nil {
		return token, wantID, fmt.Errorf("connect: %w", err)
	}
	reply, err := s.EmitWithAck(cctx, "join", arena.JoinRequest{Name: b.name, Token: token})
	if err != nil {
		return token, wantID, fmt.Errorf("join: %w", err)
	}
	var ack arena.JoinAck
	if err := reply.Decode(0, &ack); err != nil || ack.Token == "" {
		return token, wantID, fmt.Errorf("join refused: %s", reply.Raw(0))
	}
	if token != "" {
		b.tally.reconnects.Add(1)
		if ack.ID != wantID || ack.Token != token {
			b.tally.fail("%s: reconnect with its token gave tank %d, want %d", b.name, ack.ID, wantID)
		}
	} else {
		b.tally.joins.Add(1)
	}
	b.connected.Store(true)
	defer b.connected.Store(false)

	drop := time.After(time.Duration(rand.ExpFloat64() * float64(b.dropEvery)))
	tick := time.NewTicker(time.Second / time.Duration(b.tickRate))
	defer tick.Stop()
	seq := ack.Seq
	aim := rand.Float64() * 6
	for {
		select {
		case <-ctx.Done():
			return ack.Token, ack.ID, nil
		case <-drop:
			b.tally.disconnects.Add(1)
			return ack.Token, ack.ID, nil
		case <-tick.C:
			seq++
			aim += 0.02
			if aim > 6 {
				aim = 0
			}
			if s.Emit("input", []any{seq, 1, 0.3, aim, seq % 20 / 19}) == nil {
				b.tally.inputs.Add(1)
			}
		}
	}
}

// run plays sessions until ctx ends, reconnecting after each deliberate drop.
func (b *bot) run(ctx context.Context) {
	token, id := "", 0
	for ctx.Err() == nil {
		var err error
		token, id, err = b.session(ctx, token, id)
		if err != nil && ctx.Err() == nil {
			b.tally.fail("%s: %v", b.name, err)
			return
		}
		select { // a short pause, well inside the reconnect window
		case <-ctx.Done():
		case <-time.After(time.Duration(50+rand.IntN(400)) * time.Millisecond):
		}
	}
}

// malformedPackets break the protocol in the ways a buggy or hostile client would; each is
// sent after a proper CONNECT and join. The server drops broken packets' connections (parse
// errors) or ignores bad payloads, and must never panic.
var malformedPackets = []string{
	`42["input","not an input"]`,
	`42["input",[1,2]]`,
	`42["input",[1e999,0,0,0,0]]`,
	`42["input",[-1,5,5,99,7]]`,
	`42["join",12]`,
	`42["join",{"name":"` + strings.Repeat("x", 5000) + `"}]`,
	`42["unknown event",{}]`,
	`42[`,
	`4x`,
	`451-["input",{"_placeholder":true,"num":9}]`,
	`9`,
	`42["input",[1,0,0,0,0]`,
	"\x00\xff\xfe",
}

// vandal opens raw websockets, joins and sends malformed packets, again and again.
func vandal(ctx context.Context, url string, n int, t *tally) {
	wsURL := "ws" + strings.TrimPrefix(url, "http") + "/socket.io/?EIO=4&transport=websocket"
	for i := 0; ctx.Err() == nil; i++ {
		c, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil)
		if err != nil {
			if ctx.Err() == nil {
				t.fail("vandal %d: dial: %v", n, err)
			}
			return
		}
		join, _ := json.Marshal([]any{"join", arena.JoinRequest{Name: fmt.Sprintf("Vandal%d", n)}})
		_ = c.WriteMessage(websocket.TextMessage, []byte("40"))
		_ = c.WriteMessage(websocket.TextMessage, append([]byte("420"), join...))
		for range 5 {
			pkt := malformedPackets[rand.IntN(len(malformedPackets))]
			kind := websocket.TextMessage
			if rand.IntN(4) == 0 {
				kind = websocket.BinaryMessage
			}
			if c.WriteMessage(kind, []byte(pkt)) != nil {
				break
			}
			t.malformed.Add(1)
		}
		// Read what comes back (or the close) for a moment, then go.
		_ = c.SetReadDeadline(time.Now().Add(time.Duration(100+rand.IntN(400)) * time.Millisecond))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				break
			}
		}
		c.Close()
		t.vandalCycles.Add(1)
		select { // a pest, not a flood: floods are the connection limits' business
		case <-ctx.Done():
		case <-time.After(time.Duration(200+rand.IntN(300)) * time.Millisecond):
		}
	}
}
