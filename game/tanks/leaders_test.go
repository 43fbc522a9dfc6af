package tanks

import "testing"

// TestLeadersListsHumansOnly: the room's leaders are its human players, at most n, bots left
// out.
func TestLeadersListsHumansOnly(t *testing.T) {
	g, err := NewGame(DefaultConfig(), shippedMap(t, "arena"), 3, func() uint64 { return 1 })
	if err != nil {
		t.Fatal(err)
	}
	room, err := g.NewRoom()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ann", "bob"} {
		if _, err := room.AddPlayer(name); err != nil {
			t.Fatal(err)
		}
	}
	names, scores := room.Leaders(5)
	if len(names) != 2 || len(scores) != 2 {
		t.Fatalf("Leaders(5) = %q %v, want ann and bob only", names, scores)
	}
	if names, _ := room.Leaders(1); len(names) != 1 {
		t.Fatalf("Leaders(1) = %q, want one", names)
	}
}
