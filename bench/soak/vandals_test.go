package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"tankarena/game"
)

// A vandal attacks the server in one way (its kind), in cycles: each cycle is bounded in
// count and followed by a pause, so that it is a pest, not a flood (floods are the connection
// limits' business). Each vandal has a source address of its own and counts what the server
// did to it; a cycle returns an error only for what a correct server never does.
type vandal struct {
	kind    string
	n       int
	ip      net.IP // its source address; nil: the system's
	wsURL   string // ws://host:port/socket.io/?EIO=4&transport=websocket
	pollURL string // http://host:port/socket.io/?EIO=4&transport=polling
	dialer  *websocket.Dialer
	http    *http.Client
	tally   *tally
	seats   *seatLedger
}

// attack is one kind of vandal: a cycle and the pause after it.
type attack struct {
	kind  string
	cycle func(ctx context.Context, v *vandal) error
	pause time.Duration // on average; each pause is drawn from 0.5× to 1.5× of it
}

// attacks are the vandal kinds, one goroutine each: the ways issue 12 found to hurt the server,
// and the malformed packets from before.
var attacks = []attack{
	{"malformed packets", malformedCycle, 350 * time.Millisecond},
	{"seat grabber", seatGrabberCycle, 2500 * time.Millisecond},
	{"placeholder bomb", placeholderBombCycle, 700 * time.Millisecond},
	{"join spammer", joinSpamCycle, 2 * time.Second},
	{"stalled websocket", stalledWebsocketCycle, time.Second},
	{"silent poller", silentPollerCycle, time.Second},
	{"client lag", clientLagCycle, time.Second},
	{"connect-join-drop", connectJoinDropCycle, 700 * time.Millisecond},
	{"invisible names", invisibleNamesCycle, 1500 * time.Millisecond},
	{"token replay", tokenReplayCycle, time.Second},
}

func (v *vandal) run(ctx context.Context, a attack) {
	for ctx.Err() == nil {
		err := a.cycle(ctx, v)
		if ctx.Err() != nil {
			return // the soak is over: whatever the cycle met is the shutdown
		}
		var refused refusedError
		switch {
		case errors.As(err, &refused):
			v.saw(refused.Error()) // a connection limit: the server's to decide
		case err != nil:
			v.tally.fail("vandal %s: %v", a.kind, err)
		default:
			v.tally.cycle(a.kind)
		}
		pause := time.Duration((0.5 + rand.Float64()) * float64(a.pause))
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}

func (v *vandal) saw(outcome string) { v.tally.saw(v.kind, outcome) }

// sawJoin counts a join's answer.
func (v *vandal) sawJoin(refusal string) {
	if refusal == "" {
		v.saw("seated")
	} else {
		v.saw("join refused: " + refusal)
	}
}

func (v *vandal) dial(ctx context.Context, query string) (*wsConn, error) {
	return dialWS(ctx, v.dialer, v.wsURL, query)
}

// seatLedger bounds from above the seats the soak's clients can hold, for the check that the
// lobby's player count never exceeds it: each bot holds one (its token's), and a vandal
// connection one from just before its first join until the server must have let it go.
type seatLedger struct {
	bots    int
	vandals atomic.Int64
	// keep is how long a seat may outlive its connection: the reconnect window, plus slack
	// for the server to notice the close on a busy machine.
	keep time.Duration
}

func (l *seatLedger) bound() int64 { return int64(l.bots) + l.vandals.Load() }

// seatClaim is one connection's possible seat. It is used by one goroutine.
type seatClaim struct {
	l        *seatLedger
	counted  bool // the connection has sent a join
	seated   bool // some join on it was answered with a seat
	unsure   int  // joins sent and not answered
	released bool
}

func (l *seatLedger) claim() *seatClaim { return &seatClaim{l: l} }

// joining is called before each join is sent: from then on the server may count a seat.
func (c *seatClaim) joining() {
	if !c.counted {
		c.counted = true
		c.l.vandals.Add(1)
	}
	c.unsure++
}

func (c *seatClaim) answered(seated bool) {
	c.unsure--
	c.seated = c.seated || seated
}

// release is called once the connection is closed. A connection that never got a seat frees
// its place in the bound at once; one that may have had one, after the server has surely
// dropped the seat.
func (c *seatClaim) release() {
	if !c.counted || c.released {
		return
	}
	c.released = true
	if !c.seated && c.unsure == 0 {
		c.l.vandals.Add(-1)
		return
	}
	time.AfterFunc(c.l.keep, func() { c.l.vandals.Add(-1) })
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

// malformedCycle joins and sends five malformed packets, then reads for a moment.
func malformedCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	w, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	seat.joining() // its answer is not awaited: the seat stays unsure
	if _, err := w.emit("join", game.JoinRequest{Name: fmt.Sprintf("Vandal%d", v.n)}); err != nil {
		return err
	}
	for range 5 {
		pkt := malformedPackets[rand.IntN(len(malformedPackets))]
		kind := websocket.TextMessage
		if rand.IntN(4) == 0 {
			kind = websocket.BinaryMessage
		}
		if w.c.WriteMessage(kind, []byte(pkt)) != nil {
			break
		}
		v.tally.malformed.Add(1)
	}
	if w.closedWithin(time.Duration(100+rand.IntN(400)) * time.Millisecond) {
		v.saw("closed by the server")
	} else {
		v.saw("left open")
	}
	return nil
}

// seatGrabberCycle is attack (1): on one connection, CONNECT again (alone, or after a
// DISCONNECT) and join, as fast as the server answers, 12 times; the connection's join rate
// lets 10 through. A join gives up the seat the connection held, so the token of every seat
// but the last must be dead: a second connection then joins with the first one, and must get a
// new seat, not that one back (a check with no timing in it: the lobby's books say it).
func seatGrabberCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	w, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	var givenUp []string // tokens of seats a later join on the connection gave up
	held := ""
	for i := range 12 {
		switch i % 3 {
		case 1:
			if err := w.connect(); err != nil {
				return fmt.Errorf("CONNECT again: %w", err)
			}
		case 2:
			if err := w.send("41"); err != nil {
				return err
			}
			if err := w.connect(); err != nil {
				return fmt.Errorf("CONNECT after DISCONNECT: %w", err)
			}
		}
		seat.joining()
		ack, refusal, err := w.join(fmt.Sprintf("Grabber%d", v.n), "")
		if err != nil {
			return err
		}
		seat.answered(refusal == "")
		v.sawJoin(refusal)
		if refusal == "" {
			if held != "" {
				givenUp = append(givenUp, held)
			}
			held = ack.Token
		}
	}
	if len(givenUp) == 0 {
		return nil
	}
	probeSeat := v.seats.claim()
	defer probeSeat.release() // after the close
	probe, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer probe.close()
	if err := probe.connect(); err != nil {
		return err
	}
	probeSeat.joining()
	ack, refusal, err := probe.join(fmt.Sprintf("Grabber%d", v.n), givenUp[0])
	if err != nil {
		return err
	}
	probeSeat.answered(refusal == "")
	switch {
	case refusal != "":
		v.saw("probe refused: " + refusal)
	case ack.Token == givenUp[0]:
		return fmt.Errorf("a seat its connection gave up by joining again was still held: its token took it back (%d joins on the connection)", len(givenUp)+1)
	default:
		v.saw("given-up token got a new seat")
		_, _ = probe.emit("leave")
	}
	return nil
}

// placeholderBombCycle is attack (2): a binary event whose placeholders all name its one
// attachment (2,000 of them: 120 MB of copies of a 60 KB attachment, had the server decoded it
// as the reference does), or the smallest such packet. It is malformed: the server must close
// the connection, and never answer the ping sent after it (the server reads a connection's
// messages in order, so an answer means it took the packet).
func placeholderBombCycle(ctx context.Context, v *vandal) error {
	w, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	placeholders, attachment := 2, 16
	if rand.IntN(2) == 0 {
		placeholders, attachment = 2000, 60<<10
	}
	header := `451-["input"` + strings.Repeat(`,{"_placeholder":true,"num":0}`, placeholders) + `]`
	if w.send(header) == nil && w.c.WriteMessage(websocket.BinaryMessage, make([]byte, attachment)) == nil {
		if id, err := w.emit("latency", 1); err == nil {
			if _, err := w.until(waitLong, prefixed("43"+strconv.Itoa(id)+"[")); err == nil {
				return fmt.Errorf("the server took a packet whose %d placeholders name one attachment: it answered the ping after it", placeholders)
			} else if isTimeout(err) {
				return fmt.Errorf("the connection is still open %v after %d placeholders that name one attachment", waitLong, placeholders)
			}
		}
	}
	if ctx.Err() != nil {
		return nil // closed by the end of the soak, not by the server
	}
	v.tally.bombs.Add(1)
	v.saw(fmt.Sprintf("closed by the server after %d placeholders", placeholders))
	return nil
}

// joinSpamCycle is attack (3): 24 joins with new names in one go on a new connection, each a
// roster change for the arena's players. The connection's join rate takes 10.
func joinSpamCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	w, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	ids := make([]int, 24)
	for i := range ids {
		seat.joining()
		if ids[i], err = w.emit("join", game.JoinRequest{Name: fmt.Sprintf("Spam%d-%d", v.n, i)}); err != nil {
			return err
		}
	}
	for _, id := range ids { // the handlers run in order: so do the answers
		_, refusal, err := w.joinReply(id)
		if err != nil {
			return err
		}
		seat.answered(refusal == "")
		v.sawJoin(refusal)
	}
	return nil
}

// bigLatency is a ping payload far over the 64 bytes a "latency" request may carry.
var bigLatency = strings.Repeat("L", 16<<10)

// stalledWebsocketCycle is attack (4) on a websocket: join, ask for 16 echoes of 16 KiB (which
// the server used to queue for a client that reads nothing: 256 KiB a connection) and 16 small
// ones, and stop reading for 1 to 3 s, every fourth time for 12 s, past the server's 10 s
// write timeout should a write block that long (on loopback the kernel's buffers take in the
// snapshots of far longer, so none does). Then it reads: a big echo would be a failure.
func stalledWebsocketCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	w, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	seat.joining()
	_, refusal, err := w.join(fmt.Sprintf("Stall%d", v.n), "")
	if err != nil {
		return err
	}
	seat.answered(refusal == "")
	v.sawJoin(refusal)
	pings := map[int]bool{} // ack id → a big payload
	for i := range 32 {
		big := i%2 == 0
		var value any = time.Now().UnixMilli()
		if big {
			value = bigLatency
		}
		id, err := w.emit("latency", value)
		if err != nil {
			v.saw("closed by the server while it sent pings")
			return nil
		}
		pings[id] = big
	}
	stall := time.Duration(1+rand.IntN(3)) * time.Second
	if rand.IntN(4) == 0 {
		stall = 12 * time.Second
	}
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(stall):
	}
	for len(pings) > 0 {
		pkt, err := w.until(waitLong, prefixed("43"))
		if err != nil {
			v.saw(fmt.Sprintf("closed by the server during a %v stall", stall))
			return nil
		}
		idText, args, _ := strings.Cut(pkt[2:], "[")
		id, _ := strconv.Atoi(idText)
		big, ok := pings[id]
		if !ok {
			continue
		}
		delete(pings, id)
		var answer []json.RawMessage
		_ = json.Unmarshal([]byte("["+args), &answer)
		switch {
		case len(answer) > 0 && strings.HasPrefix(string(answer[0]), `{"error"`):
			if !big {
				return fmt.Errorf("a small ping was refused: %.100s", pkt)
			}
			v.saw("big ping refused")
		case big:
			return fmt.Errorf("a %d-byte ping was echoed", len(bigLatency))
		default:
			v.saw("small ping echoed")
		}
	}
	return nil
}

// silentPollerCycle is attack (4) on polling: a session that joins and never polls, so every
// answer (and every roster) waits on the server, while it sends pings: either 1,100 small ones
// in 11 POSTs, more than the 1,024 messages a session's queue holds (the server must close it,
// and the poll at the end then gets HTTP 400), or 60 of 16 KiB in 20 POSTs, which must be
// refused rather than echoed into the queue (1 MiB a session before the 64-byte bound).
func silentPollerCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	p, err := openPolling(ctx, v.http, v.pollURL)
	if err != nil {
		return err
	}
	defer p.close()
	join, _ := json.Marshal([]any{"join", game.JoinRequest{Name: fmt.Sprintf("Silent%d", v.n)}})
	seat.joining() // its answer is not read: the seat stays unsure
	if status, err := p.post(ctx, "40", "420"+string(join)); err != nil || status != http.StatusOK {
		return fmt.Errorf("POST of CONNECT and join: HTTP %d, %v", status, err)
	}
	big := rand.IntN(2) == 0
	posts, perPost, value := 11, 100, func(id int) string { return strconv.Itoa(id) }
	if big {
		posts, perPost, value = 20, 3, func(int) string { return `"` + bigLatency + `"` }
	}
	id, posted := 1, 0
	for range posts {
		pings := make([]string, perPost)
		for i := range pings {
			pings[i] = "42" + strconv.Itoa(id) + `["latency",` + value(id) + `]`
			id++
		}
		status, err := p.post(ctx, pings...)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			p.closed = status == http.StatusBadRequest
			v.saw(fmt.Sprintf("POST refused with HTTP %d after %d pings", status, posted))
			break
		}
		posted += len(pings)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(20 * time.Millisecond):
		}
	}
	status, packets, err := p.poll(ctx)
	if err != nil {
		return err
	}
	switch {
	case status == http.StatusBadRequest:
		p.closed = true
		v.saw(fmt.Sprintf("closed by the server after %d pings: its poll got HTTP 400", posted))
		return nil
	case status != http.StatusOK:
		return fmt.Errorf("poll: HTTP %d", status)
	case len(packets) > 1024+16: // the queue's bound, and the pings the transport may add
		return fmt.Errorf("a session that did not poll had %d packets queued", len(packets))
	}
	refused := 0
	for _, pkt := range packets {
		if strings.HasPrefix(pkt, "43") && strings.Contains(pkt, bigLatency[:64]) {
			return fmt.Errorf("a %d-byte ping was echoed into the queue of a session that did not poll", len(bigLatency))
		}
		if strings.HasPrefix(pkt, "43") && strings.Contains(pkt, `{"error"`) {
			refused++
		}
	}
	v.saw(fmt.Sprintf("its poll after %d pings got %d refusals", posted, refused))
	return nil
}

// clientLagCycle is attack (4), client-chosen lag: the handshake asks for 5 s of lag and 5 s
// of jitter; the server cuts both to 1 s. The vandal plays for a second, pinging, and waits for
// its answers.
func clientLagCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	w, err := v.dial(ctx, "&lag=5000&jitter=5000")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	seat.joining()
	ack, refusal, err := w.join(fmt.Sprintf("Laggard%d", v.n), "")
	if err != nil {
		return err
	}
	v.tally.lagConnects.Add(1) // the server has parsed its handshake's query by now
	seat.answered(refusal == "")
	v.sawJoin(refusal)
	sent := map[int]time.Time{}
	seq := ack.Seq
	for i := range 60 {
		seq++
		if err := w.send(fmt.Sprintf(`42["input",[%d,1,0,0,0]]`, seq)); err != nil {
			return err
		}
		if i%10 == 0 {
			id, err := w.emit("latency", time.Now().UnixMilli())
			if err != nil {
				return err
			}
			sent[id] = time.Now()
		}
		time.Sleep(time.Second / 60)
	}
	var slowest time.Duration
	for len(sent) > 0 {
		pkt, err := w.until(waitLong, prefixed("43"))
		if err != nil {
			return fmt.Errorf("%d pings unanswered: %w", len(sent), err)
		}
		idText, _, _ := strings.Cut(pkt[2:], "[")
		id, _ := strconv.Atoi(idText)
		if at, ok := sent[id]; ok {
			slowest = max(slowest, time.Since(at))
			delete(sent, id)
		}
	}
	// The round trip crosses the simulated network twice: at most 4 s with the cut, up to 20 s
	// without. Reported, not asserted (a busy machine adds its own delays); the server's
	// counter of cut handshakes is what the soak checks.
	v.saw(fmt.Sprintf("pings answered within %v", slowest.Round(time.Second)+time.Second))
	return nil
}

// connectJoinDropCycle is attack (5): 12 times, connect, join and drop the connection without
// a word, each drop leaving a seat held for the reconnect window. The address's handshake and
// join rates and its seat bound meet it.
func connectJoinDropCycle(ctx context.Context, v *vandal) error {
	for range 12 {
		w, err := v.dial(ctx, "")
		if err != nil {
			return err
		}
		seat := v.seats.claim()
		err = w.connect()
		if err == nil {
			seat.joining()
			var refusal string
			if _, refusal, err = w.join(fmt.Sprintf("Dropper%d", v.n), ""); err == nil {
				seat.answered(refusal == "")
				v.sawJoin(refusal)
			}
		}
		_ = w.c.NetConn().Close() // no close frame: the connection just ends
		w.close()
		seat.release()
		if err != nil {
			return err
		}
	}
	return nil
}

// invisibleNames are names with nothing visible in them: fillers, zero-width and format
// characters, blanks, lone combining marks. Every one must be refused.
var invisibleNames = []string{
	"\u3164", "\u3164\u3164\u3164", "\u200b", "\u200b\u200c\u200d\u2060", "\u115f\u1160", "\uffa0",
	"\u2800\u2800", " \u0301\u0301", "\u202e\u3164", "\ufeff", "\u00ad", "\u034f",
}

// invisibleNamesCycle is attack (6), names: five invisible names on one connection, then one
// that hides a visible one among invisible characters (which must be seated).
func invisibleNamesCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim()
	defer seat.release() // after the close
	w, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer w.close()
	if err := w.connect(); err != nil {
		return err
	}
	for range 5 {
		name := invisibleNames[rand.IntN(len(invisibleNames))]
		seat.joining()
		_, refusal, err := w.join(name, "")
		if err != nil {
			return err
		}
		seat.answered(refusal == "")
		if refusal == "" {
			return fmt.Errorf("the invisible name %+q got a seat", name)
		}
		v.sawJoin(refusal)
	}
	seat.joining()
	_, refusal, err := w.join("\u200bEve\u3164", "")
	if err != nil {
		return err
	}
	seat.answered(refusal == "")
	v.sawJoin(refusal)
	return nil
}

// tokenReplayCycle is attack (6), tokens: a second connection joins with the first one's
// token and takes its tank, then the first takes it back. Each takeover must tell the
// connection that lost the tank ("replaced"); the pair holds one seat.
func tokenReplayCycle(ctx context.Context, v *vandal) error {
	seat := v.seats.claim() // the pair's one seat
	defer seat.release()    // after both closes
	first, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer first.close()
	if err := first.connect(); err != nil {
		return err
	}
	seat.joining()
	ack, refusal, err := first.join(fmt.Sprintf("Replayer%d", v.n), "")
	if err != nil {
		return err
	}
	seat.answered(refusal == "")
	v.sawJoin(refusal)
	if refusal != "" {
		return nil
	}
	second, err := v.dial(ctx, "")
	if err != nil {
		return err
	}
	defer second.close()
	if err := second.connect(); err != nil {
		return err
	}
	for _, turn := range []struct{ taker, loser *wsConn }{{second, first}, {first, second}} {
		again, refusal, err := turn.taker.join("Replayer", ack.Token)
		if err != nil {
			return err
		}
		if refusal != "" {
			v.saw("replay refused: " + refusal)
			return nil
		}
		if again.Token != ack.Token || again.ID != ack.ID {
			return fmt.Errorf("a join with a held token gave tank %d, want %d", again.ID, ack.ID)
		}
		if _, err := turn.loser.until(waitLong, prefixed(`42["replaced"`)); err != nil {
			return fmt.Errorf("the connection whose tank was taken over was not told: %w", err)
		}
		v.tally.takeovers.Add(1)
		v.saw("taken over, the other told \"replaced\"")
	}
	return nil
}

// newVandal sets up vandal k of the given kind, from its own source address (nil: the
// system's, when the loopback spread is not available).
func newVandal(k int, kind string, ip net.IP, serverURL string, t *tally, seats *seatLedger) *vandal {
	base := serverURL + "/socket.io/?EIO=4&transport="
	return &vandal{
		kind: kind, n: k, ip: ip,
		wsURL:   "ws" + strings.TrimPrefix(base, "http") + "websocket",
		pollURL: base + "polling",
		dialer:  dialerFrom(ip),
		http:    httpClientFrom(ip),
		tally:   t,
		seats:   seats,
	}
}
