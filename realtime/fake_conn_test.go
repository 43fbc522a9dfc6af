package realtime

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"tankarena/internal/testenv"
	"tankarena/realtime/engineio"
	"tankarena/realtime/parser"
)

// fakeConn stands in for an Engine.IO session so the socket layer can be tested, and
// benchmarked with thousands of clients, without a network.
type fakeConn struct {
	req *http.Request

	mu          sync.Mutex
	sent        []engineio.Message
	closed      string
	refuseLater bool // SendVolatile refuses, as a transport mid-upgrade does
	client      *client
}

func (f *fakeConn) Request() *http.Request { return f.req }
func (f *fakeConn) ID() string             { return "fake" }
func (f *fakeConn) ClientIP() string       { return "192.0.2.1" }

func (f *fakeConn) Transport() string { return "websocket" }

func (f *fakeConn) Send(msgs ...engineio.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed != "" {
		return engineio.ErrClosed
	}
	f.sent = append(f.sent, msgs...)
	return nil
}

func (f *fakeConn) SendVolatile(msgs ...engineio.Message) bool {
	f.mu.Lock()
	refuse := f.refuseLater
	f.mu.Unlock()
	return !refuse && f.Send(msgs...) == nil
}

func (f *fakeConn) Close(reason string) {
	f.mu.Lock()
	if f.closed != "" {
		f.mu.Unlock()
		return
	}
	f.closed = reason
	f.mu.Unlock()
	f.client.onClose(reason)
}

func (f *fakeConn) closeReason() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// text feeds the client a text message, as the engine would.
func (f *fakeConn) text(s string) { f.client.onMessage(engineio.Message{Data: []byte(s)}) }

// binary feeds the client a binary message.
func (f *fakeConn) binary(b []byte) { f.client.onMessage(engineio.Message{Binary: true, Data: b}) }

// settle waits until the handler calls queued so far for this connection's sockets have run.
func (f *fakeConn) settle() {
	f.client.mu.Lock()
	sockets := f.client.socketsLocked()
	f.client.mu.Unlock()
	for _, s := range sockets {
		ran := make(chan struct{})
		queued := false
		for !queued && !exited(s) { // waits for room, unlike the reader: only the test waits here
			if queued = s.enqueue(func() { close(ran) }); !queued {
				time.Sleep(time.Millisecond)
			}
		}
		if queued {
			<-ran // queued calls always run, even when the socket disconnects meanwhile
		}
	}
}

// exited reports whether the socket's last handler call, its leave, has returned: it left
// its namespace and rooms and ran its disconnect hooks.
func exited(s *Socket) bool {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	return s.calls.finished && !s.calls.running
}

// waitExited waits until exited(s).
func waitExited(t testing.TB, s *Socket) {
	t.Helper()
	for deadline := time.Now().Add(testenv.Patience(30 * time.Second)); !exited(s); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("socket %s did not leave", s.ID())
		}
	}
}

// packets waits for the handlers to settle, then decodes everything sent so far and forgets it.
func (f *fakeConn) packets(t *testing.T) []*parser.Packet {
	t.Helper()
	f.settle()
	f.mu.Lock()
	sent := f.sent
	f.sent = nil
	f.mu.Unlock()
	var d parser.Decoder
	var out []*parser.Packet
	for _, m := range sent {
		p, err := d.Add(m.Data, m.Binary)
		if err != nil {
			t.Fatalf("server sent an undecodable message %q: %v", m.Data, err)
		}
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// connectFake opens an in-process connection to srv.
func connectFake(srv *Server, query string) *fakeConn {
	f := &fakeConn{req: httptest.NewRequest(http.MethodGet, "/socket.io/?EIO=4&transport=polling&"+query, nil)}
	f.client = newClient(srv, f)
	return f
}
