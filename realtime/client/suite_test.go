package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// waitLimit bounds every wait for the server; generous because the test
// machine is shared, and stretched with its load (testenv.Patience). It is a
// hang guard, never a speed assertion.
var waitLimit = testenv.Patience(20 * time.Second)

// runSuite is the protocol test table, run against every server that
// implements compat/goclient/server.mjs's behaviour.
func runSuite(t *testing.T, baseURL string) {
	tests := []struct {
		name string
		run  func(t *testing.T, baseURL string)
	}{
		{"ConnectRootWithAuthAndQuery", testConnectRoot},
		{"CustomNamespaceAuthAccepted", testCustomAccepted},
		{"CustomNamespaceAuthRefused", testCustomRefused},
		{"NamespacesShareOneConnection", testMultiplex},
		{"EventWithSeveralArgs", testEventArgs},
		{"AckFromServer", testAckFromServer},
		{"AckTimeout", testAckTimeout},
		{"AckToServer", testAckToServer},
		{"ServerAckTimeoutWhenClientIgnores", testServerAckTimeout},
		{"BinaryBothWays", testBinary},
		{"ServerDisconnect", testServerDisconnect},
		{"ClientDisconnect", testClientDisconnect},
		{"ReconnectAfterTransportDrop", testReconnect},
		{"HeartbeatAnswered", testHeartbeat},
		{"RawHandler", testRawHandler},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, baseURL)
		})
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// newSocket makes a Manager (closed with the test) and its Socket for nsp.
func newSocket(t *testing.T, baseURL string, opts client.Options, nsp string, auth any) (*client.Manager, *client.Socket) {
	t.Helper()
	m, err := client.NewManager(baseURL, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s, err := m.Socket(nsp, auth)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// recorder collects events per name so a test can wait for them in order.
type recorder struct {
	mu     sync.Mutex
	events map[string]chan client.Args
}

func record(s *client.Socket, names ...string) *recorder {
	r := &recorder{events: map[string]chan client.Args{}}
	for _, name := range names {
		ch := r.ch(name)
		s.On(name, func(ev *client.Event) { ch <- ev.Args })
	}
	return r
}

func (r *recorder) ch(name string) chan client.Args {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.events[name] == nil {
		r.events[name] = make(chan client.Args, 16)
	}
	return r.events[name]
}

func (r *recorder) wait(t *testing.T, name string) client.Args {
	t.Helper()
	select {
	case a := <-r.ch(name):
		return a
	case <-time.After(waitLimit):
		t.Fatalf("event %q did not arrive", name)
		return client.Args{}
	}
}

func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("%s did not happen", what)
		var zero T
		return zero
	}
}

// decodeAll decodes every argument into an any (binary as []byte).
func decodeAll(t *testing.T, a client.Args) []any {
	t.Helper()
	out := make([]any, a.Len())
	for i := range out {
		if err := a.Decode(i, &out[i]); err != nil {
			t.Fatalf("decode argument %d: %v", i, err)
		}
	}
	return out
}

func testConnectRoot(t *testing.T, baseURL string) {
	opts := client.Options{Query: url.Values{"tag": {"go"}}}
	_, s := newSocket(t, baseURL, opts, "/", map[string]any{"name": "bot"})
	rec := record(s, "hello")
	connected := make(chan struct{}, 1)
	s.OnConnect(func() { connected <- struct{}{} })
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatalf("connect: %v", err)
	}
	waitFor(t, connected, "connect event")
	if !s.Connected() || s.ID() == "" {
		t.Fatalf("connected=%v id=%q after Connect", s.Connected(), s.ID())
	}
	got := decodeAll(t, rec.wait(t, "hello"))
	want := []any{"/", map[string]any{"name": "bot"}, "go"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("hello = %#v, want %#v", got, want)
	}
}

func testCustomAccepted(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/custom", map[string]string{"token": "secret"})
	rec := record(s, "hello")
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatalf("connect: %v", err)
	}
	var nsp string
	var auth map[string]string
	if err := rec.wait(t, "hello").Scan(&nsp, &auth); err != nil {
		t.Fatal(err)
	}
	if nsp != "/custom" || auth["token"] != "secret" {
		t.Fatalf("hello(%q, %v), want /custom and the token", nsp, auth)
	}
}

func testCustomRefused(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{Reconnect: true}, "/custom", map[string]string{"token": "wrong"})
	events := make(chan *client.ConnectError, 1)
	s.OnConnectError(func(err *client.ConnectError) { events <- err })
	err := s.Connect(testCtx(t))
	var cerr *client.ConnectError
	if !errors.As(err, &cerr) {
		t.Fatalf("Connect = %v, want a *ConnectError", err)
	}
	ev := waitFor(t, events, "connect_error event")
	for _, e := range []*client.ConnectError{cerr, ev} {
		if e.Message != "unauthorized" {
			t.Errorf("message = %q, want unauthorized", e.Message)
		}
		var data struct{ Reason, Token string }
		if err := json.Unmarshal(e.Data, &data); err != nil || data.Reason != "bad token" || data.Token != "wrong" {
			t.Errorf("data = %s (%v), want reason and token", e.Data, err)
		}
	}
	if s.Connected() {
		t.Fatal("refused socket reports connected")
	}
}

func testMultiplex(t *testing.T, baseURL string) {
	m, root := newSocket(t, baseURL, client.Options{}, "/", nil)
	custom, err := m.Socket("/custom", map[string]string{"token": "secret"})
	if err != nil {
		t.Fatal(err)
	}
	rootRec, customRec := record(root, "echo"), record(custom, "echo")
	ctx := testCtx(t)
	if err := root.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := custom.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := custom.Emit("echo", "to custom"); err != nil {
		t.Fatal(err)
	}
	if err := root.Emit("echo", "to root"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rec  *recorder
		want string
	}{{rootRec, "to root"}, {customRec, "to custom"}} {
		var got string
		if err := c.rec.wait(t, "echo").Scan(&got); err != nil || got != c.want {
			t.Fatalf("echo = %q (%v), want %q", got, err, c.want)
		}
	}
	// one websocket carries both: the handshake came once, so did one reconnect count of 0
	if st := m.Stats(); st.Reconnects != 0 || st.MessagesIn < 5 {
		t.Fatalf("stats %+v: want one connection with at least handshake, 2 connects, 2 echoes", st)
	}
	root.Disconnect()
	if !custom.Connected() {
		t.Fatal("leaving / disconnected /custom too")
	}
	if err := custom.Emit("echo", "still here"); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := customRec.wait(t, "echo").Scan(&got); err != nil || got != "still here" {
		t.Fatalf("echo after leaving / = %q (%v)", got, err)
	}
}

func testEventArgs(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	rec := record(s, "echo")
	unhandled := make(chan string, 4)
	s.OnAny(func(ev *client.Event) { unhandled <- ev.Name })
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if name := waitFor(t, unhandled, "unhandled hello"); name != "hello" {
		t.Fatalf("OnAny saw %q, want hello", name)
	}
	sent := []any{1.5, "two", map[string]any{"three": 3.0, "list": []any{true, nil}}, []any{"x", 4.0}}
	if err := s.Emit("echo", sent...); err != nil {
		t.Fatal(err)
	}
	if got := decodeAll(t, rec.wait(t, "echo")); !reflect.DeepEqual(got, sent) {
		t.Fatalf("echo = %#v, want %#v", got, sent)
	}
}

func testAckFromServer(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	ctx := testCtx(t)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	reply, err := s.EmitWithAck(ctx, "echo", "a", 2, map[string]int{"b": 3})
	if err != nil {
		t.Fatal(err)
	}
	var a string
	var n int
	var obj map[string]int
	if err := reply.Scan(&a, &n, &obj); err != nil || a != "a" || n != 2 || obj["b"] != 3 || reply.Len() != 3 {
		t.Fatalf("ack = %q %d %v (len %d, %v)", a, n, obj, reply.Len(), err)
	}
	// the callback form
	answered := make(chan []any, 1)
	err = s.EmitAck("echo", waitLimit, func(args client.Args, err error) {
		if err != nil {
			t.Error(err)
		}
		answered <- decodeAll(t, args)
	}, "cb")
	if err != nil {
		t.Fatal(err)
	}
	if got := waitFor(t, answered, "ack callback"); !reflect.DeepEqual(got, []any{"cb"}) {
		t.Fatalf("callback ack = %#v", got)
	}
}

func testAckTimeout(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	timedOut := make(chan error, 1)
	err := s.EmitAck("never-ack", 100*time.Millisecond, func(_ client.Args, err error) { timedOut <- err }, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitFor(t, timedOut, "ack timeout"); !errors.Is(err, client.ErrAckTimeout) {
		t.Fatalf("callback error = %v, want ErrAckTimeout", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.EmitWithAck(ctx, "never-ack"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("EmitWithAck error = %v, want context.DeadlineExceeded", err)
	}
}

func testAckToServer(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	rec := record(s, "asked")
	s.On("question", func(ev *client.Event) {
		if !ev.WantsAck() {
			t.Error("question arrived without an ack request")
			return
		}
		var n int
		var word string
		if err := ev.Scan(&n, &word); err != nil {
			t.Error(err)
		}
		if err := ev.Ack(n+1, word+"!", []byte{7, 8}); err != nil {
			t.Error(err)
		}
		if err := ev.Ack("twice"); !errors.Is(err, client.ErrAlreadyAcked) {
			t.Errorf("second ack = %v, want ErrAlreadyAcked", err)
		}
	})
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit("ask", "question", testenv.Patience(10*time.Second).Milliseconds(), 41, "answer"); err != nil {
		t.Fatal(err)
	}
	var serverErr *string
	var n int
	var word string
	var blob []byte // binary, or base64 from a server that reports it as JSON
	if err := rec.wait(t, "asked").Scan(&serverErr, &n, &word, &blob); err != nil {
		t.Fatal(err)
	}
	if serverErr != nil || n != 42 || word != "answer!" || !bytes.Equal(blob, []byte{7, 8}) {
		t.Fatalf("asked(%v, %d, %q, %v), want (nil, 42, answer!, [7 8])", serverErr, n, word, blob)
	}
}

func testServerAckTimeout(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	rec := record(s, "asked")
	asked := make(chan bool, 1)
	s.On("ignored", func(ev *client.Event) { asked <- ev.WantsAck() })
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit("ask", "ignored", 100); err != nil {
		t.Fatal(err)
	}
	if !waitFor(t, asked, "ignored question") {
		t.Fatal("the server's ack request was not seen")
	}
	var serverErr *string
	if err := rec.wait(t, "asked").Scan(&serverErr); err != nil || serverErr == nil {
		t.Fatalf("server saw no ack timeout: %v %v", serverErr, err)
	}
}

func testBinary(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	rec := record(s, "echo-binary")
	ctx := testCtx(t)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// the server sees Buffers where we sent []byte
	desc, err := s.EmitWithAck(ctx, "describe", []byte{0xca, 0xfe}, 7, "s")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	if err := desc.Scan(&kinds); err != nil || !reflect.DeepEqual(kinds, []string{"buffer:cafe", "number", "string"}) {
		t.Fatalf("server saw %v (%v)", kinds, err)
	}
	// nested binary goes out and comes back as a binary event
	type nested struct {
		Name string `json:"name"`
		Blob []byte `json:"blob"`
	}
	err = s.Emit("echo-binary", []byte{1, 2, 3}, map[string]any{"name": "n", "blob": []byte{4, 5}}, "text")
	if err != nil {
		t.Fatal(err)
	}
	back := rec.wait(t, "echo-binary")
	if len(back.Attachments()) != 2 {
		t.Fatalf("echo came back with %d attachments, want 2", len(back.Attachments()))
	}
	var top []byte
	var inner nested
	var text string
	if err := back.Scan(&top, &inner, &text); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(top, []byte{1, 2, 3}) || inner.Name != "n" || !bytes.Equal(inner.Blob, []byte{4, 5}) || text != "text" {
		t.Fatalf("echo = %v %+v %q", top, inner, text)
	}
	// and as a binary ack
	reply, err := s.EmitWithAck(ctx, "echo-binary", []byte{9})
	if err != nil {
		t.Fatal(err)
	}
	var b []byte
	if err := reply.Scan(&b); err != nil || !bytes.Equal(b, []byte{9}) {
		t.Fatalf("binary ack = %v (%v)", b, err)
	}
}

func testServerDisconnect(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{Reconnect: true}, "/", nil)
	reasons := make(chan string, 2)
	s.OnDisconnect(func(reason string) { reasons <- reason })
	ctx := testCtx(t)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	pending := make(chan error, 1)
	if err := s.EmitAck("never-ack", 0, func(_ client.Args, err error) { pending <- err }); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit("disconnect-me"); err != nil {
		t.Fatal(err)
	}
	if r := waitFor(t, reasons, "disconnect"); r != client.ReasonServerDisconnect {
		t.Fatalf("reason = %q, want %q", r, client.ReasonServerDisconnect)
	}
	if err := waitFor(t, pending, "pending ack settled"); !errors.Is(err, client.ErrDisconnected) {
		t.Fatalf("pending ack got %v, want ErrDisconnected", err)
	}
	if s.Connected() {
		t.Fatal("still connected after the server disconnected us")
	}
	if err := s.Emit("echo"); !errors.Is(err, client.ErrNotConnected) {
		t.Fatalf("Emit after disconnect = %v, want ErrNotConnected", err)
	}
	// a server disconnect is deliberate: connecting again is up to us
	if err := s.Connect(ctx); err != nil {
		t.Fatalf("connect again: %v", err)
	}
}

func testClientDisconnect(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	reasons := make(chan string, 1)
	s.OnDisconnect(func(reason string) { reasons <- reason })
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	s.Disconnect()
	if r := waitFor(t, reasons, "disconnect"); r != client.ReasonClientDisconnect {
		t.Fatalf("reason = %q, want %q", r, client.ReasonClientDisconnect)
	}
}

func testReconnect(t *testing.T, baseURL string) {
	opts := client.Options{Reconnect: true, ReconnectDelay: 20 * time.Millisecond, ReconnectDelayMax: 200 * time.Millisecond}
	m, s := newSocket(t, baseURL, opts, "/", map[string]string{"name": "phoenix"})
	rec := record(s, "hello")
	connects := make(chan struct{}, 2)
	reasons := make(chan string, 2)
	s.OnConnect(func() { connects <- struct{}{} })
	s.OnDisconnect(func(reason string) { reasons <- reason })
	ctx := testCtx(t)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, connects, "first connect")
	rec.wait(t, "hello")
	firstID := s.ID()
	if err := s.Emit("drop-transport"); err != nil {
		t.Fatal(err)
	}
	if r := waitFor(t, reasons, "disconnect"); r != client.ReasonTransportClose {
		t.Fatalf("reason = %q, want %q", r, client.ReasonTransportClose)
	}
	waitFor(t, connects, "reconnect")
	var auth map[string]string
	if err := rec.wait(t, "hello").Scan(nil, &auth); err != nil || auth["name"] != "phoenix" {
		t.Fatalf("auth after reconnect = %v (%v)", auth, err)
	}
	if s.ID() == firstID {
		t.Fatalf("session id %q unchanged after reconnect", firstID)
	}
	reply, err := s.EmitWithAck(ctx, "echo", "after")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := reply.Scan(&got); err != nil || got != "after" {
		t.Fatalf("echo after reconnect = %q (%v)", got, err)
	}
	if st := m.Stats(); st.Reconnects != 1 {
		t.Fatalf("Reconnects = %d, want 1", st.Reconnects)
	}
}

func testHeartbeat(t *testing.T, baseURL string) {
	m, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	reasons := make(chan string, 1)
	s.OnDisconnect(func(reason string) { reasons <- reason })
	ctx := testCtx(t)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// the server pings every 300 ms; three answered pings prove the pong path
	for m.Stats().Pings < 3 {
		select {
		case r := <-reasons:
			t.Fatalf("disconnected (%s) while waiting for pings", r)
		case <-ctx.Done():
			t.Fatalf("only %d pings arrived", m.Stats().Pings)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if _, err := s.EmitWithAck(ctx, "echo"); err != nil {
		t.Fatalf("echo after pings: %v", err)
	}
}
