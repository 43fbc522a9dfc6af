package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tankarena/game"
	"tankarena/game/host"
	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// roundView is the round as web/js/rounds.js shows it (tankArena.view().round).
type roundView struct {
	Phase       string   `json:"phase"`
	Number      int      `json:"number"`
	Map         string   `json:"map"`
	SecondsLeft float64  `json:"secondsLeft"`
	Ranking     []string `json:"ranking"`
}

// TestABrowserPlaysARoundToTheEndScreenAndTheNextMap: with short rounds a real page plays a
// round against bots, firing, sees the end screen with its ranking, and then the next round
// on the rotation's next map, scores reset.
func TestABrowserPlaysARoundToTheEndScreenAndTheNextMap(t *testing.T) {
	base := startServer(t, "-round", "4s", "-intermission", "3s", "-maps", "arena,bunkers", "-bots", "3")
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1000, 700),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
	)
	if err == nil { // the page offers the last name used in this browser: type over it
		_, err = browsertest.Eval[string](ctx, `document.querySelector('#name').value = ''`)
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#name"), "Roundy"), chromedp.Click(chromedp.CSS("#join button")))
	}
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	waitView(t, ctx, "the page in the arena", func(v pageView) bool {
		_, _, ok := v.tank(v.Me)
		return v.Me != 0 && ok
	})
	hold(t, ctx, "Space", " ", " ") // fire all round: the end screen has shots to count

	over := waitRound(t, ctx, "the end screen", func(r roundView) bool { return r.Phase == "over" })
	release(t, ctx, "Space", " ")
	if over.Map != "arena" || !slices.Contains(over.Ranking, "Roundy") || len(over.Ranking) != 3 {
		t.Fatalf("end of the first round: %+v, want the arena's ranking of the player and 2 bots (-bots 3 fills to 3 tanks)", over)
	}
	text, err := browsertest.Eval[string](ctx, `(() => { const e = document.querySelector('#round-end'); return e.hidden ? '' : e.innerText; })()`)
	if err != nil || !strings.Contains(text, "Roundy") || !strings.Contains(text, "Round 1 over") || !strings.Contains(text, "accuracy") || !strings.Contains(text, "Next: bunkers") {
		t.Fatalf("end screen %q (%v), want the ranking with the player, the round and the next map", text, err)
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "round-end.png"))

	next := waitRound(t, ctx, "the next round on bunkers", func(r roundView) bool { return r.Phase == "playing" && r.Number == over.Number+1 })
	if next.Map != "bunkers" {
		t.Fatalf("next round %+v, want it on bunkers", next)
	}
	hidden, err := browsertest.Eval[bool](ctx, `document.querySelector('#round-end').hidden`)
	if err != nil || !hidden {
		t.Fatalf("the end screen stays over the next round (%v)", err)
	}
	// The page draws the new map.
	drawn, err := browsertest.Eval[string](ctx, `tankArena.view().map`)
	if err != nil || drawn != "bunkers" {
		t.Fatalf("the page draws %q (%v), want bunkers", drawn, err)
	}
}

// waitRound polls the page's round until ok accepts it, within the generous overall deadline.
func waitRound(t *testing.T, ctx context.Context, what string, ok func(roundView) bool) roundView {
	t.Helper()
	return browsertest.Wait(t, ctx, what, `globalThis.tankArena ? (tankArena.view().round || {}) : {}`, waitLong, ok)
}

// TestRoundFlagsReachTheWelcome: -round (here from its environment variable), -intermission and
// -maps reach the join answer: the rules carry the round's times, "maps" the rotation in flag
// order, and a room of another kind starts on that kind's map; bad times stop the server.
func TestRoundFlagsReachTheWelcome(t *testing.T) {
	t.Setenv("TANKARENA_ROUND", "90s")
	base := startServer(t, "-intermission", "2s", "-maps", "bunkers, arena")
	for _, kind := range []string{"", "arena"} {
		ack, refusal := joinWith(t, base, game.JoinRequest{Name: "P", Kind: kind})
		var welcome struct {
			Map    struct{ Name string }   `json:"map"`
			Maps   []struct{ Name string } `json:"maps"`
			Config struct {
				RoundTime    float64 `json:"roundTime"`
				Intermission float64 `json:"intermission"`
			} `json:"config"`
		}
		if err := json.Unmarshal(ack.Game, &welcome); refusal != "" || err != nil {
			t.Fatalf("join %q: refused %q, %v", kind, refusal, err)
		}
		want := map[string]string{"": "bunkers", "arena": "arena"}[kind]
		if welcome.Map.Name != want || len(welcome.Maps) != 2 || welcome.Maps[0].Name != "bunkers" || welcome.Maps[1].Name != "arena" ||
			welcome.Config.RoundTime != 90 || welcome.Config.Intermission != 2 {
			t.Errorf("join %q: welcome %+v, want a start on %s, the rotation bunkers, arena and 90 s rounds with 2 s breaks", kind, welcome, want)
		}
	}
	for _, bad := range [][]string{{"-round", "-1s"}, {"-intermission", "-2s"}, {"-round", "soon"}} {
		if _, err := host.NewGame(t.Context(), tankArena(), bad); err == nil {
			t.Errorf("flags %v accepted", bad)
		}
	}
}
