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
	_, h := waitOwn(t, ctx, "the self-kill explained", func(_ ownView, h hudText) bool {
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
	t.Fatalf("timed out waiting for %s; last: %s", what, last)
	return ownView{}, hudText{}
}
