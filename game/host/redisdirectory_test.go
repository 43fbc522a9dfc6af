package host

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"tankarena/game"
	"tankarena/internal/testenv"
)

// testDirectory is a node's directory on the Redis r, registering one room of kind "arena".
func testDirectory(t *testing.T, r *testenv.RedisServer, id string, players int) *redisDirectory {
	t.Helper()
	opts, err := redis.ParseURL(r.URL())
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { _ = client.Close() })
	register := func(url string) game.NodeInfo {
		return game.NodeInfo{URL: url, Open: true, Rooms: []game.RoomInfo{{ID: id + "-room", Node: url, Kind: "arena", Players: players, Capacity: 16}}}
	}
	d := newRedisDirectory(client, "test", id, register, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.start("http://" + id + ".example:8080")
	t.Cleanup(d.close)
	return d
}

// TestReservationIsClaimedOnceByItsNode: a seat reservation made by one node for another is
// taken once, by that node only; unknown and made-up tokens are refused alike.
func TestReservationIsClaimedOnceByItsNode(t *testing.T) {
	r := testenv.Redis(t)
	a, b := testDirectory(t, r, "a", 1), testDirectory(t, r, "b", 2)
	ctx := t.Context()
	token, err := a.Reserve(ctx, game.Reservation{Node: b.Self(), Room: "b-room", Kind: "arena"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Claim(ctx, token); !errors.Is(err, game.ErrNoReservation) {
		t.Errorf("node A claimed a reservation made for node B: %v", err)
	}
	token, err = a.Reserve(ctx, game.Reservation{Node: b.Self(), Room: "b-room", Kind: "arena"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Claim(ctx, token)
	if err != nil || res.Room != "b-room" || res.Kind != "arena" {
		t.Fatalf("node B's claim = %+v, %v; want its room", res, err)
	}
	if _, err := b.Claim(ctx, token); !errors.Is(err, game.ErrNoReservation) {
		t.Errorf("a reservation claimed twice: %v", err)
	}
	for _, bad := range []string{"", "nonsense", "00000000-0000-4000-8000-000000000000"} {
		if _, err := b.Claim(ctx, bad); !errors.Is(err, game.ErrNoReservation) {
			t.Errorf("Claim(%q) = %v, want ErrNoReservation", bad, err)
		}
	}
}

// TestDirectoryListsLiveNodesAndIgnoresMalformedEntries: each node lists both registrations
// after a beat, ignores (and counts) entries that are not well-formed registrations, and
// drops a node that closed.
func TestDirectoryListsLiveNodesAndIgnoresMalformedEntries(t *testing.T) {
	r := testenv.Redis(t)
	a, b := testDirectory(t, r, "a", 1), testDirectory(t, r, "b", 2)
	for id, value := range map[string]string{
		"garbage": "{",
		"script":  `{"url":"javascript:alert(1)","open":true,"rooms":[]}`,
		"room":    `{"url":"http://c.example","open":true,"rooms":[{"id":"","players":-1}]}`,
		"gone":    "",
	} {
		if value != "" {
			if err := a.client.Set(t.Context(), "test:directory:node:"+id, value, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.client.SAdd(t.Context(), "test:directory:nodes", id).Err(); err != nil {
			t.Fatal(err)
		}
	}
	a.beat()
	nodes := a.Nodes()
	if len(nodes) != 2 || nodes[0].URL != a.Self() || nodes[1].URL != b.Self() || nodes[1].Rooms[0].Players != 2 {
		t.Fatalf("node A's directory = %+v, want A and B", nodes)
	}
	if got := a.stats.malformed.Load(); got != 3 {
		t.Errorf("%d malformed entries counted, want 3", got)
	}
	if a.client.SIsMember(t.Context(), "test:directory:nodes", "gone").Val() {
		t.Error("a node whose entry expired is still in the index")
	}
	if !a.allowsOrigin("http://b.example:8080") || a.allowsOrigin("http://c.example") {
		t.Error("node A's origins are not exactly the nodes'")
	}
	b.close()
	a.beat()
	if nodes := a.Nodes(); len(nodes) != 1 {
		t.Errorf("node A's directory after B closed = %+v, want A alone", nodes)
	}
}

// FuzzDecodeNodeInfo: whatever a Redis key holds, decoding it never panics, and what it
// accepts sends browsers only to an http(s) node URL.
func FuzzDecodeNodeInfo(f *testing.F) {
	f.Add([]byte(`{"url":"http://a.example:8080","open":true,"rooms":[{"id":"r","node":"http://evil","kind":"arena","players":3,"capacity":16,"leaders":[{"name":"x","score":2}]}]}`))
	f.Add([]byte(`{"url":"javascript:alert(1)"}`))
	f.Add([]byte(`{"url":"http://a","rooms":[{"id":"r","players":-1}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := decodeNodeInfo(data)
		if err != nil {
			return
		}
		if !validNodeURL(n.URL) {
			t.Fatalf("accepted node URL %q", n.URL)
		}
		for _, r := range n.Rooms {
			if r.Node != n.URL || r.Players < 0 || r.ID == "" {
				t.Fatalf("accepted room %+v of node %q", r, n.URL)
			}
		}
	})
}

// TestPublicURL: the configured URL wins; else the listen address, or a LAN (or loopback)
// address when listening on all.
func TestPublicURL(t *testing.T) {
	if got := publicURL("https://game1.example.com", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}); got != "https://game1.example.com" {
		t.Errorf("configured: %q", got)
	}
	if got := publicURL("", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8081}); got != "http://127.0.0.1:8081" {
		t.Errorf("on loopback: %q", got)
	}
	if got := publicURL("", &net.TCPAddr{IP: net.IPv4zero, Port: 8082}); !validNodeURL(got) || !strings.HasSuffix(got, ":8082") {
		t.Errorf("on all addresses: %q", got)
	}
	if got := publicHost("https://game2.example.org:8443"); len(got) != 1 || got[0] != "game2.example.org" {
		t.Errorf("publicHost = %q, want the name the node answers to", got)
	}
	if got := publicHost(""); got != nil {
		t.Errorf("publicHost without a URL = %q", got)
	}
}

// TestPagesOfClusterNodesMayConnect: with -redis, a page served by another node of the
// directory may open a session (polling with CORS, and websocket): the other nodes send their
// players here. A foreign site still may not.
func TestPagesOfClusterNodesMayConnect(t *testing.T) {
	r := testenv.Redis(t)
	opts := testOptions()
	opts.Registration = func(url string) game.NodeInfo { return game.NodeInfo{URL: url, Open: true, Rooms: []game.RoomInfo{}} }
	srv := newTestServer(t, opts, "-redis", r.URL())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	go func() { _ = srv.serve(ln) }()
	t.Cleanup(func() { _ = srv.shutdown() })
	srv.redisDir.start(base)

	peerRooms := func(url string) game.NodeInfo {
		return game.NodeInfo{URL: url, Open: true, Rooms: []game.RoomInfo{
			{ID: "r1", Kind: "arena", Players: 2, Capacity: 16, Leaders: []game.Leader{{Name: "ann", Score: 3}, {Name: "bob", Score: 1}}},
			{ID: "r2", Kind: "bunkers", Players: 1, Capacity: 16, Leaders: []game.Leader{{Name: "cid", Score: 7}}},
		}}
	}
	peer := newRedisDirectory(srv.cluster.node.Client(), "tankarena", "peer", peerRooms, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const peerURL = "http://node2.example:8081"
	peer.start(peerURL)
	t.Cleanup(peer.close)
	srv.redisDir.beat()
	if !srv.redisDir.allowsOrigin(peerURL) {
		t.Fatalf("the directory does not list the peer: %+v", srv.redisDir.Nodes())
	}
	resp, body := pollingHandshake(t, base, peerURL)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != peerURL {
		t.Errorf("polling handshake from the peer's page: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if _, err := dialWebSocket(base, "", peerURL); err != nil {
		t.Errorf("websocket from the peer's page refused: %v", err)
	}
	if resp, body := pollingHandshake(t, base, foreignOrigin); resp.StatusCode != http.StatusForbidden {
		t.Errorf("polling handshake from %s: %d %q, want 403", foreignOrigin, resp.StatusCode, body)
	}
	rooms := getBody(t, base+"/rooms")
	if !strings.Contains(rooms, peerURL) || !strings.Contains(rooms, base) || !strings.Contains(rooms, `"id":"r1"`) || strings.Contains(rooms, "ann") {
		t.Errorf("GET /rooms = %s, want both nodes and the peer's rooms, without leaders", rooms)
	}
	var board struct{ Leaders []leader }
	if err := json.Unmarshal([]byte(getBody(t, base+"/leaderboard")), &board); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, l := range board.Leaders {
		order = append(order, l.Name+"@"+l.Room)
	}
	if strings.Join(order, " ") != "cid@r2 ann@r1 bob@r1" || board.Leaders[0].Node != peerURL {
		t.Errorf("GET /leaderboard = %+v, want cid, ann, bob on the peer", board.Leaders)
	}
}
