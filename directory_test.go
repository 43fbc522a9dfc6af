package main

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/internal/testenv"
)

// clusterPlayer is a player of a cluster test: its connection to one node at a time, and
// what its last join answer said.
type clusterPlayer struct {
	*player
	name  string
	ack   game.JoinAck
	hops  int // redirects followed by the last join
	nodes []string
}

// joinCluster joins the game on the node at base as a browser does: it follows a redirect to
// the node holding its room, joining there with the seat reservation. token, if not empty,
// asks for the seat it holds.
func joinCluster(t *testing.T, base, name, token string) *clusterPlayer {
	t.Helper()
	cp := &clusterPlayer{name: name}
	seatToken := ""
	for hop := 0; ; hop++ {
		if hop > 2 {
			t.Fatalf("%s: sent on more than twice", name)
		}
		p := connectPlayer(t, base)
		ctx, cancel := context.WithTimeout(t.Context(), waitLong)
		reply, err := p.s.EmitWithAck(ctx, "join", game.JoinRequest{Name: name, Token: token, Seat: seatToken})
		cancel()
		if err != nil {
			t.Fatalf("join %s on %s: %v", name, base, err)
		}
		var answer struct {
			game.JoinAck
			game.JoinError
			game.JoinRedirect
		}
		if err := reply.Decode(0, &answer); err != nil || answer.Error != "" {
			t.Fatalf("join %s on %s: %s (%v)", name, base, reply.Raw(0), err)
		}
		cp.nodes = append(cp.nodes, base)
		if answer.Redirect.URL == "" {
			cp.player, cp.ack, cp.hops = p, answer.JoinAck, hop
			return cp
		}
		p.s.Disconnect() // the browser leaves this node for the other
		base, seatToken = answer.Redirect.URL, answer.Redirect.Seat
	}
}

// directoryRooms is GET /rooms of the node at base.
func directoryRooms(t *testing.T, base string) (rooms []game.RoomInfo, nodes []string) {
	t.Helper()
	var list struct {
		Rooms []game.RoomInfo `json:"rooms"`
		Nodes []string        `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(getBody(t, base+"/rooms")), &list); err != nil {
		t.Fatalf("GET %s/rooms: %v", base, err)
	}
	return list.Rooms, list.Nodes
}

// listsRoomOn reports whether the node at base lists a room on node with at least players.
func listsRoomOn(t *testing.T, base, node string, players int) bool {
	rooms, _ := directoryRooms(t, base)
	for _, r := range rooms {
		if r.Node == node && r.Players >= players {
			return true
		}
	}
	return false
}

// keepsPlaying waits until the player's snapshots go on.
func keepsPlaying(t *testing.T, who string, p *player) {
	t.Helper()
	before := p.snapshots.Load()
	waitFor(t, who+"'s snapshots to go on", func() bool { return p.snapshots.Load() > before+10 })
}

// TestPlayersOnThreeNodesMeetInOneRoom: with three nodes on one Redis, a player on each
// node is placed in the one room that has space (on the first node), the other two sent
// there with a seat reservation; they all play in it, and /rooms on every node lists it with
// three players. Alone (no -redis), /rooms lists the node's own rooms.
func TestPlayersOnThreeNodesMeetInOneRoom(t *testing.T) {
	r := testenv.Redis(t)
	var urls []string
	for range 3 {
		_, url := startNode(t, "-redis", r.URL())
		urls = append(urls, url)
	}
	alice := joinCluster(t, urls[0], "alice", "")
	if alice.hops != 0 || alice.ack.Node != urls[0] {
		t.Fatalf("alice, first on an empty cluster, was sent on %d times to %q; want to play on %s", alice.hops, alice.ack.Node, urls[0])
	}
	for _, url := range urls[1:] {
		waitFor(t, url+" to list alice's room", func() bool { return listsRoomOn(t, url, urls[0], 1) })
	}
	bob := joinCluster(t, urls[1], "bob", "")
	carol := joinCluster(t, urls[2], "carol", "")
	for _, p := range []*clusterPlayer{bob, carol} {
		if p.hops != 1 || p.ack.Room != alice.ack.Room || p.ack.Node != urls[0] {
			t.Errorf("%s joined on %s: room %s on %q after %d redirects; want alice's room %s on %s",
				p.name, p.nodes[0], p.ack.Room, p.ack.Node, p.hops, alice.ack.Room, urls[0])
		}
	}
	waitFor(t, "alice's roster to name bob and carol", func() bool {
		b, _ := alice.heard("bob")
		c, _ := alice.heard("carol")
		return b && c
	})
	keepsPlaying(t, "carol", carol.player)
	for _, url := range urls {
		waitFor(t, url+" to list the room with three players", func() bool { return listsRoomOn(t, url, urls[0], 3) })
	}
	metrics := getBody(t, urls[0]+"/metrics")
	if metricValue(metrics, `tankarena_directory_reservations_total{outcome="claimed"}`) != 2 {
		t.Errorf("node A claimed %v reservations, want 2", metricValue(metrics, `tankarena_directory_reservations_total{outcome="claimed"}`))
	}

	if got := getBody(t, urls[1]+"/leaderboard"); !strings.Contains(got, `"leaders"`) {
		t.Errorf("GET /leaderboard = %q", got)
	}

	_, alone := startNode(t)
	solo := joinCluster(t, alone, "solo", "")
	waitFor(t, "the lone node to list solo's room", func() bool { return listsRoomOn(t, alone, "", 1) })
	rooms, nodes := directoryRooms(t, alone)
	if len(rooms) != 1 || rooms[0].ID != solo.ack.Room || rooms[0].Node != "" || len(nodes) != 1 || solo.ack.Node != "" {
		t.Errorf("alone, /rooms = %+v nodes %q, ack node %q; want solo's room, on no node URL", rooms, nodes, solo.ack.Node)
	}
}

// TestKilledNodeLeavesTheDirectory: a node (a process of its own) killed with SIGKILL holds
// a room with players, one of them sent there from another node. Its room leaves the other
// nodes' directory (within 5 s: a registration expires in 3 s, and the nodes read the
// directory every second), and its players, whose reconnects fail, join again through a live
// node, with their old token, and play there.
func TestKilledNodeLeavesTheDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL on Windows")
	}
	r := testenv.Redis(t)
	node := startProcess(t, "TANKARENA_REDIS="+r.URL()) // a process of its own, to kill
	doomed, cmd := node.url, node.cmd
	_, b := startNode(t, "-redis", r.URL())
	_, c := startNode(t, "-redis", r.URL())
	alice := joinCluster(t, doomed, "alice", "")
	waitFor(t, "node B to list the doomed node's room", func() bool { return listsRoomOn(t, b, doomed, 1) })
	bob := joinCluster(t, b, "bob", "")
	if bob.ack.Node != doomed {
		t.Fatalf("bob joined on %s, want to be sent to %s's room", bob.ack.Node, doomed)
	}

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	for _, node := range []string{b, c} {
		waitFor(t, node+" to drop the killed node's room", func() bool {
			rooms, nodes := directoryRooms(t, node)
			for _, r := range rooms {
				if r.Node == doomed {
					return false
				}
			}
			return !strings.Contains(strings.Join(nodes, " "), doomed)
		})
	}
	t.Logf("the killed node left the directory after %v", time.Since(killed).Round(100*time.Millisecond))

	// The clients' reconnects to the dead node fail; each joins through a live node.
	alice2 := joinCluster(t, c, "alice", alice.ack.Token)
	bob2 := joinCluster(t, b, "bob", bob.ack.Token)
	for _, p := range []*clusterPlayer{alice2, bob2} {
		if p.ack.Node != b && p.ack.Node != c {
			t.Errorf("%s plays on %q after the kill, want a live node", p.name, p.ack.Node)
		}
		keepsPlaying(t, p.name, p.player)
	}
}

// TestRedisRestartedUnderTheDirectory: Redis stops while a player plays on node A. Node B's
// directory drops to itself, node A's game goes on, and a player joining on B plays on B.
// Once Redis is back, both nodes register again and B lists A's room.
func TestRedisRestartedUnderTheDirectory(t *testing.T) {
	r := testenv.Redis(t)
	_, a := startNode(t, "-redis", r.URL())
	_, b := startNode(t, "-redis", r.URL())
	alice := joinCluster(t, a, "alice", "")
	waitFor(t, "node B to list alice's room", func() bool { return listsRoomOn(t, b, a, 1) })

	r.Stop()
	waitFor(t, "node B's directory to drop node A", func() bool { return !listsRoomOn(t, b, a, 1) })
	keepsPlaying(t, "alice", alice.player)
	bob := joinCluster(t, b, "bob", "")
	if bob.ack.Node != b {
		t.Errorf("bob, joining on B without Redis, plays on %q; want B", bob.ack.Node)
	}

	r.Start()
	waitFor(t, "node B to list node A's room again", func() bool { return listsRoomOn(t, b, a, 1) })
	waitFor(t, "node A to list node B's room", func() bool { return listsRoomOn(t, a, b, 1) })
	keepsPlaying(t, "alice", alice.player)
	keepsPlaying(t, "bob", bob.player)
}

// TestTwoNodesFillingOneRoomAtOnce: node A's room has one free seat, and nodes B and C both
// list it so (their views are up to a second old). A player joining on B is sent there and
// takes the seat; one joining on C right after is sent there too, with a reservation for the
// room, which A honours without overfilling it: the player is placed again, elsewhere, and
// plays.
func TestTwoNodesFillingOneRoomAtOnce(t *testing.T) {
	r := testenv.Redis(t)
	var urls []string
	for range 3 {
		_, url := startNode(t, "-redis", r.URL(), "-max-players", "2")
		urls = append(urls, url)
	}
	alice := joinCluster(t, urls[0], "alice", "")
	for _, url := range urls[1:] {
		waitFor(t, url+" to list alice's room", func() bool { return listsRoomOn(t, url, urls[0], 1) })
	}
	bob := joinCluster(t, urls[1], "bob", "")
	carol := joinCluster(t, urls[2], "carol", "")
	if bob.ack.Room != alice.ack.Room {
		t.Fatalf("bob joined room %s on %q, want alice's %s, which had a free seat", bob.ack.Room, bob.ack.Node, alice.ack.Room)
	}
	if carol.ack.Room == "" || carol.ack.Room == alice.ack.Room {
		t.Fatalf("carol, placed after bob took the last seat of alice's room, got room %q on %q (via %q); want another room", carol.ack.Room, carol.ack.Node, carol.nodes)
	}
	t.Logf("carol went %q (sent to alice's node by a view from before bob: %v)", carol.nodes, len(carol.nodes) > 1 && carol.nodes[1] == urls[0])
	keepsPlaying(t, "carol", carol.player)
	waitFor(t, "alice's roster to name bob", func() bool { in, _ := alice.heard("bob"); return in })
	if in, _ := alice.heard("carol"); in {
		t.Errorf("carol is in alice's room of two, with alice and bob")
	}
	rooms, _ := directoryRooms(t, urls[0])
	for _, room := range rooms {
		if room.ID == alice.ack.Room && room.Players > 2 {
			t.Errorf("alice's room lists %d players, more than its 2 seats", room.Players)
		}
	}
}
