package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// pageView is what web/js/main.js exposes as tankArena.view(): what the page is drawing.
type pageView struct {
	Me    int    `json:"me"`
	Arena string `json:"arena"`
	Conn  string `json:"conn"`
	// Snapshots decoded and keyframes asked for since the page loaded, at Now (the page's
	// clock, in ms).
	Snapshots int     `json:"snapshots"`
	Resyncs   int     `json:"resyncs"`
	Now       float64 `json:"now"`
	// Acked is the newest snapshot number decoded: the room numbers every snapshot it sends.
	Acked int `json:"acked"`
	// Corrections counts the own tank's prediction corrections so far.
	Corrections int `json:"corrections"`
	Tanks       []struct {
		ID    int     `json:"id"`
		X     float64 `json:"x"`
		Y     float64 `json:"y"`
		Alive bool    `json:"alive"`
		// Offline: the player is disconnected and its tank a ghost.
		Offline bool `json:"offline"`
	} `json:"tanks"`
	Shells []struct {
		Owner int `json:"owner"`
	} `json:"shells"`
}

func (v pageView) tank(id int) (x, y float64, ok bool) {
	for _, t := range v.Tanks {
		if t.ID == id && t.Alive {
			return t.X, t.Y, true
		}
	}
	return 0, 0, false
}

// TestTwoBrowsersPlayTogether runs the real server and two real headless Chromium pages: both
// join the same arena, one drives and fires with the keyboard, and the other must see that
// tank move and its shell fly; when the watcher's tab closes, the driver sees its tank as a
// disconnected ghost. Screenshots of both pages land in testenv.OutDir.
func TestTwoBrowsersPlayTogether(t *testing.T) {
	base := startServer(t)

	driver := browsertest.New(t)
	watcher, closeWatcher := chromedp.NewContext(driver) // a second tab in the same browser
	defer closeWatcher()

	join := func(ctx context.Context, name string) pageView {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(1000, 700),
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS("#name")),
		)
		if err == nil { // the page offers the last name used in this browser: type over it
			_, err = browsertest.Eval[string](ctx, `document.querySelector('#name').value = ''`)
		}
		if err == nil {
			err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#name"), name), chromedp.Click(chromedp.CSS("#join button")))
		}
		if err != nil {
			t.Fatalf("%s: join: %v", name, err)
		}
		return waitView(t, ctx, name+" in the arena", func(v pageView) bool {
			_, _, ok := v.tank(v.Me)
			return v.Me != 0 && ok
		})
	}
	a := join(driver, "Driver")
	b := join(watcher, "Watcher")
	if a.Arena != b.Arena {
		t.Fatalf("players landed in different arenas: %s and %s", a.Arena, b.Arena)
	}

	start := waitView(t, watcher, "the watcher sees the driver", func(v pageView) bool {
		_, _, ok := v.tank(a.Me)
		return ok
	})
	x0, y0, _ := start.tank(a.Me)

	// Drive forward, turning a little so a wall cannot stop the tank for the whole run.
	hold(t, driver, "KeyW", "w", "w")
	hold(t, driver, "KeyD", "d", "d")
	moved := waitView(t, watcher, "the driver's tank moving on the watcher's screen", func(v pageView) bool {
		x, y, ok := v.tank(a.Me)
		return ok && math.Hypot(x-x0, y-y0) > 40
	})
	release(t, driver, "KeyD", "d")
	release(t, driver, "KeyW", "w")
	x1, y1, _ := moved.tank(a.Me)
	t.Logf("watcher saw tank %d move from (%.0f,%.0f) to (%.0f,%.0f)", a.Me, x0, y0, x1, y1)

	hold(t, driver, "Space", " ", " ")
	waitView(t, watcher, "the driver's shell on the watcher's screen", func(v pageView) bool {
		for _, s := range v.Shells {
			if s.Owner == a.Me {
				return true
			}
		}
		return false
	})
	waitView(t, driver, "the driver's own shell", func(v pageView) bool { return len(v.Shells) > 0 })
	// The page reports the tick it draws the others at, so the server resolves its shots
	// against what it saw (lag compensation); the real browser's shot is counted as such.
	for deadline := time.Now().Add(waitLong); ; time.Sleep(50 * time.Millisecond) {
		metrics := getBody(t, base+"/metrics")
		if shots := metricValue(metrics, "tankarena_shots_compensated_total"); shots > 0 {
			t.Logf("%.0f lag-compensated shots, rewound %.0f ms on average", shots, 1000*metricValue(metrics, "tankarena_shot_rewind_seconds_total")/shots)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the browser's shots were not lag-compensated: tankarena_shots_compensated_total stays 0")
		}
	}
	out := testenv.OutDir(t)
	screenshot(t, driver, filepath.Join(out, "driver.png"))
	screenshot(t, watcher, filepath.Join(out, "watcher.png"))
	release(t, driver, "Space", " ")

	closeWatcher()
	waitView(t, driver, "the watcher's tank shown disconnected", func(v pageView) bool {
		for _, tk := range v.Tanks {
			if tk.ID == b.Me {
				return tk.Offline
			}
		}
		return false
	})
}

// metricValue returns the value of an unlabelled series in /metrics text, 0 if absent.
func metricValue(metrics, name string) float64 {
	for _, line := range strings.Split(metrics, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return n
		}
	}
	return 0
}

// waitView polls the page's view until ok accepts it; only a generous overall deadline, never
// the time taken, can fail the test.
func waitView(t *testing.T, ctx context.Context, what string, ok func(pageView) bool) pageView {
	t.Helper()
	return browsertest.Wait(t, ctx, what, `globalThis.tankArena ? tankArena.view() : {}`, waitLong, ok)
}

// key sends one raw key event, as a keyboard would: the game reads KeyboardEvent.code.
func key(t *testing.T, ctx context.Context, kind input.DispatchKeyEventType, code, name, text string) {
	t.Helper()
	p := input.DispatchKeyEventParams{Type: kind, Code: code, Key: name}
	if kind == input.DispatchKeyEventTypeKeyDown {
		p.Text = text
	}
	if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, p); err != nil {
		t.Fatalf("key %s %s: %v", kind, code, err)
	}
}

// hold presses a key without releasing it: the game reads held keys, as a player holds them.
func hold(t *testing.T, ctx context.Context, code, name, text string) {
	t.Helper()
	key(t, ctx, input.DispatchKeyEventTypeKeyDown, code, name, text)
}

func release(t *testing.T, ctx context.Context, code, name string) {
	t.Helper()
	key(t, ctx, input.DispatchKeyEventTypeKeyUp, code, name, "")
}

func screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
