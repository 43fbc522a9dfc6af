package kit_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/game/host"
	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
	"tankarena/realtime"
)

// toyPage is a second game's page written against the kit alone: the square moves right while
// the page sends inputs, the server sends its position as JSON snapshots.
const toyPage = `<!doctype html><meta charset="utf-8"><title>toy</title><pre id="netgraph" hidden></pre>
<script src="/socket.io/socket.io.js"></script>
<script type="module">
import { Connection, InputClock, SnapshotBuffer, lerpEntities, runFrames, NetGraph, decodeJSON, cleanName } from '/kit/kit.js';
const conn = new Connection({ decode: decodeJSON, storageKey: 'toy' });
const inputs = new InputClock(conn, { build: (seq) => [seq, 1], idle: (seq) => [seq, 0] });
const graph = new NetGraph(document.querySelector('#netgraph'));
graph.toggle();
let buffer = null;
const seen = { joins: 0, snapshots: 0, x: null, game: null, state: '' };
conn.on('joined', (ack) => { seen.joins++; seen.game = ack.game; buffer = new SnapshotBuffer(ack.tickRate); });
conn.on('snapshot', (snap) => { seen.snapshots++; buffer?.push(snap, performance.now()); }); // snapshots may come before the join's answer
conn.on('state', (s) => { seen.state = s; });
runFrames((now, dt) => {
  inputs.advance(dt);
  const players = buffer?.sample(buffer.renderTime(now, 100), (a, b, t) => lerpEntities(a.players, b.players, t));
  if (players?.get(1)) seen.x = players.get(1).x;
  graph.update(now, conn, ['toy         1 square']);
});
conn.join(cleanName(' Toy\u200b '));
globalThis.toy = () => ({ ...seen, graph: document.querySelector('#netgraph').textContent });
</script>`

// inputsCounted is the net graph's line of inputs sent once a second's inputs were counted.
var inputsCounted = regexp.MustCompile(`(?m)^inputs +[1-9][0-9]*/s\b`)

// toyView is what the page's toy() returns.
type toyView struct {
	Joins     int             `json:"joins"`
	Snapshots int             `json:"snapshots"`
	X         *float64        `json:"x"`
	Game      json.RawMessage `json:"game"`
	State     string          `json:"state"`
	Graph     string          `json:"graph"`
}

// toyJoin is a "join" the toy server received.
type toyJoin struct {
	Name, Token, Transport, Lag string
}

// toyServer is the toy game: one square whose x grows by each input's second element.
type toyServer struct {
	mu     sync.Mutex
	joins  []toyJoin
	seqs   []int
	x      float64
	socket *realtime.Socket
}

func (g *toyServer) serve(s *realtime.Socket) {
	s.On("join", func(ev *realtime.Event) {
		var req struct{ Name, Token string }
		_ = ev.Decode(0, &req)
		g.mu.Lock()
		g.joins = append(g.joins, toyJoin{req.Name, req.Token, s.Transport(), s.Handshake().Query.Get("lag")})
		g.socket = s
		g.mu.Unlock()
		_ = ev.Ack(map[string]any{"id": 1, "room": "r1", "token": "tok", "seq": 0, "tickRate": 20, "snapshotRate": 20, "game": map[string]string{"hello": "toy"}})
	})
	s.On("input", func(ev *realtime.Event) {
		var in []float64
		if ev.Decode(0, &in) != nil || len(in) != 2 {
			return
		}
		g.mu.Lock()
		g.seqs = append(g.seqs, int(in[0]))
		g.x += in[1]
		g.mu.Unlock()
	})
	s.On("latency", func(ev *realtime.Event) { _ = ev.Ack(ev.Values()...) })
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for n := 1; ; n++ {
			select {
			case <-s.Done():
				return
			case <-tick.C:
			}
			g.mu.Lock()
			snap, _ := json.Marshal(map[string]any{"tick": n, "players": []map[string]any{{"id": 1, "x": g.x, "y": 0}}})
			g.mu.Unlock()
			// A frame as the room runtime sends it (game/snapframe.go): the number, then 0
			// snapshots back (a keyframe), then the game's encoding.
			frame := append(binary.AppendUvarint(nil, uint64(n)), 0)
			_ = s.Volatile().Emit("snapshot", append(frame, snap...))
		}
	}()
}

func (g *toyServer) state() ([]toyJoin, []int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]toyJoin(nil), g.joins...), append([]int(nil), g.seqs...)
}

// TestKitPlaysAToyGameInChromium runs a page built on the kit alone in Chromium against a toy
// game on game/host: it joins websocket first with the lag query, sends inputs numbered from 1
// at the tick rate, draws interpolated snapshots, fills the net graph, and re-joins with its
// token when the room restarts.
func TestKitPlaysAToyGameInChromium(t *testing.T) {
	game := &toyServer{}
	srv, err := host.New(host.DefaultConfig(), host.Options{
		Name: "Toy", MetricsNamespace: "toy",
		Static: fstest.MapFS{"index.html": {Data: []byte(toyPage)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Realtime().Of("/").OnConnection(game.serve)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})

	page := browsertest.New(t)
	if err := chromedp.Do(page, chromedp.Navigate("http://"+ln.Addr().String()+"/?lag=20")); err != nil {
		t.Fatal(err)
	}
	v := waitToy(t, page, "snapshots drawn and inputs counted", func(v toyView) bool {
		return v.Snapshots > 5 && v.X != nil && *v.X > 0 && inputsCounted.MatchString(v.Graph)
	})
	if v.State != "connected" || string(v.Game) != `{"hello":"toy"}` || !strings.Contains(v.Graph, "toy         1 square") || !strings.Contains(v.Graph, "lag sim     lag=20") {
		t.Errorf("page: %+v", v)
	}
	joins, seqs := game.state()
	if len(joins) != 1 || joins[0] != (toyJoin{Name: "Toy", Token: "", Transport: "websocket", Lag: "20"}) {
		t.Errorf("joins: %+v, want one as Toy without a token, over a websocket, with lag=20", joins)
	}
	for i, seq := range seqs {
		if seq != i+1 {
			t.Fatalf("input seqs %v: want 1, 2, 3, …", seqs)
		}
	}

	// The room restarts: the page joins again with its token, by itself.
	game.mu.Lock()
	_ = game.socket.Emit("restart", map[string]string{"message": "restarted"})
	game.mu.Unlock()
	waitToy(t, page, "the re-join", func(v toyView) bool { return v.Joins == 2 })
	if joins, _ := game.state(); len(joins) != 2 || joins[1].Token != "tok" {
		t.Errorf("joins after the restart: %+v, want a second with the token", joins)
	}
}

// waitToy polls the page's toy() until ok accepts it, within a generous deadline.
func waitToy(t *testing.T, ctx context.Context, what string, ok func(toyView) bool) toyView {
	t.Helper()
	deadline := time.Now().Add(testenv.Patience(30 * time.Second))
	var last toyView
	for time.Now().Before(deadline) {
		if v, err := browsertest.Eval[toyView](ctx, `globalThis.toy ? toy() : {}`); err == nil {
			last = v
			if ok(v) {
				return v
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last view: %+v", what, last)
	return last
}
