package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// TestBrowserPlays opens the page in Chromium and plays it with the arrow keys: the square
// moves and collects a doubloon, the scoreboard shows the point, and a reload brings back the
// same square with its score; then a finger on the sea steers it. A Go player in the same room watches the field, as the browser's
// opponent would, and tells the test where to steer.
func TestBrowserPlays(t *testing.T) {
	url := startServer(t)
	page := browsertest.New(t)
	err := chromedp.Do(page, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Tester"), chromedp.Click(chromedp.CSS("#join button")))
	if err != nil {
		t.Fatal(err)
	}
	waitText(t, page, "Tester: 0")
	spy := join(t, url, "Spy", "")
	var id int
	first := spy.waitSnapshot("the browser's square", func(w *world) bool { id = w.named("Tester"); return id != 0 })
	start := first.player(id)

	// Hold an arrow towards the far side until the square has moved a few of its sizes.
	arrow := map[bool]string{true: "ArrowRight", false: "ArrowLeft"}[start.X < width/2]
	press(t, page, arrow, true)
	spy.waitSnapshot("the square moving", func(w *world) bool { return max(w.player(id).X-start.X, start.X-w.player(id).X) > 3*size })
	press(t, page, arrow, false)

	// Steer to the doubloon with the arrows, as a player would, until the square touches it.
	held := map[string]bool{}
	scored := spy.waitSnapshot("a doubloon collected", func(w *world) bool {
		me := w.player(id)
		dx, dy := w.Coin[0]-me.X, w.Coin[1]-me.Y
		for key, on := range map[string]bool{"ArrowRight": dx >= speed, "ArrowLeft": dx <= -speed, "ArrowDown": dy >= speed, "ArrowUp": dy <= -speed} {
			if held[key] != on {
				press(t, page, key, on)
				held[key] = on
			}
		}
		return me.Score > 0
	})
	for key, on := range held {
		if on {
			press(t, page, key, false)
		}
	}
	score := scored.player(id).Score
	t.Logf("Tester (id %d) sailed from (%d,%d) to the doubloon at (%d,%d): score %d", id, start.X, start.Y, scored.player(id).X, scored.player(id).Y, score)
	waitText(t, page, fmt.Sprintf("Tester: %d", score))
	if png, err := chromedp.Run(page, chromedp.CaptureScreenshot()); err == nil {
		_ = os.WriteFile(filepath.Join(testenv.OutDir(t), "page.png"), png, 0o644) // to look at, not checked
	}

	// A reload joins again by itself with the token: the same square, the score kept.
	if err := chromedp.Do(page, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	// The page's roster lists the room: a new player would be a second Tester beside the held seat.
	if text := waitText(t, page, fmt.Sprintf("Tester: %d", score)); strings.Count(text, "Tester") != 1 {
		t.Errorf("scoreboard after the reload %q: want one Tester, with the score", text)
	}

	// A finger held on the sea's top left corner sails the square there.
	corner, err := browsertest.Eval[input.TouchPoint](page, `(({ left, top }) => ({ x: left + 2, y: top + 2 }))(document.querySelector('#sea').getBoundingClientRect())`)
	if err == nil {
		_, err = chromedp.Call(page, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: []*input.TouchPoint{&corner}})
	}
	if err != nil {
		t.Fatal(err)
	}
	spy.waitSnapshot("the square in the corner", func(w *world) bool { me := w.player(id); return me != nil && me.X < speed && me.Y < speed })
}

// named is the id of the player of that name in a snapshot, 0 when none.
func (w *world) named(name string) int {
	for _, p := range w.Players {
		if p.Name == name {
			return p.ID
		}
	}
	return 0
}

// press holds an arrow key down, or releases it, in the page.
func press(t *testing.T, page context.Context, key string, down bool) {
	t.Helper()
	p := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: key}
	if down {
		p.Type = input.DispatchKeyEventTypeKeyDown
	}
	if _, err := chromedp.Call(page, input.DispatchKeyEvent, p); err != nil {
		t.Fatalf("key %s %s: %v", p.Type, key, err)
	}
}

// waitText waits until the page's scoreboard shows want, and returns its text.
func waitText(t *testing.T, page context.Context, want string) string {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	var last string
	for time.Now().Before(deadline) {
		if text, err := browsertest.Eval[string](page, `document.querySelector('#scores').innerText`); err == nil {
			if last = text; strings.Contains(text, want) {
				return text
			}
		}
		time.Sleep(30 * time.Millisecond) // polling the page; the deadline alone can fail the test
	}
	t.Fatalf("the scoreboard did not show %q in %v; it shows %q", want, waitFor, last)
	return last
}
