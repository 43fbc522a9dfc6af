package main

import (
	"context"
	"math"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// TestBrowserSentToAnotherNode: a real Chromium page opened on node A, in a cluster whose only
// room (with space) runs on node B, is sent there by its join, follows with the seat
// reservation (another origin: node B allows the cluster's pages) and plays in that room:
// its tank is drawn and drives. The start page's server browser lists the room first.
func TestBrowserSentToAnotherNode(t *testing.T) {
	r := testenv.Redis(t)
	_, a := startNode(t, "-redis", r.URL())
	_, b := startNode(t, "-redis", r.URL())
	host := joinCluster(t, b, "host", "")
	waitFor(t, "node A to list node B's room", func() bool { return listsRoomOn(t, a, b, 1) })

	page := browsertest.New(t)
	err := chromedp.Do(page,
		chromedp.EmulateViewport(1000, 700),
		chromedp.Navigate(a+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.WaitVisible(chromedp.CSS("#servers")), // the server browser, filled from /rooms
	)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := browsertest.Eval[int](page, `document.querySelectorAll('#rooms tbody tr').length`)
	if err != nil || listed != 1 {
		t.Errorf("the server browser lists %d rooms (%v), want node B's", listed, err)
	}
	if _, err := browsertest.Eval[string](page, `document.querySelector('#name').value = ''`); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(page, chromedp.SendKeys(chromedp.CSS("#name"), "Visitor"), chromedp.Click(chromedp.CSS("#join button"))); err != nil {
		t.Fatal(err)
	}
	v := waitView(t, page, "the visitor in node B's arena", func(v pageView) bool {
		_, _, ok := v.tank(v.Me)
		return v.Me != 0 && ok && v.Conn == "connected"
	})
	if v.Arena != host.ack.Room {
		t.Fatalf("the visitor plays in arena %s, want node B's %s", v.Arena, host.ack.Room)
	}
	waitFor(t, "the host on node B to see the visitor", func() bool { in, _ := host.heard("Visitor"); return in })
	x0, y0, _ := v.tank(v.Me)
	hold(t, page, "KeyW", "w", "w")
	hold(t, page, "KeyD", "d", "d")
	waitView(t, page, "the visitor's tank driving on node B", func(v pageView) bool {
		x, y, ok := v.tank(v.Me)
		return ok && math.Hypot(x-x0, y-y0) > 40
	})
	release(t, page, "KeyD", "d")
	release(t, page, "KeyW", "w")
}

// TestBrowserRejoinsWhenItsNodeDies: a page opened on node A plays in a room of node B (a
// process of its own), where A sent it. B is killed with SIGKILL: the page's reconnects to B
// fail, and it joins again through A by itself, and plays there.
func TestBrowserRejoinsWhenItsNodeDies(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL on Windows")
	}
	r := testenv.Redis(t)
	node := startProcess(t, "TANKARENA_REDIS="+r.URL()) // a process of its own, to kill
	doomed, cmd := node.url, node.cmd
	_, a := startNode(t, "-redis", r.URL())
	host := joinCluster(t, doomed, "host", "")
	waitFor(t, "node A to list the doomed node's room", func() bool { return listsRoomOn(t, a, doomed, 1) })

	page := browsertest.New(t)
	err := chromedp.Do(page,
		chromedp.EmulateViewport(1000, 700),
		chromedp.Navigate(a+"/"),
		chromedp.WaitVisible(chromedp.CSS("#name")),
	)
	if err == nil {
		_, err = browsertest.Eval[string](page, `document.querySelector('#name').value = ''`)
	}
	if err == nil {
		err = chromedp.Do(page, chromedp.SendKeys(chromedp.CSS("#name"), "Survivor"), chromedp.Click(chromedp.CSS("#join button")))
	}
	if err != nil {
		t.Fatal(err)
	}
	waitView(t, page, "the survivor in the doomed node's arena", func(v pageView) bool {
		_, _, ok := v.tank(v.Me)
		return ok && v.Arena == host.ack.Room
	})

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	v := waitView(t, page, "the survivor playing again on node A", func(v pageView) bool {
		_, _, ok := v.tank(v.Me)
		return ok && v.Conn == "connected" && v.Arena != host.ack.Room && v.Arena != ""
	})
	t.Logf("the page played again %v after its node was killed", time.Since(killed).Round(100*time.Millisecond))
	waitFor(t, "node A to list the survivor's new room "+v.Arena, func() bool { return listsRoomOn(t, a, a, 1) })
}

// TestBrowserJoinsTheRoomItsRowNames: both nodes of a cluster run a room with a free seat; a
// page on node A, whose Play would seat it in A's own room, clicks the row of node B's room in
// the server browser instead, and plays in that room: the page's node sends the join on to B
// with a seat reservation for it. Full then, the room's row offers Watch, and a second page
// watches it on node B.
func TestBrowserJoinsTheRoomItsRowNames(t *testing.T) {
	r := testenv.Redis(t)
	_, a := startNode(t, "-redis", r.URL(), "-max-players", "2")
	_, b := startNode(t, "-redis", r.URL(), "-max-players", "2")
	local := joinCluster(t, a, "local", "")
	filler := joinCluster(t, a, "filler", "")
	waitFor(t, "node B to see node A's room full", func() bool { return listsRoomOn(t, b, a, 2) })
	host := joinCluster(t, b, "host", "") // A's room is full: B opens one
	if err := filler.player.s.Emit("leave"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node A to list a free seat in each node's room", func() bool {
		rooms, _ := directoryRooms(t, a)
		free := 0
		for _, r := range rooms {
			if (r.ID == local.ack.Room || r.ID == host.ack.Room) && r.Players == 1 {
				free++
			}
		}
		return free == 2
	})

	row := `#rooms tr[data-room="` + host.ack.Room + `"] button`
	page := openServerBrowser(t, a, row)
	if _, err := browsertest.Eval[string](page, `document.querySelector('#name').value = ''`); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(page, chromedp.SendKeys(chromedp.CSS("#name"), "Picker"), chromedp.Click(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	v := waitView(t, page, "the picker seated", func(v pageView) bool { return v.Me != 0 && v.Conn == "connected" })
	if v.Arena != host.ack.Room {
		t.Fatalf("the picker plays in arena %s, want the row's, node B's %s (node A's own is %s)", v.Arena, host.ack.Room, local.ack.Room)
	}
	waitFor(t, "the host on node B to see the picker", func() bool { in, _ := host.heard("Picker"); return in })

	// Node B's room is full now: its row offers Watch, and watches it there.
	waitFor(t, "node A to list node B's room full", func() bool { return listsRoomOn(t, a, b, 2) })
	watcher := openServerBrowser(t, a, row)
	label, err := browsertest.Eval[string](watcher, `document.querySelector('`+row+`').textContent`)
	if err != nil || label != "Watch" {
		t.Fatalf("the full room's row offers %q (%v), want Watch", label, err)
	}
	if err := chromedp.Do(watcher, chromedp.Click(chromedp.CSS(row))); err != nil {
		t.Fatal(err)
	}
	w := waitWatch(t, watcher, "the watcher watching", func(v watchView) bool { return v.Watching && v.Conn == "connected" })
	if w.Arena != host.ack.Room {
		t.Errorf("the watcher watches arena %s, want the full row's, node B's %s", w.Arena, host.ack.Room)
	}
}

// openServerBrowser opens the start page of the node at base in a new page, with its server
// browser unfolded, once it lists the row matched by the CSS selector row.
func openServerBrowser(t *testing.T, base, row string) context.Context {
	t.Helper()
	page := browsertest.New(t)
	err := chromedp.Do(page,
		chromedp.EmulateViewport(1000, 800),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#servers")),
		chromedp.Click(chromedp.CSS("#servers summary")),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)
	if err != nil {
		t.Fatal(err)
	}
	return page
}
