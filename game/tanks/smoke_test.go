package tanks

import "testing"

func TestBotsPlayAMatch(t *testing.T) {
	for _, name := range []string{"arena", "bunkers"} {
		t.Run(name, func(t *testing.T) {
			w := mustWorld(t, DefaultConfig(), shippedMap(t, name), 7)
			w.SetBotFill(6, BotNormal)
			kills, fires := 0, 0
			for range 60 * 60 {
				for _, e := range w.Step() {
					switch e.Type {
					case EventKill:
						kills++
					case EventFire:
						fires++
					}
				}
			}
			if len(w.tanks) != 6 {
				t.Fatalf("bot fill: %d tanks, want 6", len(w.tanks))
			}
			t.Logf("%s: %d shots, %d kills in a simulated minute", name, fires, kills)
			if kills == 0 {
				t.Fatalf("6 normal bots fought for a minute and nobody died (%d shots)", fires)
			}
		})
	}
}
