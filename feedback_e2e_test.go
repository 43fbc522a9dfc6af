package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"tankarena/game/tanks"
	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// ownView is the part of tankArena.view() these tests read: the own tank and where it is drawn.
type ownView struct {
	Me     int `json:"me"`
	Screen *struct {
		X float64 `json:"x"`
		Y float64 `json:"y"`
	} `json:"screen"`
	Tanks []ownTank `json:"tanks"`
}

type ownTank struct {
	ID    int     `json:"id"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Alive bool    `json:"alive"`
}

// hudText is what the HUD shows: the health number, the cause of death, the kill feed.
type hudText struct {
	Health  string `json:"health"`
	Respawn string `json:"respawn"`
	Feed    string `json:"feed"`
	Join    bool   `json:"join"` // the name form is shown
}

const readHud = `({
	health: document.querySelector('#health .num').textContent,
	respawn: document.querySelector('#respawn').hidden ? '' : document.querySelector('#respawn b').textContent,
	feed: document.querySelector('#feed').textContent,
	join: !document.querySelector('#join').hidden,
})`

// TestOwnRicochetExplainedAndReloadGoesStraightBack plays alone in Chromium: the HUD shows the
// health as a number; the player aims at the nearest wall and fires until its own shells,
// bouncing back, destroy it, and the page says so ("Your own shell bounced back", the feed's
// ricochet icon) after the number went down; a reload then goes straight back to the same tank,
// without the name form.
func TestOwnRicochetExplainedAndReloadGoesStraightBack(t *testing.T) {
	base := startServer(t)
	m, err := loadMap("arena")
	if err != nil {
		t.Fatal(err)
	}
	cfg := tanks.DefaultConfig()
	ctx := browsertest.New(t)
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(1000, 700),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Ricky"),
		chromedp.Click(chromedp.CSS("#join button")),
	)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	v, _ := waitOwn(t, ctx, "the own tank alive", func(v ownView, _ hudText) bool {
		_, ok := v.own()
		return ok && v.Screen != nil
	})
	waitOwn(t, ctx, "the full health number", func(_ ownView, h hudText) bool { return h.Health == strconv.Itoa(cfg.MaxHealth) })

	// Aim straight at the nearest wall along an axis (a wall's face sends the shell straight
	// back), close enough for the shell to come back within its range, and hold fire.
	me, _ := v.own()
	best, dir := math.Inf(1), [2]float64{}
	for _, d := range [][2]float64{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		for dist := 0.0; dist < cfg.ShellRange/2; dist++ {
			if m.SolidAt(me.X+d[0]*dist, me.Y+d[1]*dist) {
				if dist < best {
					best, dir = dist, d
				}
				break
			}
		}
	}
	if math.IsInf(best, 1) {
		t.Fatalf("no wall within half a shell's range of the spawn at %.0f,%.0f", me.X, me.Y)
	}
	t.Logf("tank at %.0f,%.0f fires at the wall %.0f units away towards %v", me.X, me.Y, best, dir)
	aimX, aimY := v.Screen.X+dir[0]*150, v.Screen.Y+dir[1]*150
	if _, err := chromedp.Run(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, aimX, aimY)); err != nil {
		t.Fatal(err)
	}
	hold(t, ctx, "Space", " ", " ")
	lowest := cfg.MaxHealth
	pressed := time.Now()
	_, h := waitOwn(t, ctx, "the self-kill explained", func(v ownView, h hudText) bool {
		// A held key repeats, as a keyboard's does, and the hand on the mouse follows the
		// tank on the screen: a busy browser that missed the first press, or whose camera
		// was still settling when the test aimed, gets another.
		if time.Since(pressed) > time.Second && v.Screen != nil {
			_, _ = chromedp.Run(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, v.Screen.X+dir[0]*150, v.Screen.Y+dir[1]*150))
			hold(t, ctx, "Space", " ", " ")
			pressed = time.Now()
		}
		if n, err := strconv.Atoi(h.Health); err == nil && n > 0 {
			lowest = min(lowest, n)
		}
		return h.Respawn != "" && h.Feed != "" // the feed follows the view, 100 ms behind
	})
	release(t, ctx, "Space", " ")
	if h.Respawn != "Your own shell bounced back" || !strings.Contains(h.Feed, "↩Ricky") {
		t.Fatalf("after the self-kill the page says %q, the feed %q; want the bounce explained and the ricochet icon", h.Respawn, h.Feed)
	}
	if lowest >= cfg.MaxHealth {
		t.Fatalf("the health number never went down before the kill (lowest %d)", lowest)
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "selfkill.png"))

	// A reload within the reconnect window: the same tank, and no name form to click through.
	if _, err := chromedp.Run(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitOwn(t, ctx, "the same tank after the reload, without the form", func(v ownView, h hudText) bool {
		return v.Me == me.ID && !h.Join
	})
}

// own is the own tank while it is alive.
func (v ownView) own() (ownTank, bool) {
	for _, t := range v.Tanks {
		if t.ID == v.Me && t.Alive && v.Me != 0 {
			return t, true
		}
	}
	return ownTank{}, false
}

// waitOwn polls the page's view and HUD until ok accepts them; only a generous deadline fails.
func waitOwn(t *testing.T, ctx context.Context, what string, ok func(ownView, hudText) bool) (ownView, hudText) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	var last string
	for time.Now().Before(deadline) {
		v, err1 := browsertest.Eval[ownView](ctx, `globalThis.tankArena ? tankArena.view() : {tanks: []}`)
		h, err2 := browsertest.Eval[hudText](ctx, readHud)
		if err1 == nil && err2 == nil {
			last = fmt.Sprintf("%+v %+v", v, h)
			if ok(v, h) {
				return v, h
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "timeout.png"))
	t.Fatalf("timed out waiting for %s; last: %s", what, last)
	return ownView{}, hudText{}
}

// TestDestroyingABotSaysSo plays against bots in Chromium: the player aims at the nearest
// tank and holds fire until the page says "You destroyed" it. The moment is kept as a
// screenshot (docs/screenshot.png comes from it).
func TestDestroyingABotSaysSo(t *testing.T) {
	base := startServer(t, "-bots", "4")
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Ann"),
		chromedp.Click(chromedp.CSS("#join button")),
	)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	hold(t, ctx, "Space", " ", " ")
	defer release(t, ctx, "Space", " ")
	// Bots fight back and may win a few times: the wait is long, it only bounds a broken page.
	// The screenshot waits for a moment the player is alive to see the message, for a while.
	deadline := time.Now().Add(3 * waitLong)
	said := ""
	for time.Now().Before(deadline) {
		toast, err := browsertest.Eval[string](ctx, `(() => { const e = document.querySelector('#toast'); return e.hidden ? '' : e.textContent; })()`)
		v, err2 := browsertest.Eval[ownView](ctx, `globalThis.tankArena ? tankArena.view() : {tanks: []}`)
		me, alive := v.own()
		if err == nil && strings.HasPrefix(toast, "You destroyed ") {
			if said == "" {
				said = toast
				t.Logf("the page says %q", toast)
				deadline = time.Now().Add(waitLong)
			}
			if alive {
				break
			}
		}
		if err2 == nil && alive && v.Screen != nil {
			if x, y, ok := nearestOther(v, me); ok {
				d := math.Hypot(x-me.X, y-me.Y)
				aimX, aimY := v.Screen.X+(x-me.X)/d*150, v.Screen.Y+(y-me.Y)/d*150
				if _, err := chromedp.Run(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, aimX, aimY)); err != nil {
					t.Fatal(err)
				}
			}
		}
		time.Sleep(30 * time.Millisecond)
	}
	if said == "" {
		t.Fatal("timed out waiting for \"You destroyed …\"")
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "destroyed.png"))
}

// nearestOther is where the living tank nearest to me is.
func nearestOther(v ownView, me ownTank) (x, y float64, ok bool) {
	best := math.Inf(1)
	for _, o := range v.Tanks {
		if d := math.Hypot(o.X-me.X, o.Y-me.Y); o.ID != me.ID && o.Alive && d < best && d > 0 {
			best, x, y, ok = d, o.X, o.Y, true
		}
	}
	return x, y, ok
}

// TestPhoneLayout opens the game on an emulated phone, upright and sideways: the sticks are
// shown, the health number too, and the bars take a fair share of the width, not 40%.
func TestPhoneLayout(t *testing.T) {
	base := startServer(t, "-bots", "5")
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Pocket"),
		chromedp.Click(chromedp.CSS("#join button")),
	)
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	type layout struct {
		Width  float64 `json:"width"`
		Bars   float64 `json:"bars"`
		Sticks bool    `json:"sticks"`
		Health string  `json:"health"`
	}
	const read = `({
		width: innerWidth,
		bars: document.querySelector('#bars').getBoundingClientRect().width,
		sticks: !document.querySelector('#touch').hidden,
		health: document.querySelector('#health .num').textContent,
	})`
	check := func(shape string) {
		t.Helper()
		deadline := time.Now().Add(waitLong)
		var l layout
		for time.Now().Before(deadline) {
			l, err = browsertest.Eval[layout](ctx, read)
			if err == nil && l.Sticks && l.Health != "" && l.Bars > 0 {
				break
			}
			time.Sleep(30 * time.Millisecond)
		}
		if !l.Sticks || l.Health == "" {
			t.Fatalf("%s: sticks shown %v, health number %q", shape, l.Sticks, l.Health)
		}
		if share := l.Bars / l.Width; share > 0.34 {
			t.Fatalf("%s: the bars take %.0f%% of the width", shape, 100*share)
		}
		t.Logf("%s: bars %.0f px of %.0f", shape, l.Bars, l.Width)
	}
	check("portrait")
	waitOwn(t, ctx, "the own tank alive", func(v ownView, _ hudText) bool { _, ok := v.own(); return ok })
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "phone.png"))
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(844, 390, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateLandscape)); err != nil {
		t.Fatal(err)
	}
	check("landscape")
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "phone-landscape.png"))
}
