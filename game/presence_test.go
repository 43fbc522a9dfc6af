package game_test

import (
	"testing"

	"tankarena/game/tanks"
)

// TestNamesAreUniqueInARoom: a second "Bob" in the room is "Bob (2)" in the join answer and the
// roster, a reconnect keeps the numbered name, and a name given up is free again.
func TestNamesAreUniqueInARoom(t *testing.T) {
	h := newHarness(t, nil)
	first := h.join(t, "Bob", "")
	second := h.join(t, "bob", "")
	third := h.join(t, "Bob", "")
	if first.ack.Name != "Bob" || second.ack.Name != "bob (2)" || third.ack.Name != "Bob (3)" {
		t.Fatalf("names %q, %q, %q; want Bob, bob (2), Bob (3)", first.ack.Name, second.ack.Name, third.ack.Name)
	}
	eventually(t, "the numbered names in the roster", func() bool {
		first.mu.Lock()
		defer first.mu.Unlock()
		names := map[string]bool{}
		for _, p := range first.roster {
			names[p.Name] = true
		}
		return len(first.roster) == 3 && names["Bob"] && names["bob (2)"] && names["Bob (3)"]
	})
	second.m.Close()
	back := h.join(t, "Bob", second.ack.Token)
	if back.ack.Name != "bob (2)" {
		t.Fatalf("reconnected as %q, want the seat's name bob (2)", back.ack.Name)
	}
	if err := first.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the first Bob gone", func() bool { return !rosterHas(third, "Bob") })
	if again := h.join(t, "BOB", ""); again.ack.Name != "BOB" {
		t.Fatalf("a name given up is free again: got %q, want BOB", again.ack.Name)
	}
}

func rosterHas(p *tester, name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, q := range p.roster {
		if q.Name == name {
			return true
		}
	}
	return false
}

// TestADisconnectedPlayersTankIsOffline: the runtime tells the simulation (game.Presence) when
// a player drops and comes back, so the others see its tank offline in between.
func TestADisconnectedPlayersTankIsOffline(t *testing.T) {
	h := newHarness(t, nil)
	watcher := h.join(t, "Watcher", "")
	gone := h.join(t, "Gone", "")
	offline := func(want bool) func(*tanks.Snapshot) bool {
		return func(s *tanks.Snapshot) bool {
			tk, ok := tankIn(s, gone.ack.ID)
			return ok && tk.Offline == want
		}
	}
	watcher.waitSnapshot("the tank online", offline(false))
	gone.m.Close()
	watcher.waitSnapshot("the dropped player's tank offline", offline(true))
	h.join(t, "Gone", gone.ack.Token)
	watcher.waitSnapshot("the tank online again after the re-join", offline(false))
}
