package redisadapter

import (
	"encoding/json"
	"log/slog"
	"testing"

	"tankarena/realtime"
	"tankarena/realtime/parser"
)

// fakeLocal is a namespace with no sockets, enough for an adapter to take messages.
type fakeLocal struct{}

func (fakeLocal) Name() string { return "/" }
func (fakeLocal) Deliver(ids []string, _ parser.Encoded, _ uint64, _ realtime.BroadcastOptions) int {
	return len(ids)
}
func (fakeLocal) Socket(string) *realtime.Socket { return nil }

// offlineAdapter is an adapter whose node has no Redis: what it publishes fills its queue and
// is then dropped.
func offlineAdapter() *Adapter {
	n := &Node{uid: "me", log: slog.New(slog.DiscardHandler), out: make(chan outgoing, 8)}
	n.calls.pending = make(map[string]*call)
	n.calls.acks = map[string]*ackCall{"pending": {onAck: func(*realtime.Args) {}, expect: func(int) {}}}
	n.calls.pending["asked"] = &call{want: 2, full: make(chan struct{})}
	a := &Adapter{Adapter: realtime.NewMemoryAdapter(fakeLocal{}), node: n, local: fakeLocal{}, ch: newChannels(DefaultKey, "/", "me")}
	a.Adapter.AddAll("s1", "s1", "r")
	return a
}

// FuzzMessages feeds arbitrary bytes to every channel an adapter listens on: broadcasts (with
// and without a room in the channel name), requests and responses. Nothing may panic, and
// every message must be counted as exactly one kind.
func FuzzMessages(f *testing.F) {
	tree, _ := packetTree(&parser.Packet{Type: parser.Event, Data: json.RawMessage(`["ev",1,{"_placeholder":true,"num":0},-2.5,"x"]`), Attachments: [][]byte{{1, 2}}}, "/")
	b, _ := encodeBroadcast("other", tree, remoteOpts{Rooms: []string{"r"}, Except: []string{"s2"}, Volatile: true})
	f.Add(b)
	ack, _ := encodeObject(map[string]any{"uid": "other", "requestId": "q", "type": reqBroadcast, "packet": tree, "opts": remoteOpts{}.tree()})
	f.Add(ack)
	ans, _ := encodeObject(map[string]any{"type": resBroadcastAck, "requestId": "pending", "packet": []byte{9}})
	f.Add(ans)
	f.Add([]byte(`{"uid":"other","requestId":"x","type":5,"opts":{"rooms":["r"],"except":[]}}`))
	f.Add([]byte(`{"uid":"other","type":2,"opts":{"rooms":["r"],"except":[]},"rooms":["a"]}`))
	f.Add([]byte(`{"uid":"other","requestId":"y","type":6,"data":["ev",1]}`))
	f.Add([]byte(`{"requestId":"pending","type":8,"clientCount":3}`))
	f.Add([]byte(`{"requestId":"asked","sockets":[]}`))
	f.Add([]byte{0x93, 0xa1, 'x', 0x83, 0xa4, 't', 'y', 'p', 'e', 0x02, 0xa4, 'd', 'a', 't', 'a', 0x91, 0xd6, 0xff, 0, 0, 0, 1, 0xa3, 'n', 's', 'p', 0xa1, '/', 0xc0})
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, msg []byte) {
		a := offlineAdapter()
		for _, channel := range []string{a.ch.broadcast, a.ch.roomChannel("r")} {
			a.onBroadcast(channel, msg)
		}
		a.onRequest(msg)
		a.onResponse(msg)
		s := a.node.Stats()
		if got := s.Received + s.Own + s.Malformed + s.Foreign; got != 4 {
			t.Fatalf("4 messages counted as %d: %+v", got, s)
		}
	})
}
