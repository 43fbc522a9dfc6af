package game_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/tanks"
)

// fakeDirectory is a cluster as the lobby sees it: this node at self, the other nodes as the
// test sets them, and the reservations made and claimed in memory.
type fakeDirectory struct {
	self  string
	local func(string) game.NodeInfo

	mu       sync.Mutex
	others   []game.NodeInfo
	reserved map[string]game.Reservation
	claims   int
}

func (d *fakeDirectory) Self() string { return d.self }
func (d *fakeDirectory) Nodes() []game.NodeInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]game.NodeInfo{d.local(d.self)}, d.others...)
}
func (d *fakeDirectory) Reserve(_ context.Context, r game.Reservation) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	token := "seat-" + r.Node + "-" + r.Room
	d.reserved[token] = r
	return token, nil
}
func (d *fakeDirectory) Claim(_ context.Context, token string) (game.Reservation, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.claims++
	r, ok := d.reserved[token]
	delete(d.reserved, token)
	if !ok || r.Node != d.self {
		return game.Reservation{}, game.ErrNoReservation
	}
	return r, nil
}

// answer is any join answer: a seat, a redirect or a refusal.
type answer struct {
	game.JoinAck
	game.JoinRedirect
	game.JoinError
}

func (p *tester) tryJoin(req game.JoinRequest) answer {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	reply, err := p.s.EmitWithAck(ctx, "join", req)
	if err != nil {
		p.t.Fatalf("join: %v", err)
	}
	var a answer
	if err := json.Unmarshal(reply.Raw(0), &a); err != nil {
		p.t.Fatalf("join answer %s: %v", reply.Raw(0), err)
	}
	return a
}

// TestPlacementAcrossNodes: a new player joins a room of this node with space; else the
// fullest room with space of another open node, by a redirect with a reservation; a player
// with a reservation for this node plays here whatever the others offer; a busy node sends
// new players to an open node, and refuses them only when none is.
func TestPlacementAcrossNodes(t *testing.T) {
	var busy atomic.Bool
	h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.AdmitWhenBusy = false; o.MaxPlayers = 2 })
	game.SetLoad(h.lobby, func() game.Load {
		budget := time.Second / 60
		if busy.Load() {
			return game.Load{BusiestTick: budget, TickBudget: budget}
		}
		return game.Load{TickBudget: budget}
	})
	dir := &fakeDirectory{self: "http://me:1", local: h.lobby.Registration, reserved: map[string]game.Reservation{}}
	h.lobby.UseDirectory(dir)
	const other, third = "http://other:2", "http://third:3"
	dir.others = []game.NodeInfo{
		{URL: other, Open: true, Rooms: []game.RoomInfo{
			{ID: "quiet", Kind: "", Players: 1, Capacity: 4}, {ID: "full", Kind: "", Players: 4, Capacity: 4},
			{ID: "busiest", Kind: "", Players: 3, Capacity: 4},
		}},
		{URL: third, Open: false, Rooms: []game.RoomInfo{{ID: "closed", Kind: "", Players: 3, Capacity: 9}}},
	}

	ann := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "ann"})
	if r := ann.Redirect; r.URL != other || r.Room != "busiest" || r.Seat == "" {
		t.Fatalf("ann, with no room here, was answered %+v; want the fullest room with space elsewhere", ann)
	}
	// A reservation for this node seats its player here, though the other node has space.
	dir.mu.Lock()
	dir.reserved["mine"] = game.Reservation{Node: dir.self, Kind: ""}
	dir.mu.Unlock()
	bob := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "bob", Seat: "mine"})
	if bob.Error != "" || bob.Redirect.URL != "" || bob.Node != dir.self || bob.Token == "" {
		t.Fatalf("bob, with a reservation for this node, was answered %+v; want a seat here", bob)
	}
	cid := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "cid"})
	if cid.Room != bob.Room || cid.Node != dir.self {
		t.Fatalf("cid was answered %+v; want bob's room here, which has space", cid)
	}
	again := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "bob", Token: bob.Token})
	if again.Room != bob.Room || again.Token != bob.Token {
		t.Fatalf("bob's token was answered %+v; want his seat back", again)
	}
	if replay := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "eve", Seat: "mine"}); replay.Redirect.URL != other {
		t.Errorf("a reservation used twice was answered %+v; want eve placed afresh", replay)
	}

	busy.Store(true)
	dir.mu.Lock()
	dir.others[0].Rooms = nil // the other node has no room: it opens one
	dir.mu.Unlock()
	dan := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "dan"})
	if dan.Redirect.URL != other || dan.Redirect.Room != "" {
		t.Fatalf("dan, joining a busy node, was answered %+v; want a new room on the open node", dan)
	}
	// A reservation for this node, which turned busy since: the player is placed again.
	dir.mu.Lock()
	dir.reserved["late"] = game.Reservation{Node: dir.self}
	dir.mu.Unlock()
	if late := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "late", Seat: "late"}); late.Redirect.URL != other {
		t.Errorf("a reserved join on a node turned busy was answered %+v; want it sent to the open node", late)
	}
	dir.mu.Lock()
	dir.others[0].Open = false
	dir.mu.Unlock()
	if eve := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "eve"}); !strings.Contains(eve.Error, "busy") {
		t.Errorf("eve, with every node busy, was answered %+v; want \"server busy\"", eve)
	}
}

// TestSeatClaimsAreRateLimited: a client presenting seat reservations over and over on one
// connection reaches the directory's store at the connection's join rate, not at its own.
func TestSeatClaimsAreRateLimited(t *testing.T) {
	h := newHarness(t, nil)
	dir := &fakeDirectory{self: "http://me:1", local: h.lobby.Registration, reserved: map[string]game.Reservation{}}
	h.lobby.UseDirectory(dir)
	p := h.connect(t, nil)
	refused := 0
	for range 15 {
		if a := p.tryJoin(game.JoinRequest{Name: "spam", Seat: "00000000-0000-4000-8000-000000000000"}); strings.Contains(a.Error, "too many joins") {
			refused++
		}
	}
	dir.mu.Lock()
	claims := dir.claims
	dir.mu.Unlock()
	if claims > 10 || refused < 5 {
		t.Errorf("15 joins with a seat on one connection: %d claims reached the directory, %d refused; want at most 10 (the burst), the rest refused", claims, refused)
	}
}

// TestAPickedRoom: a join naming a room (a row of the server browser) is seated in it here,
// sent to the node running it elsewhere, and refused "full" when it is; a room closed
// meanwhile is no refusal.
func TestAPickedRoom(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.MaxPlayers = 2 })
	dir := &fakeDirectory{self: "http://me:1", local: h.lobby.Registration, reserved: map[string]game.Reservation{}}
	h.lobby.UseDirectory(dir)
	first := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "one"})
	h.connect(t, nil).tryJoin(game.JoinRequest{Name: "two"})
	if first.Room == "" || first.Node != dir.self {
		t.Fatalf("the first player was answered %+v; want a room here", first.JoinRedirect)
	}
	const other = "http://other:2"
	dir.mu.Lock()
	dir.others = []game.NodeInfo{{URL: other, Open: true, Rooms: []game.RoomInfo{
		{ID: "roomy", Kind: "", Players: 1, Capacity: 4}, {ID: "packed", Kind: "", Players: 4, Capacity: 4},
	}}}
	dir.mu.Unlock()
	if full := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "four", Room: first.Room}); !strings.Contains(full.Error, "that room is full") {
		t.Errorf("a pick of a full room here was answered room %q, %+v; want \"that room is full\"", full.Room, full.JoinError)
	}
	if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="room_full"}`); got != 1 {
		t.Errorf("joins refused for a full room: %v, want 1", got)
	}
	sent := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "five", Room: "roomy"})
	if r := sent.Redirect; r.URL != other || r.Room != "roomy" || r.Seat == "" {
		t.Errorf("a pick of another node's room was answered room %q, %+v; want a redirect there with a seat in it", sent.Room, sent.JoinRedirect)
	}
	if full := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "six", Room: "packed"}); !strings.Contains(full.Error, "that room is full") {
		t.Errorf("a pick of another node's full room was answered room %q, %+v; want \"that room is full\"", full.Room, full.JoinRedirect)
	}
	if gone := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "seven", Room: "closed-long-ago"}); gone.Error != "" {
		t.Errorf("a pick of a room that closed was answered %+v; want a place anywhere", gone.JoinError)
	}
}

// TestAReservationForARoomThatFilledUp: two nodes placed players in the same room of this node
// from views of it a second old; the reservation that finds the room full is not refused and
// does not overfill it: the player is placed again, in another room of this node, which may
// open one: sent here once, it is not sent on (two nodes could pass it back and forth).
func TestAReservationForARoomThatFilledUp(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.MaxPlayers = 2 })
	dir := &fakeDirectory{self: "http://me:1", local: h.lobby.Registration, reserved: map[string]game.Reservation{}}
	h.lobby.UseDirectory(dir)
	host := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "host"})
	const other = "http://other:2"
	dir.mu.Lock()
	dir.others = []game.NodeInfo{{URL: other, Open: true, Rooms: []game.RoomInfo{{ID: "roomy", Kind: "", Players: 1, Capacity: 4}}}}
	dir.reserved["from-b"] = game.Reservation{Node: dir.self, Room: host.Room}
	dir.reserved["from-c"] = game.Reservation{Node: dir.self, Room: host.Room}
	dir.mu.Unlock()
	b := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "b", Seat: "from-b"})
	if b.Room != host.Room || b.Node != dir.self {
		t.Fatalf("the first reservation for the host's room (%s) was answered room %q on %q (%+v); want a seat in it", host.Room, b.Room, b.Node, b.JoinError)
	}
	c := h.connect(t, nil).tryJoin(game.JoinRequest{Name: "c", Seat: "from-c"})
	if c.Error != "" || c.Room == "" || c.Room == host.Room || c.Node != dir.self || c.Redirect.URL != "" {
		t.Errorf("the second reservation for the now full room was answered room %q on %q, %+v %+v; want a seat in another room of this node", c.Room, c.Node, c.JoinError, c.JoinRedirect)
	}
}
