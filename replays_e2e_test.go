package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tankarena/game"
	"tankarena/internal/browsertest"
	"tankarena/internal/testenv"
)

// replayListing is GET /replays?format=json.
type replayListing struct {
	Recording bool              `json:"recording"`
	Replays   []game.ReplayInfo `json:"replays"`
}

func listReplays(t *testing.T, base string) replayListing {
	t.Helper()
	var list replayListing
	if err := json.Unmarshal([]byte(getBody(t, base+"/replays?format=json")), &list); err != nil {
		t.Fatalf("replay list: %v", err)
	}
	return list
}

// waitReplay waits until the server lists a replay of round 1 and returns it.
func waitReplay(t *testing.T, base string) game.ReplayInfo {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for time.Now().Before(deadline) {
		for _, r := range listReplays(t, base).Replays {
			if r.Header.Round == 1 {
				return r
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no replay of round 1 listed at %s/replays", base)
	return game.ReplayInfo{}
}

// rawStatus sends path exactly as given (no client cleans it) and returns the status code.
func rawStatus(t *testing.T, base, path string) int {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, u.Host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(body), "outside the folder") {
		t.Errorf("GET %s served a file outside the replay folder", path)
	}
	return resp.StatusCode
}

// TestReplaysAreListedDownloadedAndNeverAPath: a room playing short rounds records each one;
// /replays lists it (page and JSON), /replays/{id} gives the file, which decodes; unknown and
// path-like ids are 404 and never reach a file outside the folder; -replays "" records nothing.
func TestReplaysAreListedDownloadedAndNeverAPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "replays")
	base := startServer(t, "-replays", dir, "-round", "2s", "-intermission", "1s", "-bots", "3")
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.replay"), []byte("outside the folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, refusal := joinWith(t, base, game.JoinRequest{Name: "Rec"}); refusal != "" {
		t.Fatalf("join refused: %s", refusal)
	}
	info := waitReplay(t, base)
	resp, err := http.Get(base + "/replays/" + info.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), info.ID+".replay") || int64(len(data)) != info.Size {
		t.Fatalf("download: %d, %q, %d bytes of %d", resp.StatusCode, resp.Header.Get("Content-Disposition"), len(data), info.Size)
	}
	rep, err := game.DecodeReplay(data)
	if err != nil || rep.Keyframes == 0 || rep.Header.Kind != "arena" || rep.Duration() < time.Second {
		t.Fatalf("the downloaded replay: %+v (%v)", rep, err)
	}
	page := getBody(t, base+"/replays")
	if !strings.Contains(page, `href="/replay.html?id=`+info.ID+`"`) || !strings.Contains(page, `href="/replays/`+info.ID+`"`) {
		t.Errorf("the replay page lacks the watch and download links of %s:\n%s", info.ID, page)
	}
	for _, path := range []string{"/replays/nope", "/replays/../secret", "/replays/..%2Fsecret", "/replays/%2E%2E%2Fsecret",
		"/replays/..", "/replays/" + info.ID + ".replay", "/replays/" + info.ID + "%00", "/replays/%2Fetc%2Fpasswd"} {
		if code := rawStatus(t, base, path); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}

	off := startServer(t, "-replays=", "-round", "2s")
	if list := listReplays(t, off); list.Recording || len(list.Replays) != 0 {
		t.Errorf("-replays \"\": %+v, want recording off", list)
	}
	if !strings.Contains(getBody(t, off+"/replays"), "Recording is off") {
		t.Error("the page does not say recording is off")
	}
}

// replayView is the viewer's state (tankReplay.view() in web/js/replay.js).
type replayView struct {
	State      string  `json:"state"`
	Error      string  `json:"error"`
	Warning    string  `json:"warning"`
	Playing    bool    `json:"playing"`
	Seconds    float64 `json:"seconds"`
	Length     float64 `json:"length"`
	Frames     int     `json:"frames"`
	Following  *int    `json:"following"`
	TanksDrawn int     `json:"tanksDrawn"`
	// TanksInView are those on screen.
	TanksInView int `json:"tanksInView"`
}

func waitReplayView(t *testing.T, ctx context.Context, what string, ok func(replayView) bool) replayView {
	t.Helper()
	return browsertest.Wait(t, ctx, what, `globalThis.tankReplay ? tankReplay.view() : {}`, waitLong, ok)
}

// TestABrowserWatchesAReplay: after a short round against bots, the replay list in Chromium
// leads to the viewer, which plays the round with tanks drawn, seeks, pauses and follows
// another tank; a damaged, a cut and an unknown replay each show what is wrong.
func TestABrowserWatchesAReplay(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "replays")
	base := startServer(t, "-replays", dir, "-round", "4s", "-intermission", "1s", "-bots", "8")
	if _, refusal := joinWith(t, base, game.JoinRequest{Name: "Rec"}); refusal != "" {
		t.Fatalf("join refused: %s", refusal)
	}
	info := waitReplay(t, base)
	data, err := os.ReadFile(filepath.Join(dir, info.ID+".replay"))
	if err != nil {
		t.Fatal(err)
	}
	// A cut copy (a server stopped while writing) and a damaged one, beside the real one.
	cut, damaged := "20000101-000000-cut-r1", "20000101-000000-damaged-r1"
	if err := os.WriteFile(filepath.Join(dir, cut+".replay"), data[:len(data)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	broken := append([]byte(nil), data[:len(data)/2]...)
	for i := 200; i < len(broken); i += 7 {
		broken[i] ^= 0x5a
	}
	if err := os.WriteFile(filepath.Join(dir, damaged+".replay"), broken, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 720), chromedp.Navigate(base+"/replays"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-id="`+info.ID+`"] a.watch`)),
		chromedp.Click(chromedp.CSS(`tr[data-id="`+info.ID+`"] a.watch`))); err != nil {
		t.Fatalf("the replay list: %v", err)
	}
	v := waitReplayView(t, ctx, "the replay playing with tanks drawn", func(v replayView) bool {
		return v.State == "ready" && v.Playing && v.TanksDrawn >= 3 && v.Seconds > 0.5
	})
	if v.Length < 3 || v.Frames < 60 {
		t.Fatalf("replay of %.1f s in %d frames, want a 4 s round at 30 snapshots a second", v.Length, v.Frames)
	}
	href, err := browsertest.Eval[string](ctx, `document.querySelector('#download').getAttribute('href')`)
	if err != nil || href != "/replays/"+info.ID {
		t.Errorf("download link %q (%v)", href, err)
	}
	// Pause, seek to 3 s at quarter speed, follow the next tank.
	if _, err := browsertest.Eval[any](ctx, `(() => { document.querySelector('#play').click(); const s = document.querySelector('#speed'); s.value = '0.25'; s.dispatchEvent(new Event('change')); tankReplay.seek(3); document.querySelector('#next').click(); })()`); err != nil {
		t.Fatal(err)
	}
	before := v.Following
	v = waitReplayView(t, ctx, "the seek to 3 s, paused, following another tank", func(v replayView) bool {
		return !v.Playing && v.Seconds > 2.9 && v.Seconds < 3.1 && v.TanksDrawn >= 3 && (before == nil) != (v.Following == nil) || (before != nil && v.Following != nil && *before != *v.Following)
	})
	if v.Error != "" {
		t.Fatalf("error after seeking: %s", v.Error)
	}
	// For the screenshot (docs/replay.png), follow the tank with the most others around it.
	best, most := v.Following, v.TanksInView
	for range v.TanksDrawn + 1 {
		if _, err := browsertest.Eval[any](ctx, `document.querySelector('#next').click()`); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond) // a frame or more; the choice, not the test, depends on it
		if v, err := browsertest.Eval[replayView](ctx, `tankReplay.view()`); err == nil && v.TanksInView > most && v.Following != nil {
			best, most = v.Following, v.TanksInView
		}
	}
	if best != nil {
		if _, err := browsertest.Eval[any](ctx, fmt.Sprintf(`(() => { for (let i = 0; i < 20 && tankReplay.view().following !== %d; i++) document.querySelector('#next').click(); })()`, *best)); err != nil {
			t.Fatal(err)
		}
	}
	waitReplayView(t, ctx, "a frame drawn after choosing the camera", func(replayView) bool { return true })
	screenshot(t, ctx, filepath.Join(testenv.OutDir(t), "replay.png"))

	// The file runs on through the end screen, which the viewer shows as the players saw it.
	if _, err := browsertest.Eval[any](ctx, fmt.Sprintf(`tankReplay.seek(%f)`, v.Length-0.2)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(waitLong)
	for end := ""; !strings.Contains(end, "Round 1 over"); {
		if time.Now().After(deadline) {
			t.Fatalf("end screen %q at the replay's end, want the round's ranking", end)
		}
		end, _ = browsertest.Eval[string](ctx, `(() => { const e = document.querySelector('#round-end'); return e.hidden ? '' : e.innerText; })()`)
		time.Sleep(30 * time.Millisecond)
	}

	for _, c := range []struct {
		id, want string
		playable bool
	}{
		{cut, "cut off", true},
		{damaged, "cannot be played", false},
		{"nope", "no replay", false},
	} {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(base+"/replay.html?id="+c.id)); err != nil {
			t.Fatal(err)
		}
		v := waitReplayView(t, ctx, "the viewer on "+c.id, func(v replayView) bool {
			return v.State == "error" || v.State == "ready" && v.Warning != ""
		})
		text, _ := browsertest.Eval[string](ctx, `document.querySelector('#replay-error').textContent`)
		if !strings.Contains(strings.ToLower(text), c.want) || (v.State == "ready") != c.playable {
			t.Errorf("replay %s: state %q, message %q; want %q and playable %v", c.id, v.State, text, c.want, c.playable)
		}
	}
}
