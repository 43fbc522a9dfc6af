package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// killcamView is the page's kill-cam (tankArena.view().killcam in web/js/main.js).
type killcamView struct {
	Killcam struct {
		Offered bool `json:"offered"`
		Playing bool `json:"playing"`
		Killer  *int `json:"killer"`
	} `json:"killcam"`
	Me int `json:"me"`
}

func waitKillcam(t *testing.T, ctx context.Context, what string, patience time.Duration, ok func(killcamView) bool) killcamView {
	t.Helper()
	return browsertest.Wait(t, ctx, what, `globalThis.tankArena ? tankArena.view() : {}`, patience, ok)
}

// TestKillcamShowsTheKillersView: a player that sits still among bots is destroyed; the page
// offers the kill-cam, and K plays the seconds before the kill following the killer, then
// returns to the live view.
func TestKillcamShowsTheKillersView(t *testing.T) {
	base := startServer(t, "-bots", "8", "-round", "0", "-maps", "arena")
	ctx := browsertest.New(t)
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 700), chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("#name")))
	if err == nil {
		_, err = browsertest.Eval[string](ctx, `document.querySelector('#name').value = ''`)
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#name"), "Target"), chromedp.Click(chromedp.CSS("#join button")))
	}
	if err != nil {
		t.Fatalf("join: %v", err)
	}
	// Bots find a tank that stands still; being destroyed is a matter of time.
	offered := waitKillcam(t, ctx, "a death with the kill-cam offered", testenv.Patience(150*time.Second), func(v killcamView) bool {
		return v.Me != 0 && v.Killcam.Offered
	})
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#killcam"))); err != nil {
		t.Fatalf("the kill-cam button: %v", err)
	}
	playing := waitKillcam(t, ctx, "the kill-cam playing", waitLong, func(v killcamView) bool { return v.Killcam.Playing })
	if playing.Killcam.Killer == nil || *playing.Killcam.Killer == playing.Me || *playing.Killcam.Killer != *offered.Killcam.Killer {
		t.Fatalf("the kill-cam follows %v, want the killer %v (not the player %d)", playing.Killcam.Killer, offered.Killcam.Killer, playing.Me)
	}
	deadline := time.Now().Add(waitLong)
	for label := ""; !strings.Contains(label, "KILL-CAM"); {
		if time.Now().After(deadline) {
			t.Fatalf("kill-cam label %q, want it to say KILL-CAM", label)
		}
		label, _ = browsertest.Eval[string](ctx, `document.querySelector('#killcam-label').textContent`)
		time.Sleep(30 * time.Millisecond)
	}
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "killcam.png"))
	waitKillcam(t, ctx, "the kill-cam over, the live view back", waitLong, func(v killcamView) bool { return !v.Killcam.Playing })
}
