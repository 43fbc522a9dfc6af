package tanks

import "testing"

func TestBotNamesAreUnique(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxPlayers = 64 // more bots than call signs: numbered names must appear, still unique
	w := mustWorld(t, cfg, shippedMap(t, "arena"), 1)
	if _, err := w.AddPlayer("Bot Charlie"); err != nil { // a human who picked a bot's name
		t.Fatal(err)
	}
	w.SetBotFill(cfg.MaxPlayers, BotEasy)
	w.Step()
	// Churn: bots leave and join again, which must not bring back a name still in use.
	w.SetBotFill(40, BotEasy)
	w.Step()
	w.SetBotFill(cfg.MaxPlayers, BotEasy)
	w.Step()
	seen := map[string]PlayerID{}
	players := w.Players(nil)
	if len(players) != cfg.MaxPlayers {
		t.Fatalf("%d players, want %d", len(players), cfg.MaxPlayers)
	}
	for _, p := range players {
		if other, dup := seen[p.Name]; dup {
			t.Fatalf("players %d and %d are both called %q", other, p.ID, p.Name)
		}
		seen[p.Name] = p.ID
	}
}
