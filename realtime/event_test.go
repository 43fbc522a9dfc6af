package realtime

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"tankarena/internal/testenv"
)

// sentMessages waits for the handlers to settle and returns what the server sent so far,
// as "text" or "bin:<bytes>" per Engine.IO message, then forgets it.
func sentMessages(f *fakeConn) []string {
	f.settle()
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		if m.Binary {
			out = append(out, fmt.Sprintf("bin:%v", m.Data))
		} else {
			out = append(out, string(m.Data))
		}
	}
	f.sent = nil
	return out
}

// A relay built on Values sends back exactly the packet it got, binary as binary, and a
// string that happens to be the base64 of an attachment stays a string.
func TestValuesRelayKeepsBinary(t *testing.T) {
	srv := NewServer(Options{})
	trees := make(chan []any, 1)
	srv.OnConnection(func(s *Socket) {
		s.On("x", func(ev *Event) {
			if err := s.Emit(ev.Name, ev.Values()...); err != nil {
				t.Error(err)
			}
			tree := make([]any, ev.Len())
			for i := range tree {
				if err := ev.Decode(i, &tree[i]); err != nil {
					t.Error(err)
				}
			}
			trees <- tree
		})
	})
	f := connectFake(srv, "")
	f.text(`0`)
	sentMessages(f)

	const packet = `52-["x",{"a":1},{"_placeholder":true,"num":0},"AQID",[{"_placeholder":true,"num":1}],12345678901234567890]`
	f.text(packet)
	f.binary([]byte{1, 2, 3})
	f.binary([]byte{4, 5})
	want := []string{packet, "bin:[1 2 3]", "bin:[4 5]"}
	if got := sentMessages(f); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("relayed %q, want %q", got, want)
	}
	tree := <-trees
	if b, ok := tree[1].([]byte); !ok || !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("Decode into an any: binary argument is %#v, want []byte", tree[1])
	}
	if s, ok := tree[2].(string); !ok || s != "AQID" {
		t.Errorf("Decode into an any: string argument is %#v", tree[2])
	}
	if list, ok := tree[3].([]any); !ok || len(list) != 1 || !bytes.Equal(list[0].([]byte), []byte{4, 5}) {
		t.Errorf("Decode into an any: nested binary is %#v", tree[3])
	}

	// Without binary the JSON goes back as it came, keys in their order.
	f.text(`2["x",{"b":2,"a":1},"s",12345678901234567890]`)
	if got := sentMessages(f); len(got) != 1 || got[0] != `2["x",{"b":2,"a":1},"s",12345678901234567890]` {
		t.Errorf("relayed %q", got)
	}
	<-trees
}

// An ack answer carrying binary can be sent on unchanged too.
func TestValuesOfAnAckAnswer(t *testing.T) {
	f, s := joinMain(t, NewServer(Options{}))
	answers := make(chan *Args, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(20*time.Second))
		defer cancel()
		answer, err := s.EmitWithAck(ctx, "question")
		if err != nil {
			t.Error(err)
		}
		answers <- answer
	}()
	var id uint64
	for asked := false; !asked; {
		if ps := f.packets(t); len(ps) > 0 {
			id, asked = ps[0].ID, true
		} else {
			time.Sleep(time.Millisecond)
		}
	}
	f.text(`61-` + itoa(id) + `["ok",{"_placeholder":true,"num":0}]`)
	f.binary([]byte{9})
	answer := <-answers
	if answer == nil {
		t.Fatal("no answer")
	}
	if err := s.Emit("answer", answer.Values()...); err != nil {
		t.Fatal(err)
	}
	want := []string{`51-["answer","ok",{"_placeholder":true,"num":0}]`, "bin:[9]"}
	if got := sentMessages(f); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sent on %q, want %q", got, want)
	}
}
