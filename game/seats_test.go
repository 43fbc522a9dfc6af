package game_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/game"
	"tankarena/game/tanks"
	"tankarena/realtime"
	"tankarena/realtime/client"
	"tankarena/realtime/engineio"
)

// rawClient speaks Engine.IO and Socket.IO by hand over one websocket, for what a well-behaved
// client library never sends: a CONNECT again on a joined namespace, joins in a tight loop, a
// burst of inputs in one write.
type rawClient struct {
	t     *testing.T
	c     *websocket.Conn
	ackID int
}

func (h *harness) dialRaw(t *testing.T) *rawClient {
	t.Helper()
	return h.dialRawQuery(t, "")
}

// dialRawQuery is dialRaw with more handshake query parameters ("lag=100").
func (h *harness) dialRawQuery(t *testing.T, query string) *rawClient {
	t.Helper()
	target := "ws" + strings.TrimPrefix(h.url, "http") + "/socket.io/?EIO=4&transport=websocket"
	if query != "" {
		target += "&" + query
	}
	c, _, err := websocket.DefaultDialer.Dial(target, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	r := &rawClient{t: t, c: c}
	r.readUntil("0{")
	return r
}

// readUntil reads until a packet starting with prefix arrives and returns it, answering pings.
func (r *rawClient) readUntil(prefix string) string {
	r.t.Helper()
	_ = r.c.SetReadDeadline(time.Now().Add(waitFor))
	for {
		_, data, err := r.c.ReadMessage()
		if err != nil {
			r.t.Fatalf("waiting for %q: %v", prefix, err)
		}
		if string(data) == "2" {
			r.write("3")
			continue
		}
		if strings.HasPrefix(string(data), prefix) {
			return string(data)
		}
	}
}

func (r *rawClient) write(packet string) {
	r.t.Helper()
	if err := r.c.WriteMessage(websocket.TextMessage, []byte(packet)); err != nil {
		r.t.Fatalf("write %.20q: %v", packet, err)
	}
}

// connect sends a Socket.IO CONNECT to the default namespace and waits for the answer.
func (r *rawClient) connect() {
	r.t.Helper()
	r.write("40")
	r.readUntil("40{")
}

// join sends "join" and returns the refusal ("" when a seat was given) and the ack.
func (r *rawClient) join(name, token string) (refusal string, ack game.JoinAck) {
	r.t.Helper()
	r.ackID++
	id := strconv.Itoa(r.ackID)
	payload, _ := json.Marshal([]any{"join", game.JoinRequest{Name: name, Token: token}})
	r.write("42" + id + string(payload))
	reply := strings.TrimPrefix(r.readUntil("43"+id+"["), "43"+id)
	var answer []json.RawMessage
	if err := json.Unmarshal([]byte(reply), &answer); err != nil || len(answer) != 1 {
		r.t.Fatalf("join ack %s: %v", reply, err)
	}
	var refused game.JoinError
	if err := json.Unmarshal(answer[0], &refused); err == nil && refused.Error != "" {
		return refused.Error, ack
	}
	if err := json.Unmarshal(answer[0], &ack); err != nil {
		r.t.Fatalf("join ack %s: %v", reply, err)
	}
	return "", ack
}

// noJoinLimits lifts the join rates and the per-address bound (every test client is
// 127.0.0.1), for tests whose subject is another limit.
func noJoinLimits(o *game.Options[tanks.Input]) {
	o.JoinRate, o.ConnJoinRate, o.MaxSeatsPerAddress = -1, -1, -1
}

// TestOneConnectionHoldsOneSeat: a client that sends the Socket.IO CONNECT again on the same
// Engine.IO connection (alone, or after a DISCONNECT) gets a new socket each time, but the seat
// belongs to the connection: a join on the new socket gives up the old seat instead of leaving
// it held for the reconnect window. Before, each round added a tank (1,024 of 1,024 seats
// were taken this way in 0.63 s).
func TestOneConnectionHoldsOneSeat(t *testing.T) {
	for _, reconnect := range []string{"40", "41 then 40"} {
		t.Run(reconnect, func(t *testing.T) {
			h := newHarness(t, noJoinLimits)
			r := h.dialRaw(t)
			r.connect()
			first, _ := r.join("Spam", "")
			if first != "" {
				t.Fatalf("first join refused: %s", first)
			}
			for i := range 40 {
				if reconnect != "40" {
					r.write("41")
				}
				r.connect()
				if msg, _ := r.join(fmt.Sprintf("Spam%d", i), ""); msg != "" {
					t.Fatalf("join %d refused: %s", i, msg)
				}
			}
			// The disconnect hooks of the replaced sockets run on their own goroutines: wait
			// for them, then the count must still be one.
			eventually(t, "one socket left", func() bool { return len(h.rt.Of("/").Sockets()) == 1 })
			if got := metric(t, h.lobby, "tankarena_players"); got != 1 {
				t.Fatalf("one connection holds %v seats, want 1", got)
			}
			// Its own token on a renewed socket gives the same seat back.
			r.connect()
			_, ack := r.join("Spam", "")
			r.connect()
			if msg, again := r.join("Other", ack.Token); msg != "" || again.ID != ack.ID {
				t.Fatalf("rejoin with the connection's own token: %q, tank %d, want tank %d", msg, again.ID, ack.ID)
			}
			if got := metric(t, h.lobby, "tankarena_players"); got != 1 {
				t.Fatalf("%v seats after a rejoin with the token, want 1", got)
			}
		})
	}
}

// joinAndDrop connects, joins and closes the connection, leaving a held seat behind; it returns
// the join's refusal ("" when seated).
func (h *harness) joinAndDrop(t *testing.T, name string) string {
	t.Helper()
	p := h.connect(t, nil)
	msg := p.refusal(name)
	p.m.Close()
	return msg
}

// TestHeldSeatsCountTowardTheAddressBound: connect, join and drop in a loop held a tank per
// round for the reconnect window (101 from one address, over its 64-connection cap). Held seats
// count toward the address's bound; at the bound a new player takes the place of the oldest
// held seat, and only connected players make the address refuse.
func TestHeldSeatsCountTowardTheAddressBound(t *testing.T) {
	const bound = 3
	h := newHarness(t, func(o *game.Options[tanks.Input]) {
		noJoinLimits(o)
		o.MaxSeatsPerAddress = bound
		o.ReconnectWindow = time.Hour // only the bound frees these seats
	})
	for i := range 10 {
		if msg := h.joinAndDrop(t, fmt.Sprintf("Drop%d", i)); msg != "" {
			t.Fatalf("round %d refused: %s", i, msg)
		}
		if got := metric(t, h.lobby, "tankarena_players"); got > bound {
			t.Fatalf("round %d: %v seats from one address, bound %d", i, got, bound)
		}
		// The next round comes once this player's seat is held, not while it is still
		// connected (a connected player's seat is not given up).
		eventually(t, "the dropped player's seat held", func() bool { return len(h.rt.Of("/").Sockets()) == 0 })
	}
	if got := metric(t, h.lobby, "tankarena_players"); got != bound {
		t.Fatalf("%v seats held, want the bound, %d", got, bound)
	}
	// Connected players take the held seats' places one by one; then the address is full.
	for i := range bound {
		h.join(t, fmt.Sprintf("Live%d", i), "")
	}
	if got := metric(t, h.lobby, `tankarena_held_seats_evicted_total{reason="seats_per_address"}`); got < 7+bound {
		t.Fatalf("%v held seats given up for new players, want at least %d", got, 7+bound)
	}
	late := h.connect(t, nil)
	if msg := late.refusal("Late"); !strings.Contains(msg, "too many players from your address") {
		t.Fatalf("a join over the bound of connected players: %q", msg)
	}
	if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="seats_per_address"}`); got != 1 {
		t.Fatalf("seats_per_address refusals counted: %v, want 1", got)
	}
}

// TestHeldSeatsYieldToNewPlayersOnAFullServer: when every seat is taken and no arena may open,
// a new player gets the seat of the player who disconnected longest ago; a server full of
// connected players refuses.
func TestHeldSeatsYieldToNewPlayersOnAFullServer(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) {
		noJoinLimits(o)
		o.MaxPlayers, o.MaxRooms = 2, 1
		o.ReconnectWindow = time.Hour
	})
	stay := h.join(t, "Stay", "")
	gone := h.join(t, "Gone", "")
	gone.m.Close()
	eventually(t, "the dropped player's seat held", func() bool { return len(h.rt.Of("/").Sockets()) == 1 })
	newcomer := h.join(t, "New", "")
	if newcomer.ack.Room != stay.ack.Room {
		t.Fatalf("the newcomer is in arena %s, want the only one, %s", newcomer.ack.Room, stay.ack.Room)
	}
	if got := metric(t, h.lobby, `tankarena_held_seats_evicted_total{reason="server_full"}`); got != 1 {
		t.Fatalf("held seats given up on the full server: %v, want 1", got)
	}
	// The given-up token is unknown now: its player joins afresh, and the server, full of
	// connected players, refuses.
	back := h.connect(t, nil)
	reply, err := back.s.EmitWithAck(t.Context(), "join", game.JoinRequest{Name: "Gone", Token: gone.ack.Token})
	if err != nil {
		t.Fatal(err)
	}
	var refused game.JoinError
	if err := reply.Decode(0, &refused); err != nil || !strings.Contains(refused.Error, "server full") {
		t.Fatalf("a join on a server full of connected players: %s", reply.Raw(0))
	}
}

// TestJoinsAreRateLimited: joins beyond the connection's and the address's rates are refused
// with a clear message and counted.
func TestJoinsAreRateLimited(t *testing.T) {
	spam := func(t *testing.T, h *harness, connections, joins int) (accepted, refused int, took time.Duration) {
		t.Helper()
		clients := make([]*tester, connections)
		for i := range clients {
			clients[i] = h.connect(t, nil)
		}
		begin := time.Now()
		for i := range joins {
			switch msg := clients[i%connections].refusal(fmt.Sprintf("J%d", i)); msg {
			case "":
				accepted++
			case "too many joins, slow down":
				refused++
			default:
				t.Fatalf("join %d: unexpected refusal %q", i, msg)
			}
		}
		if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="join_rate"}`); int(got) != refused {
			t.Fatalf("join_rate refusals counted: %v, seen %d", got, refused)
		}
		return accepted, refused, time.Since(begin)
	}
	t.Run("per connection", func(t *testing.T) {
		h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.ConnJoinRate = 1 })
		accepted, refused, took := spam(t, h, 1, 30)
		// A burst of 10, then one a second, however slowly this machine ran the loop.
		if allowed := 10 + int(took.Seconds()) + 1; accepted > allowed || refused == 0 {
			t.Fatalf("%d of 30 joins accepted in %v, the limit allows %d", accepted, took, allowed)
		}
		// Each accepted join gave up the connection's previous seat; a refused one kept it.
		if got := metric(t, h.lobby, "tankarena_players"); got != 1 {
			t.Fatalf("%v seats after the spam, want the connection's one", got)
		}
	})
	t.Run("per address", func(t *testing.T) {
		h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.JoinRate = 1 })
		accepted, refused, took := spam(t, h, 5, 50)
		if allowed := game.DefaultJoinBurst + int(took.Seconds()) + 1; accepted > allowed || refused == 0 {
			t.Fatalf("%d of 50 joins from one address accepted in %v, the limit allows %d", accepted, took, allowed)
		}
	})
}

// TestIPv6ClientsAreCountedPerSlash64: one host has a /64 of addresses to draw from, so the
// seat bound counts the prefix. The address comes from X-Forwarded-For behind a trusted proxy,
// as the connection layer counts it.
func TestIPv6ClientsAreCountedPerSlash64(t *testing.T) {
	h := newHarnessWith(t, func(o *game.Options[tanks.Input]) {
		noJoinLimits(o)
		o.MaxSeatsPerAddress = 2
	}, realtime.Options{Engine: engineio.Options{TrustProxyHeaders: true}}, nil)
	from := func(ip string) *tester {
		return h.connectWith(t, client.Options{Header: http.Header{"X-Forwarded-For": {ip}}})
	}
	from("2001:db8:1:2::a").join("A", "")
	from("2001:db8:1:2:ffff:ffff:ffff:ffff").join("B", "")
	if msg := from("2001:db8:1:2::c").refusal("C"); !strings.Contains(msg, "too many players from your address") {
		t.Fatalf("a third address of the same /64: %q, want it refused", msg)
	}
	from("2001:db8:1:3::a").join("D", "")  // another /64
	from("192.0.2.1").join("E", "")        // IPv4 counts per address
	from("::ffff:192.0.2.2").join("F", "") // an IPv4-mapped address is the IPv4 address
	from("192.0.2.2").join("G", "")
	if msg := from("::ffff:192.0.2.2").refusal("H"); !strings.Contains(msg, "too many players from your address") {
		t.Fatalf("a third seat for 192.0.2.2: %q, want it refused", msg)
	}
}

// TestATokenUsedFromAnotherTabTellsTheFirst: a join with a token whose seat another connection
// holds takes the seat over; the first connection is told ("replaced") and its inputs no longer
// drive the tank. Before, the first tab froze without a word.
func TestATokenUsedFromAnotherTabTellsTheFirst(t *testing.T) {
	h := newHarness(t, nil)
	first := h.join(t, "Twin", "")
	second := h.connect(t, nil)
	second.join("Twin", first.ack.Token)
	if second.ack.ID != first.ack.ID {
		t.Fatalf("the second tab got tank %d, want the first tab's %d", second.ack.ID, first.ack.ID)
	}
	select {
	case msg := <-first.replaced:
		if msg == "" {
			t.Fatal(`"replaced" without a message`)
		}
	case <-time.After(waitFor):
		t.Fatal(`the first tab was not told it was replaced`)
	}
	if got := metric(t, h.lobby, "tankarena_seats_replaced_total"); got != 1 {
		t.Fatalf("replacements counted: %v, want 1", got)
	}
	// The first tab's inputs, numbered far ahead, are handled (the ping after them proves it)
	// but ignored: were they applied, the world would ignore the second tab's lower numbers.
	first.seq = 1 << 30
	for range 5 {
		first.send(1, 1, 0, true)
	}
	if _, err := first.s.EmitWithAck(t.Context(), "latency", 1); err != nil {
		t.Fatal(err)
	}
	second.send(0, 0, 0, false)
	want := second.seq
	second.waitSnapshot("the second tab's input applied", func(s *tanks.Snapshot) bool {
		tank, ok := tankIn(s, second.ack.ID)
		return ok && tank.Seq == want
	})
}

// TestInvisibleNamesAreRefused: names that would show as nothing are refused like empty ones.
func TestInvisibleNamesAreRefused(t *testing.T) {
	h := newHarness(t, noJoinLimits)
	p := h.connect(t, nil)
	names := []string{"\u200b", "\u3164\u3164", "\u115f", "\ufeff", "\u0301", " \u200b\u0301\u3164 "}
	for _, name := range names {
		if msg := p.refusal(name); msg != game.ErrBadName.Error() {
			t.Errorf("join as %+q: %q, want %q", name, msg, game.ErrBadName)
		}
	}
	if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="bad_name"}`); int(got) != len(names) {
		t.Fatalf("bad names counted: %v, want %d", got, len(names))
	}
}
