package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
)

// onePacket returns the only packet sent since the last call.
func onePacket(t *testing.T, f *fakeConn) *parser.Packet {
	t.Helper()
	ps := f.packets(t)
	if len(ps) != 1 {
		t.Fatalf("got %d packets, want 1: %v", len(ps), ps)
	}
	return ps[0]
}

func connected(t *testing.T, f *fakeConn, nsp string) string {
	t.Helper()
	p := onePacket(t, f)
	var body struct{ SID string }
	if p.Type != parser.Connect || p.Namespace != nsp || json.Unmarshal(p.Data, &body) != nil || len(body.SID) != 20 {
		t.Fatalf("want CONNECT with sid on %s, got %v %s %s", nsp, p.Type, p.Namespace, p.Data)
	}
	return body.SID
}

func TestConnectMainAndCustomNamespace(t *testing.T) {
	srv := NewServer(Options{})
	var got []*Socket
	srv.OnConnection(func(s *Socket) { got = append(got, s) })
	srv.Of("admin").OnConnection(func(s *Socket) { got = append(got, s) })

	f := connectFake(srv, "room=blue")
	f.text(`0`)
	sid := connected(t, f, "/")
	f.text(`0/admin,{"token":"t"}`)
	connected(t, f, "/admin")

	if len(got) != 2 || got[0].ID() != sid || got[1].Namespace().Name() != "/admin" {
		t.Fatalf("connections = %v", got)
	}
	if q := got[0].Handshake().Query.Get("room"); q != "blue" {
		t.Errorf("handshake query room = %q", q)
	}
	var auth struct{ Token string }
	if err := got[1].Handshake().DecodeAuth(&auth); err != nil || auth.Token != "t" {
		t.Errorf("auth = %+v, %v", auth, err)
	}
	// A CONNECT without payload gives {}, as the reference's connect(name, auth = {}).
	if a := string(got[0].Handshake().Auth); a != "{}" {
		t.Errorf("auth of a CONNECT without payload = %q, want {}", a)
	}
	if rooms := got[0].Rooms(); len(rooms) != 1 || rooms[0] != sid {
		t.Errorf("a new socket is in rooms %v, want its own id", rooms)
	}
}

func TestUnknownNamespaceIsRefused(t *testing.T) {
	srv := NewServer(Options{})
	f := connectFake(srv, "")
	f.text(`0/nope,`)
	p := onePacket(t, f)
	if p.Type != parser.ConnectError || p.Namespace != "/nope" || string(p.Data) != `{"message":"Invalid namespace"}` {
		t.Fatalf("got %v %s %s", p.Type, p.Namespace, p.Data)
	}
}

func TestMiddlewareRefusesWithData(t *testing.T) {
	srv := NewServer(Options{})
	var order []string
	srv.Use(func(s *Socket) error { order = append(order, "first"); return nil })
	srv.Use(func(s *Socket) error {
		var auth struct{ Token string }
		if err := s.Handshake().DecodeAuth(&auth); err != nil || auth.Token != "secret" {
			return &ConnectError{Message: "not authorized", Data: map[string]string{"content": "retry later"}}
		}
		return nil
	})
	ran := false
	srv.OnConnection(func(*Socket) { ran = true })

	f := connectFake(srv, "")
	f.text(`0{"token":"wrong"}`)
	p := onePacket(t, f)
	if p.Type != parser.ConnectError || string(p.Data) != `{"message":"not authorized","data":{"content":"retry later"}}` {
		t.Fatalf("got %v %s", p.Type, p.Data)
	}
	if ran {
		t.Fatal("connection handler ran for a refused socket")
	}
	f.text(`0{"token":"secret"}`)
	connected(t, f, "/")
	if !ran || len(order) != 2 {
		t.Fatalf("ran=%v middlewares=%v", ran, order)
	}
}

func TestEventsAndAcks(t *testing.T) {
	srv := NewServer(Options{})
	type move struct {
		X, Y float64
	}
	var got []string
	srv.OnConnection(func(s *Socket) {
		s.On("move", func(ev *Event) {
			var m move
			var n int
			if err := ev.Decode(0, &m); err != nil {
				t.Error(err)
			}
			if err := ev.Decode(1, &n); err != nil {
				t.Error(err)
			}
			if err := ev.Decode(2, &n); err == nil {
				t.Error("decoding a missing argument succeeded")
			}
			got = append(got, ev.Name)
			if ev.WantsAck() {
				if err := ev.Ack("ok", m.X+m.Y); err != nil {
					t.Error(err)
				}
				if err := ev.Ack("twice"); !errors.Is(err, ErrNoAck) {
					t.Errorf("second ack: %v", err)
				}
			} else if err := ev.Ack(); !errors.Is(err, ErrNoAck) {
				t.Errorf("ack without a callback: %v", err)
			}
		})
	})
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	f.text(`2["move",{"X":1,"Y":2},7]`)
	if ps := f.packets(t); len(ps) != 0 {
		t.Fatalf("event without ack id was answered: %v", ps)
	}
	f.text(`242["move",{"X":1,"Y":2},7]`)
	p := onePacket(t, f)
	if p.Type != parser.Ack || !p.HasID || p.ID != 42 || string(p.Data) != `["ok",3]` {
		t.Fatalf("ack = %v %d %s", p.Type, p.ID, p.Data)
	}
	if len(got) != 2 {
		t.Fatalf("handled %v", got)
	}
}

func TestEmitWithAck(t *testing.T) {
	f, s := joinMain(t, NewServer(Options{}))

	type result struct {
		args *Args
		err  error
	}
	done := make(chan result)
	go func() {
		a, err := s.EmitWithAck(context.Background(), "question", 6, 7)
		done <- result{a, err}
	}()
	var p *parser.Packet
	for p == nil {
		if ps := f.packets(t); len(ps) > 0 {
			p = ps[0]
		} else {
			time.Sleep(time.Millisecond)
		}
	}
	if p.Type != parser.Event || !p.HasID || string(p.Data) != `["question",6,7]` {
		t.Fatalf("emitted %v %s", p.Type, p.Data)
	}
	f.text(`3` + itoa(p.ID) + `[42]`)
	r := <-done
	var answer int
	if r.err != nil || r.args.Decode(0, &answer) != nil || answer != 42 {
		t.Fatalf("answer = %v, %v", r.args, r.err)
	}
	// A second answer with the same id, and answers with unknown ids, are ignored.
	f.text(`3` + itoa(p.ID) + `[1]`)
	f.text(`3999[1]`)

	_, err := s.Timeout(time.Millisecond).EmitWithAck(context.Background(), "never answered")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout err = %v", err)
	}
	if f.closeReason() != "" {
		t.Fatalf("connection closed: %s", f.closeReason())
	}
}

// TestEmitWithAckFromAHandler waits for the client's answer inside an event handler of the
// same client: handlers run off the connection's reader, so the answer can still come in.
func TestEmitWithAckFromAHandler(t *testing.T) {
	srv := NewServer(Options{})
	answers := make(chan string, 1)
	srv.OnConnection(func(s *Socket) {
		s.On("start", func(ev *Event) {
			a, err := s.Timeout(time.Minute).EmitWithAck(context.Background(), "name?")
			var name string
			if err == nil {
				err = a.Decode(0, &name)
			}
			if err != nil {
				t.Error(err)
			}
			answers <- name
		})
	})
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	f.text(`2["start"]`)
	var p *parser.Packet
	for p == nil {
		f.mu.Lock()
		sent := f.sent
		f.sent = nil
		f.mu.Unlock()
		for _, m := range sent {
			var d parser.Decoder
			p, _ = d.Add(m.Data, m.Binary)
		}
		time.Sleep(time.Millisecond)
	}
	f.text(`3` + itoa(p.ID) + `["tank"]`)
	if name := <-answers; name != "tank" {
		t.Fatalf("answer = %q", name)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

func TestBinary(t *testing.T) {
	srv := NewServer(Options{})
	type upload struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	}
	uploads := make(chan upload, 1)
	srv.OnConnection(func(s *Socket) {
		s.Emit("frame", []byte{1, 2, 3}, map[string]any{"thumb": []byte("png")})
		s.On("upload", func(ev *Event) {
			var u upload
			if err := ev.Decode(0, &u); err != nil {
				t.Error(err)
			}
			uploads <- u
		})
	})
	f := connectFake(srv, "")
	f.text(`0`)
	ps := f.packets(t)
	if len(ps) != 2 || ps[1].Type != parser.BinaryEvent || len(ps[1].Attachments) != 2 ||
		!bytes.Equal(ps[1].Attachments[0], []byte{1, 2, 3}) || string(ps[1].Attachments[1]) != "png" {
		t.Fatalf("packets = %v", ps)
	}
	f.text(`51-["upload",{"name":"a.png","data":{"_placeholder":true,"num":0}}]`)
	f.binary([]byte{0xff, 0})
	u := <-uploads
	if u.Name != "a.png" || !bytes.Equal(u.Data, []byte{0xff, 0}) {
		t.Fatalf("upload = %+v", u)
	}
}

func TestRoomsAndBroadcast(t *testing.T) {
	srv := NewServer(Options{})
	var mu sync.Mutex
	sockets := map[string]*Socket{}
	srv.OnConnection(func(s *Socket) {
		mu.Lock()
		sockets[s.ID()] = s
		mu.Unlock()
		s.On("join", func(ev *Event) {
			var room string
			ev.Decode(0, &room)
			s.Join(room)
			ev.Ack()
		})
		s.On("shout", func(ev *Event) { s.Broadcast().Emit("shout", ev.Raw(0)) })
	})
	conns := make([]*fakeConn, 4)
	ids := make([]string, 4)
	for i := range conns {
		conns[i] = connectFake(srv, "")
		conns[i].text(`0`)
		ids[i] = connected(t, conns[i], "/")
	}
	conns[0].text(`20["join","red"]`)
	conns[1].text(`20["join","red"]`)
	for _, c := range conns[:2] {
		onePacket(t, c)
	}

	if err := srv.To("red").Except(ids[1]).Emit("hit", 5); err != nil {
		t.Fatal(err)
	}
	if p := onePacket(t, conns[0]); string(p.Data) != `["hit",5]` {
		t.Fatalf("red member got %s", p.Data)
	}
	for _, c := range conns[1:] {
		if ps := c.packets(t); len(ps) != 0 {
			t.Fatalf("a socket outside the selection got %v", ps)
		}
	}

	conns[2].text(`2["shout",{"msg":"hi"}]`)
	conns[2].settle()
	for i, c := range conns {
		ps := c.packets(t)
		if i == 2 && len(ps) != 0 {
			t.Fatal("the sender got its own broadcast")
		}
		if i != 2 && (len(ps) != 1 || string(ps[0].Data) != `["shout",{"msg":"hi"}]`) {
			t.Fatalf("socket %d got %v", i, ps)
		}
	}

	// Encoded once: every recipient was handed the very same bytes.
	srv.Emit("all", []byte("blob"))
	var first *byte
	for _, c := range conns {
		c.mu.Lock()
		text := c.sent[0].Data
		c.mu.Unlock()
		if first == nil {
			first = &text[0]
		} else if &text[0] != first {
			t.Fatal("broadcast was encoded more than once")
		}
		c.packets(t)
	}

	// Volatile: a socket whose transport cannot take it right now does not get it.
	conns[3].mu.Lock()
	conns[3].refuseLater = true
	conns[3].mu.Unlock()
	srv.Volatile().Emit("tick", 1)
	if ps := conns[3].packets(t); len(ps) != 0 {
		t.Fatalf("volatile packet was queued: %v", ps)
	}
	if ps := conns[0].packets(t); len(ps) != 1 {
		t.Fatalf("volatile packet lost for a ready socket: %v", ps)
	}

	mu.Lock()
	s0, s1 := sockets[ids[0]], sockets[ids[1]]
	mu.Unlock()
	s0.Leave("red")
	if got := srv.To("red").Sockets(); len(got) != 1 || got[0].ID() != ids[1] {
		t.Fatalf("red after leave = %v", got)
	}
	conns[1].Close(ReasonTransportClose)
	waitExited(t, s1)
	if got := srv.To("red").Sockets(); len(got) != 0 {
		t.Fatalf("a disconnected socket stayed in its room: %v", got)
	}
}

func TestBroadcastWithAck(t *testing.T) {
	srv := NewServer(Options{})
	conns := make([]*fakeConn, 3)
	for i := range conns {
		conns[i] = connectFake(srv, "")
		conns[i].text(`0`)
		connected(t, conns[i], "/")
	}
	done := make(chan error)
	var answers []*Args
	go func() {
		var err error
		answers, err = srv.Timeout(time.Minute).EmitWithAck(context.Background(), "vote")
		done <- err
	}()
	for i := 0; i < len(conns); {
		ps := conns[i].packets(t)
		if len(ps) == 0 {
			time.Sleep(time.Millisecond)
			continue
		}
		conns[i].text(`3` + itoa(ps[0].ID) + `[` + itoa(uint64(i)) + `]`)
		i++
	}
	if err := <-done; err != nil || len(answers) != 3 {
		t.Fatalf("answers = %v, %v", answers, err)
	}

	go func() {
		_, err := srv.Timeout(10*time.Millisecond).EmitWithAck(context.Background(), "ignored")
		done <- err
	}()
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestDisconnectReasons(t *testing.T) {
	srv := NewServer(Options{})
	reasons := make(chan string, 10)
	sockets := make(chan *Socket, 10)
	srv.OnConnection(func(s *Socket) {
		s.OnDisconnect(func(r string) { reasons <- r })
		sockets <- s
	})
	srv.Of("/chat").OnConnection(func(s *Socket) {
		s.OnDisconnect(func(r string) { reasons <- "chat: " + r })
		sockets <- s
	})

	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	<-sockets
	f.text(`1`)
	if r := <-reasons; r != ReasonClientDisconnect {
		t.Fatalf("reason = %q", r)
	}

	f.text(`0`)
	connected(t, f, "/")
	s := <-sockets
	s.Disconnect(false)
	if r := <-reasons; r != ReasonServerDisconnect {
		t.Fatalf("reason = %q", r)
	}
	if p := onePacket(t, f); p.Type != parser.Disconnect {
		t.Fatalf("client was not told: %v", p.Type)
	}
	if err := s.Emit("late"); !errors.Is(err, ErrDisconnected) {
		t.Fatalf("emit after disconnect: %v", err)
	}

	f.text(`0`)
	f.text(`0/chat,`)
	f.packets(t)
	s = <-sockets
	<-sockets
	s.Disconnect(true)
	got := []string{<-reasons, <-reasons}
	slices.Sort(got)
	if got[0] != "chat: "+ReasonServerDisconnect || got[1] != ReasonServerDisconnect {
		t.Fatalf("reasons = %v", got)
	}
	if f.closeReason() != ReasonForcedClose {
		t.Fatalf("connection close reason = %q", f.closeReason())
	}

	g := connectFake(srv, "")
	g.text(`0`)
	connected(t, g, "/")
	<-sockets
	g.Close(ReasonPingTimeout)
	if r := <-reasons; r != ReasonPingTimeout {
		t.Fatalf("reason = %q", r)
	}
}

func TestBadInputClosesOnlyTheCulprit(t *testing.T) {
	srv := NewServer(Options{})
	reasons := make(chan string, 10)
	events := make(chan string, 10)
	srv.OnConnection(func(s *Socket) {
		s.OnDisconnect(func(r string) { reasons <- r })
		s.On("boom", func(*Event) { panic("handler bug") })
		s.On("ping", func(ev *Event) { events <- ev.Name })
	})
	bystander := connectFake(srv, "")
	bystander.text(`0`)
	connected(t, bystander, "/")

	for _, bad := range []string{`9`, `2["x"`, `2[1]`, `2["connect"]`, `51-["x",{"_placeholder":true,"num":4}]`, `2admin,["x"]`} {
		f := connectFake(srv, "")
		f.text(`0`)
		connected(t, f, "/")
		f.text(bad)
		if bad[0] == '5' {
			f.binary([]byte{1})
		}
		if r := <-reasons; r != ReasonParseError {
			t.Fatalf("%s: reason %q", bad, r)
		}
		if f.closeReason() != ReasonParseError {
			t.Fatalf("%s: connection close reason %q", bad, f.closeReason())
		}
	}

	// Ignored: acks with unknown ids, events for namespaces not joined, a panicking handler.
	bystander.text(`3/x,7[]`)
	bystander.text(`37[]`)
	bystander.text(`2/admin,["ping"]`)
	bystander.text(`2["boom"]`)
	bystander.text(`2["ping"]`)
	if ev := <-events; ev != "ping" {
		t.Fatalf("event = %q", ev)
	}
	if bystander.closeReason() != "" || len(reasons) != 0 {
		t.Fatalf("the bystander was affected: %q", bystander.closeReason())
	}
}

func TestConnectTimeout(t *testing.T) {
	srv := NewServer(Options{ConnectTimeout: 5 * time.Millisecond})
	f := connectFake(srv, "")
	deadline := time.Now().Add(testenv.Patience(30 * time.Second))
	for f.closeReason() == "" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if f.closeReason() != ReasonForcedClose {
		t.Fatalf("idle connection close reason = %q", f.closeReason())
	}
}

func TestDynamicNamespaces(t *testing.T) {
	srv := NewServer(Options{})
	var auths []string // as the namespace function saw them, before any socket exists
	games := srv.OfFunc(func(name string, hs *Handshake) bool {
		auths = append(auths, string(hs.Auth))
		return strings.HasPrefix(name, "/game-")
	})
	joined := make(chan string, 2)
	games.OnConnection(func(s *Socket) { joined <- s.Namespace().Name() })

	a, b := connectFake(srv, ""), connectFake(srv, "")
	a.text(`0/game-1,`)
	connected(t, a, "/game-1")
	b.text(`0/game-2,`)
	connected(t, b, "/game-2")
	if got := []string{<-joined, <-joined}; got[0] != "/game-1" || got[1] != "/game-2" {
		t.Fatalf("joined %v", got)
	}
	if !slices.Equal(auths, []string{"{}", "{}"}) {
		t.Errorf("auths without payload = %q, want {} each time", auths)
	}
	games.Emit("start")
	if p := onePacket(t, a); p.Namespace != "/game-1" || string(p.Data) != `["start"]` {
		t.Fatalf("a got %s %s", p.Namespace, p.Data)
	}
	if p := onePacket(t, b); p.Namespace != "/game-2" {
		t.Fatalf("b got %s", p.Namespace)
	}
	if srv.Of("/game-1") == nil || len(srv.Of("/game-1").Sockets()) != 1 {
		t.Fatal("the child namespace is not reachable with Of")
	}
	a.text(`0/lobby,`)
	if p := onePacket(t, a); p.Type != parser.ConnectError {
		t.Fatalf("unmatched dynamic namespace: %v", p.Type)
	}
}

func TestEmitRefusesReservedNames(t *testing.T) {
	srv := NewServer(Options{})
	if err := srv.Emit("disconnect"); !errors.Is(err, ErrReservedEvent) {
		t.Fatalf("err = %v", err)
	}
}

func TestServesClientScript(t *testing.T) {
	srv := NewServer(Options{})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/socket.io/socket.io.js", nil))
	etag := rec.Header().Get("ETag")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/javascript") || etag == "" || rec.Body.Len() == 0 {
		t.Fatalf("got %d %v", rec.Code, rec.Header())
	}
	req := httptest.NewRequest(http.MethodGet, "/socket.io/socket.io.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("revalidation got %d", rec.Code)
	}
}

func TestClientScriptFollowsThePath(t *testing.T) {
	srv := NewServer(Options{Engine: engineio.Options{Path: "/rt/"}})
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/rt/socket.io.js", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("custom path: %d", rec.Code)
	}
	off := NewServer(Options{DisableClientScript: true})
	rec = httptest.NewRecorder()
	off.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/socket.io/socket.io.js", nil))
	if rec.Code == http.StatusOK {
		t.Fatal("the script was served although disabled")
	}
}

// TestAckWithoutIDAnswersNobody: an ACK that carries no id must not be taken as the answer to
// (and so drop the waiter of) ack id 0.
func TestAckWithoutIDAnswersNobody(t *testing.T) {
	f, s := joinMain(t, NewServer(Options{}))

	answers := make(chan *Args, 1)
	if _, err := s.emit("question", nil, false, func(a *Args) { answers <- a }); err != nil {
		t.Fatal(err)
	}
	p := onePacket(t, f)
	if !p.HasID || p.ID != 0 {
		t.Fatalf("first ack id = %d (has %v), want 0", p.ID, p.HasID)
	}
	f.text(`3["not an answer"]`)
	f.text(`30["answer"]`)
	select {
	case a := <-answers:
		var got string
		if err := a.Decode(0, &got); err != nil || got != "answer" {
			t.Fatalf("answer = %q, %v", got, err)
		}
	default:
		t.Fatal("the waiter of ack id 0 was lost to an ACK without id")
	}
}

// TestTimedOutAckIsForgotten: an EmitWithAck that gives up must not leave its waiter behind,
// or a client that never answers grows the socket's ack table for as long as it stays.
func TestTimedOutAckIsForgotten(t *testing.T) {
	_, s := joinMain(t, NewServer(Options{}))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		if _, err := s.EmitWithAck(ctx, "never answered"); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	}
	s.mu.Lock()
	pending := len(s.acks)
	s.mu.Unlock()
	if pending != 0 {
		t.Fatalf("%d acks still pending after their EmitWithAck returned", pending)
	}
}

// TestEventFloodClosesTheConnection: a client that sends events faster than its handlers run
// is disconnected once Options.EventQueueSize are waiting. The reader never waits for the
// handlers, so it stays free to read acks and the close.
func TestEventFloodClosesTheConnection(t *testing.T) {
	const queue = 4
	srv := NewServer(Options{EventQueueSize: queue})
	release := make(chan struct{})
	reasons := make(chan string, 1)
	sockets := make(chan *Socket, 1)
	srv.OnConnection(func(s *Socket) {
		s.On("slow", func(*Event) { <-release })
		s.OnDisconnect(func(r string) { reasons <- r })
		sockets <- s
	})
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	s := <-sockets

	flooded := make(chan struct{})
	go func() {
		defer close(flooded)
		// One handler call runs and queue wait: the next one cannot be queued.
		for range queue + 5 {
			f.text(`2["slow"]`)
		}
	}()
	select {
	case <-flooded:
	case <-time.After(testenv.Patience(30 * time.Second)):
		close(release)
		t.Fatal("the connection's reader is stuck behind a busy handler")
	}
	if got := f.closeReason(); got != ReasonEventQueueFull {
		t.Fatalf("connection close reason = %q, want %q", got, ReasonEventQueueFull)
	}
	close(release)
	if r := <-reasons; r != ReasonEventQueueFull {
		t.Fatalf("disconnect reason = %q", r)
	}
	waitExited(t, s) // the socket's goroutine ends once the queued calls ran
}

// TestInlineEventsTakeNoQueuePlace: events with an OnInline handler run on the reader as they
// arrive, so a flood of them far beyond Options.EventQueueSize, while the socket's queued
// handler is blocked, neither waits nor closes the connection; queued events keep their order.
func TestInlineEventsTakeNoQueuePlace(t *testing.T) {
	const queue = 4
	srv := NewServer(Options{EventQueueSize: queue})
	release := make(chan struct{})
	sockets := make(chan *Socket, 1)
	var mu sync.Mutex
	var order []string
	inline := 0
	srv.OnConnection(func(s *Socket) {
		s.On("slow", func(e *Event) {
			<-release
			mu.Lock()
			order = append(order, string(e.Raw(0)))
			mu.Unlock()
		})
		s.OnInline("often", func(*Event) {
			mu.Lock()
			inline++
			mu.Unlock()
		})
		sockets <- s
	})
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	s := <-sockets
	if s.ConnID() != "fake" || s.ClientIP() != "192.0.2.1" {
		t.Fatalf("ConnID %q, ClientIP %q: not the connection's", s.ConnID(), s.ClientIP())
	}

	f.text(`2["slow",1]`) // runs, and blocks the socket's goroutine
	f.text(`2["slow",2]`) // waits in the queue
	for range 50 * queue {
		f.text(`2["often"]`)
	}
	mu.Lock()
	got := inline
	mu.Unlock()
	if got != 50*queue || f.closeReason() != "" {
		t.Fatalf("%d of %d inline events handled, connection closed with %q", got, 50*queue, f.closeReason())
	}
	close(release)
	f.settle()
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order, []string{"1", "2"}) {
		t.Fatalf("queued events ran in order %v", order)
	}
}

// TestCloseTransport drops the connection without a DISCONNECT, so the client reconnects: every
// namespace of the connection is left with ReasonForcedClose.
func TestCloseTransport(t *testing.T) {
	srv := NewServer(Options{})
	reasons := make(chan string, 2)
	sockets := make(chan *Socket, 2)
	onConnection := func(s *Socket) {
		s.OnDisconnect(func(r string) { reasons <- s.Namespace().Name() + ": " + r })
		sockets <- s
	}
	srv.OnConnection(onConnection)
	srv.Of("/chat").OnConnection(onConnection)
	f := connectFake(srv, "")
	f.text(`0`)
	f.text(`0/chat,`)
	f.packets(t)
	s := <-sockets
	<-sockets

	s.CloseTransport()
	got := []string{<-reasons, <-reasons}
	slices.Sort(got)
	if want := []string{"/: " + ReasonForcedClose, "/chat: " + ReasonForcedClose}; !slices.Equal(got, want) {
		t.Fatalf("reasons = %v, want %v", got, want)
	}
	if f.closeReason() != ReasonForcedClose {
		t.Fatalf("connection close reason = %q", f.closeReason())
	}
	if ps := f.packets(t); len(ps) != 0 {
		t.Fatalf("the client was sent %v; it must see only the transport close", ps)
	}
}

// joinMain connects a fake client to the main namespace of srv and returns the server's socket.
func joinMain(t *testing.T, srv *Server) (*fakeConn, *Socket) {
	t.Helper()
	sockets := make(chan *Socket, 1)
	srv.OnConnection(func(s *Socket) { sockets <- s })
	f := connectFake(srv, "")
	f.text(`0`)
	connected(t, f, "/")
	return f, <-sockets
}

// TestDisconnectTrueOnALeftSocketClosesNothing: Disconnect(true) on a socket that already left
// must not take down the namespaces the connection still uses.
func TestDisconnectTrueOnALeftSocketClosesNothing(t *testing.T) {
	srv := NewServer(Options{})
	srv.Of("/chat")
	f, s := joinMain(t, srv)
	f.text(`0/chat,`)
	connected(t, f, "/chat")
	f.text(`1`) // the client leaves "/"
	<-s.Done()

	s.Disconnect(true)
	if got := f.closeReason(); got != "" {
		t.Fatalf("the connection was closed (%q) though /chat is still joined", got)
	}
}

// slowJoinAdapter holds AddAll for room "slow" until released, and reports DelAll calls.
type slowJoinAdapter struct {
	Adapter
	joining, release, delAll chan struct{}
}

func (a *slowJoinAdapter) AddAll(id string, rooms ...string) {
	if slices.Contains(rooms, "slow") {
		close(a.joining)
		<-a.release
	}
	a.Adapter.AddAll(id, rooms...)
}

func (a *slowJoinAdapter) DelAll(id string) {
	select {
	case a.delAll <- struct{}{}:
	default:
	}
	a.Adapter.DelAll(id)
}

// TestJoinRacingDisconnectLeavesNoRoom: a Join that started before the socket disconnected is
// undone by the disconnect, never applied after it.
func TestJoinRacingDisconnectLeavesNoRoom(t *testing.T) {
	adapter := &slowJoinAdapter{joining: make(chan struct{}), release: make(chan struct{}), delAll: make(chan struct{}, 1)}
	srv := NewServer(Options{NewAdapter: func(l Local) Adapter {
		adapter.Adapter = NewMemoryAdapter(l)
		return adapter
	}})
	f, s := joinMain(t, srv)
	f.settle()

	joined := make(chan struct{})
	go func() {
		defer close(joined)
		s.Join("slow")
	}()
	<-adapter.joining
	f.text(`1`) // the client leaves while the Join is in the adapter
	// Give an unordered leave the chance to run DelAll before the Join completes; with the
	// order enforced it cannot, and this only waits.
	select {
	case <-adapter.delAll:
	case <-time.After(200 * time.Millisecond):
	}
	close(adapter.release)
	<-joined
	waitExited(t, s)
	if rooms := srv.main.Adapter().SocketRooms(s.ID()); len(rooms) != 0 {
		t.Fatalf("the disconnected socket is still in rooms %v", rooms)
	}
}
