package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"tankarena/game"
)

// DefaultReplayDir is where a game records its replays unless -replays says otherwise: the
// user's cache folder (~/.cache/<namespace>/replays on Linux), since replays are bounded and
// disposable, and a server started from any folder finds the same ones. Without a cache folder
// (no HOME), ./replays.
func DefaultReplayDir(namespace string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "replays"
	}
	return filepath.Join(dir, namespace, "replays")
}

// replayList is the JSON of GET /replays?format=json.
type replayList struct {
	Recording bool              `json:"recording"`
	Replays   []game.ReplayInfo `json:"replays"`
}

// replayRoutes serves the replays: GET /replays lists them (an HTML page, or JSON for
// ?format=json or Accept: application/json), GET /replays/{id} downloads one. store nil: the
// game records none (-replays ""), the list is empty. viewer is the game's page that plays a
// replay (replay.html?id=…), or "" when it has none.
func replayRoutes(r chi.Router, store *game.ReplayStore, viewer string, log *slog.Logger) {
	r.Get("/replays", func(w http.ResponseWriter, req *http.Request) {
		list := replayList{Recording: store != nil, Replays: []game.ReplayInfo{}}
		if store != nil {
			var err error
			if list.Replays, err = store.List(); err != nil {
				log.Warn("replays: listing failed", "err", err)
				http.Error(w, "the replay folder cannot be read", http.StatusInternalServerError)
				return
			}
		}
		if req.URL.Query().Get("format") == "json" || strings.Contains(req.Header.Get("Accept"), "application/json") {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			_ = json.NewEncoder(w).Encode(list)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, replayPage(list, viewer))
	})
	r.Get("/replays/{id}", func(w http.ResponseWriter, req *http.Request) {
		if store == nil {
			http.NotFound(w, req)
			return
		}
		id := chi.URLParam(req, "id")
		f, err := store.Open(id)
		if errors.Is(err, game.ErrNoReplay) {
			http.NotFound(w, req)
			return
		}
		if err != nil {
			log.Warn("replays: open", "id", id, "err", err)
			http.Error(w, "the replay cannot be read", http.StatusInternalServerError)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			http.Error(w, "the replay cannot be read", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", id+".replay"))
		http.ServeContent(w, req, "", st.ModTime(), f)
	})
}

// viewerOf is the game's replay page, if its files have one.
func viewerOf(static fs.FS) string {
	if static == nil {
		return ""
	}
	if _, err := fs.Stat(static, "replay.html"); err != nil {
		return ""
	}
	return "/replay.html"
}

// replayPage is the HTML list of the replays. It is written by hand rather than with
// html/template: that package calls methods by name through reflection, which keeps every
// exported method of the binary's types in it (9 MB more text, a slower first build).
func replayPage(list replayList, viewer string) string {
	var b strings.Builder
	b.WriteString(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Replays</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
body { font: 15px/1.4 system-ui, sans-serif; background: #1d2420; color: #e8eadf; margin: 2em auto; max-width: 900px; padding: 0 1em; }
a { color: #b8e07a; } table { border-collapse: collapse; width: 100%; }
td, th { padding: .35em .6em; border-bottom: 1px solid #3a4237; text-align: left; }
th { color: #a9b09d; font-weight: 600; } .none { color: #a9b09d; }
</style></head><body>
<h1>Replays</h1>
`)
	switch {
	case !list.Recording:
		b.WriteString(`<p class="none">Recording is off: the server was started with <code>-replays ""</code>.</p>` + "\n")
	case len(list.Replays) == 0:
		b.WriteString(`<p class="none">No replay yet: each round is listed here once it ends.</p>` + "\n")
	default:
		b.WriteString(`<table><thead><tr><th>ended</th><th>map</th><th>round</th><th>length</th><th>size</th><th></th></tr></thead><tbody>` + "\n")
		for _, r := range list.Replays {
			id := html.EscapeString(r.ID) // ids are letters, digits and dashes; escaped all the same
			round := strconv.Itoa(r.Header.Round)
			if r.Header.Part > 1 {
				round += " (part " + strconv.Itoa(r.Header.Part) + ")"
			}
			fmt.Fprintf(&b, `<tr class="replay" data-id="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f MB</td><td>`,
				id, r.Ended.Local().Format("2006-01-02 15:04"), html.EscapeString(r.Header.Kind), round,
				(time.Duration(r.Seconds) * time.Second).Round(time.Second), float64(r.Size)/1e6)
			if viewer != "" {
				fmt.Fprintf(&b, `<a class="watch" href="%s?id=%s">watch</a> · `, html.EscapeString(viewer), id)
			}
			fmt.Fprintf(&b, `<a class="download" href="/replays/%s" download>download</a></td></tr>`+"\n", id)
		}
		b.WriteString("</tbody></table>\n")
	}
	b.WriteString(`<p><a href="/">back to the game</a> · <a href="/replays?format=json">JSON</a></p>
</body></html>
`)
	return b.String()
}
