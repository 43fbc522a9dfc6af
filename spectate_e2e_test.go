package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// watchView is the part of tankArena.view() a spectator's page adds.
type watchView struct {
	pageView
	Watching bool   `json:"watching"`
	Follow   *int   `json:"follow"` // the tank the camera follows; null: the overview
	Line     string `json:"spectateLine"`
}

// overviewLine starts the spectator's line while the camera shows the whole map.
const overviewLine = "Watching: overview"

func (v watchView) living() int {
	n := 0
	for _, t := range v.Tanks {
		if t.Alive {
			n++
		}
	}
	return n
}

// TestABrowserWatchesAFullServerAndCyclesTheCamera: with the only arena full, the page's Play is
// refused and offers Watch; watching, the page sees the players and the bots, follows one tank
// after another with the arrow keys and a click on a tank, shows the whole map on O, counts as
// a spectator in /metrics, and once a seat is free Enter and Play make it a player.
func TestABrowserWatchesAFullServerAndCyclesTheCamera(t *testing.T) {
	base := startServer(t, "-bots", "4", "-max-players", "2", "-max-arenas", "1", "-admit-when-busy")
	first := seat(t, base, "Alice").s // Go players send no inputs
	seat(t, base, "Bob")

	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1000, 700),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
	)
	if err == nil {
		_, err = browsertest.Eval[string](ctx, `document.querySelector('#name').value = ''`)
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#name"), "Viewer"), chromedp.Click(chromedp.CSS("#join button[type=submit]")))
	}
	if err != nil {
		t.Fatalf("play: %v", err)
	}
	status := waitText(t, ctx, "#join-status", "the refusal offering Watch", func(s string) bool { return strings.Contains(s, "Watch") })
	if !strings.Contains(status, "server full") {
		t.Fatalf("status %q, want the server full refusal", status)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#watch"))); err != nil {
		t.Fatalf("watch: %v", err)
	}
	v := waitWatch(t, ctx, "the arena's 4 tanks, watched", func(v watchView) bool { return v.Watching && v.living() >= 4 })
	if v.Me != 0 || v.Follow != nil || !strings.HasPrefix(v.Line, overviewLine) {
		t.Fatalf("a new spectator: me %d, follow %v, line %q; want no tank and the overview", v.Me, v.Follow, v.Line)
	}
	if n := metricValue(getBody(t, base+"/metrics"), "tankarena_spectators"); n != 1 {
		t.Fatalf("tankarena_spectators %v, want 1", n)
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "spectate-overview.png"))

	// The arrow keys step through the living tanks; the line names the one followed. The bots
	// may destroy the idle Go players meanwhile (a dead tank is skipped until it respawns), so
	// three steps see three tanks when at least three were alive throughout.
	seen := map[int]bool{}
	fewestLiving := v.living()
	for range 3 {
		before := v.Follow
		key(t, ctx, input.DispatchKeyEventTypeKeyDown, "ArrowRight", "ArrowRight", "")
		key(t, ctx, input.DispatchKeyEventTypeKeyUp, "ArrowRight", "ArrowRight", "")
		v = waitWatch(t, ctx, "the camera on the next tank", func(w watchView) bool {
			return w.Follow != nil && (before == nil || *w.Follow != *before) && strings.HasPrefix(w.Line, "Watching ") && !strings.HasPrefix(w.Line, overviewLine)
		})
		seen[*v.Follow] = true
		fewestLiving = min(fewestLiving, v.living())
	}
	if len(seen) < min(3, fewestLiving) {
		t.Fatalf("→ three times followed %v with at least %d tanks alive, want %d different tanks", seen, fewestLiving, min(3, fewestLiving))
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "spectate-follow.png"))

	// O shows the whole map; a click on a tank there follows it (tanks move: aim again until
	// the click lands on one).
	key(t, ctx, input.DispatchKeyEventTypeKeyDown, "KeyO", "o", "o")
	key(t, ctx, input.DispatchKeyEventTypeKeyUp, "KeyO", "o", "")
	waitWatch(t, ctx, "the overview", func(w watchView) bool { return w.Follow == nil && strings.HasPrefix(w.Line, overviewLine) })
	clicked := false
	for attempt := 0; attempt < 10 && !clicked; attempt++ {
		v = waitWatch(t, ctx, "the overview of the tanks", func(w watchView) bool { return w.Follow == nil && w.living() >= 2 })
		for _, tank := range v.Tanks {
			if !tank.Alive {
				continue
			}
			p, err := browsertest.Eval[struct{ X, Y float64 }](ctx, `tankArena.toScreen(`+jsNum(tank.X)+`, `+jsNum(tank.Y)+`)`)
			if err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.MouseClickXY(p.X, p.Y)); err != nil {
				t.Fatal(err)
			}
			// A click follows the tank it lands on, or else the first.
			w := waitWatch(t, ctx, "the camera after a click", func(w watchView) bool { return w.Follow != nil })
			clicked = *w.Follow == tank.ID
			if !clicked { // missed: back to the overview for another try
				key(t, ctx, input.DispatchKeyEventTypeKeyDown, "KeyO", "o", "o")
				key(t, ctx, input.DispatchKeyEventTypeKeyUp, "KeyO", "o", "")
			}
			break
		}
	}
	if !clicked {
		t.Fatal("clicking on a tank never made the camera follow it")
	}

	key(t, ctx, input.DispatchKeyEventTypeKeyDown, "KeyO", "o", "o")
	key(t, ctx, input.DispatchKeyEventTypeKeyUp, "KeyO", "o", "")
	waitWatch(t, ctx, "the overview again", func(w watchView) bool { return w.Follow == nil && strings.HasPrefix(w.Line, overviewLine) })

	// From watching to playing, once a seat is free.
	if err := first.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	key(t, ctx, input.DispatchKeyEventTypeKeyDown, "Enter", "Enter", "\r")
	key(t, ctx, input.DispatchKeyEventTypeKeyUp, "Enter", "Enter", "")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#name")), chromedp.Click(chromedp.CSS("#join button[type=submit]"))); err != nil {
		t.Fatalf("play from watching: %v", err)
	}
	v = waitWatch(t, ctx, "the page playing", func(w watchView) bool { _, _, ok := w.tank(w.Me); return !w.Watching && w.Me != 0 && ok })
	if n := metricValue(getBody(t, base+"/metrics"), "tankarena_spectators"); n != 0 {
		t.Fatalf("tankarena_spectators %v after the spectator joined, want 0", n)
	}
}

// waitWatch polls the page's view until ok accepts it.
func waitWatch(t *testing.T, ctx context.Context, what string, ok func(watchView) bool) watchView {
	t.Helper()
	return browsertest.Wait(t, ctx, what, `globalThis.tankArena ? tankArena.view() : {}`, waitLong, ok)
}

// waitText polls an element's text until ok accepts it.
func waitText(t *testing.T, ctx context.Context, sel, what string, ok func(string) bool) string {
	t.Helper()
	return browsertest.Wait(t, ctx, what, `document.querySelector('`+sel+`').textContent`, waitLong, ok)
}

// jsNum is a number as JavaScript source.
func jsNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// TestAPhoneWatchesAndTapsThroughTheTanks: on an emulated phone, Watch needs no name; the page
// shows no sticks, the line says to tap, and a tap on the map follows the next tank.
func TestAPhoneWatchesAndTapsThroughTheTanks(t *testing.T) {
	base := startServer(t, "-bots", "3", "-admit-when-busy")
	seat(t, base, "Alice")
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#watch")),
		chromedp.Click(chromedp.CSS("#watch")),
	)
	if err != nil {
		t.Fatalf("watch: %v", err)
	}
	v := waitWatch(t, ctx, "the arena's tanks, watched", func(v watchView) bool { return v.Watching && v.living() >= 3 })
	if !strings.Contains(v.Line, "tap") {
		t.Fatalf("the phone's line %q does not say to tap", v.Line)
	}
	if sticks, err := browsertest.Eval[bool](ctx, `!document.querySelector('#touch').hidden`); err != nil || sticks {
		t.Fatalf("a spectator's phone shows the sticks (%v)", err)
	}
	seen := map[int]bool{}
	for range 2 {
		before := v.Follow
		// A tap in the map's top left corner, where no tank starts: the next tank.
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(30, 200)); err != nil {
			t.Fatal(err)
		}
		v = waitWatch(t, ctx, "the camera on the next tank after a tap", func(w watchView) bool {
			return w.Follow != nil && (before == nil || *w.Follow != *before)
		})
		seen[*v.Follow] = true
	}
	if len(seen) != 2 {
		t.Fatalf("two taps followed %v, want two tanks", seen)
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "spectate-phone.png"))
}
