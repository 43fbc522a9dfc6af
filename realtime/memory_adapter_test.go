package realtime

import (
	"slices"
	"testing"
)

// TestMemoryAdapterOwnRoom checks the own room, which the adapter keeps without a room map:
// it selects its socket, also next to other members of a room named like it, can be left and
// rejoined, and goes with the socket.
func TestMemoryAdapterOwnRoom(t *testing.T) {
	a := NewMemoryAdapter(nil)
	a.AddAll("s1", "s1")
	a.AddAll("s2", "s2", "lobby")
	sorted := func(ids []string) []string { slices.Sort(ids); return ids }
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(sorted(got), want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("everyone", a.Sockets(nil, nil), "s1", "s2")
	check("room s1", a.Sockets([]string{"s1"}, nil), "s1")
	check("rooms s1+lobby", a.Sockets([]string{"s1", "lobby", "s2"}, nil), "s1", "s2")
	check("everyone except s1", a.Sockets(nil, []string{"s1"}), "s2")
	check("s2's rooms", a.SocketRooms("s2"), "lobby", "s2")

	a.AddAll("s2", "s1") // a room named like another socket holds both
	check("room s1 with s2 in it", a.Sockets([]string{"s1"}, nil), "s1", "s2")
	check("room s1 except lobby", a.Sockets([]string{"s1"}, []string{"lobby"}), "s1")

	a.Del("s1", "s1")
	check("room s1 after s1 left it", a.Sockets([]string{"s1"}, nil), "s2")
	check("s1's rooms after leaving its own", a.SocketRooms("s1"))
	a.AddAll("s1", "s1")
	check("room s1 rejoined", a.Sockets([]string{"s1"}, nil), "s1", "s2")

	a.DelAll("s2")
	check("everyone after s2 left", a.Sockets(nil, nil), "s1")
	check("lobby after s2 left", a.Sockets([]string{"lobby"}, nil))
	check("room s1 after s2 left", a.Sockets([]string{"s1"}, nil), "s1")

	a.AddAll("s3", "lobby") // known first through another room: not in its own yet
	check("room s3 before s3 joined it", a.Sockets([]string{"s3"}, nil))
	check("s3's rooms", a.SocketRooms("s3"), "lobby")
	check("everyone with s3", a.Sockets(nil, nil), "s1", "s3")
	a.AddAll("s3", "red")
	check("room s3 after joining another room", a.Sockets([]string{"s3"}, nil))
	a.AddAll("s3", "s3")
	check("room s3 joined", a.Sockets([]string{"s3"}, nil), "s3")
	a.DelAll("s3")
	a.AddAll("s3", "s3")
	check("s3's rooms after coming back", a.SocketRooms("s3"), "s3")
}
