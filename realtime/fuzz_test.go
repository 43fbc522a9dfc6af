package realtime

import (
	"testing"

	"tankarena/realtime/engineio"
)

// FuzzClientInput feeds arbitrary messages to one connection of a server with handlers on two
// namespaces: nothing may panic, and a second, well-behaved connection must stay connected.
func FuzzClientInput(f *testing.F) {
	seeds := [][3]string{
		{`0`, `2["echo",1]`, `21["echo",{"a":[1,2]}]`},
		{`0/admin,{"token":"x"}`, `2/admin,["echo"]`, `1/admin,`},
		{`0`, `51-["echo",{"_placeholder":true,"num":0}]`, "\x00\x01"},
		{`0`, `52-["echo",{"_placeholder":true,"num":1}]`, `2["x"]`},
		{`0`, `3999[]`, `2/nope,["echo"]`},
		{`0`, `2[1]`, `4{"message":"x"}`},
		{`0/nope,`, `0/admin,"str"`, `1`},
	}
	for _, s := range seeds {
		f.Add(s[0], []byte(s[1]), s[2], true)
		f.Add(s[0], []byte(s[1]), s[2], false)
	}
	f.Fuzz(func(t *testing.T, first string, second []byte, third string, secondBinary bool) {
		srv := NewServer(Options{})
		echo := func(s *Socket) {
			s.On("echo", func(ev *Event) {
				s.Emit("echo", ev.Raw(0))
				s.Broadcast().Emit("seen", ev.Len())
				ev.Ack(ev.Raw(0))
			})
		}
		srv.OnConnection(echo)
		srv.Of("/admin").OnConnection(echo)

		bystander := connectFake(srv, "")
		bystander.text(`0`)
		bystander.text(`0/admin,`)

		c := connectFake(srv, "")
		c.text(first)
		c.client.onMessage(engineio.Message{Binary: secondBinary, Data: second})
		c.text(third)

		bystander.packets(t) // waits for its handlers; everything the server sent must decode
		if reason := bystander.closeReason(); reason != "" {
			t.Fatalf("the bystander was closed: %s", reason)
		}
		if n := len(srv.Of("/").Sockets()); n < 1 {
			t.Fatalf("the bystander left the main namespace (%d sockets)", n)
		}
		c.packets(t)
	})
}
