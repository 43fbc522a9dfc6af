package tanks

import (
	"strings"
	"testing"
)

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

func TestHumanTakingABotsNameRenamesTheBot(t *testing.T) {
	cfg := DefaultConfig()
	w := mustWorld(t, cfg, shippedMap(t, "arena"), 1)
	w.SetBotFill(4, BotEasy)
	w.Step()
	bots := w.Players(nil)
	if len(bots) == 0 {
		t.Fatal("no bots")
	}
	taken := bots[0].Name
	human, err := w.AddPlayer(strings.ToLower(taken)) // the runtime compares names ignoring case
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]PlayerID{}
	for _, p := range w.Players(nil) {
		key := strings.ToLower(p.Name)
		if other, dup := seen[key]; dup {
			t.Fatalf("players %d and %d are both called %q", other, p.ID, p.Name)
		}
		seen[key] = p.ID
	}
	if seen[strings.ToLower(taken)] != human {
		t.Fatalf("the name %q went to %d, want the human %d", taken, seen[strings.ToLower(taken)], human)
	}
}
