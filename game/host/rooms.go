package host

import (
	"cmp"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"tankarena/game"
)

// leaderboardSize is how many players GET /leaderboard lists.
const leaderboardSize = 20

// publicURL is where browsers reach this node: the configured URL, else the listen address;
// one that listens on all addresses is reached at this machine's first LAN address (or on
// localhost, without one).
func publicURL(configured string, addr net.Addr) string {
	if configured != "" {
		return configured
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return ""
	}
	port := strconv.Itoa(tcp.Port)
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		if urls := lanURLs(tcp.Port); len(urls) > 0 {
			return strings.TrimSuffix(urls[0], "/")
		}
		return "http://localhost:" + port
	}
	return "http://" + net.JoinHostPort(tcp.IP.String(), port)
}

// publicHost is the host name of a -public-url, which the node answers to: the other nodes
// send players there. None without one.
func publicHost(configured string) []string {
	if u, err := url.Parse(configured); err == nil && configured != "" && u.Hostname() != "" {
		return []string{u.Hostname()}
	}
	return nil
}

// roomList is the answer of GET /rooms.
type roomList struct {
	Rooms []game.RoomInfo `json:"rooms"`
	// Nodes are the cluster's nodes (public URLs; "" alone): a page measures its ping to
	// each, and a client that lost its node joins through another.
	Nodes []string `json:"nodes"`
}

// serveRooms answers GET /rooms: every room of the cluster (or of this server alone) as JSON,
// the fullest first, without leaders (GET /leaderboard has them).
func (s *Server) serveRooms(w http.ResponseWriter, _ *http.Request) {
	list := roomList{Rooms: []game.RoomInfo{}, Nodes: []string{}}
	for _, n := range s.dir.Nodes() {
		list.Nodes = append(list.Nodes, n.URL)
		for _, r := range n.Rooms {
			r.Leaders = nil
			list.Rooms = append(list.Rooms, r)
		}
	}
	slices.SortStableFunc(list.Rooms, func(a, b game.RoomInfo) int {
		return cmp.Or(b.Players-a.Players, strings.Compare(a.Node, b.Node), strings.Compare(a.ID, b.ID))
	})
	writeJSON(w, list)
}

// leader is one line of GET /leaderboard.
type leader struct {
	game.Leader
	Room string `json:"room"`
	Kind string `json:"kind"`
	Node string `json:"node"`
}

// serveLeaderboard answers GET /leaderboard: the best players of the current rounds of every
// room of the cluster, best first, as JSON.
func (s *Server) serveLeaderboard(w http.ResponseWriter, _ *http.Request) {
	board := []leader{}
	for _, n := range s.dir.Nodes() {
		for _, r := range n.Rooms {
			for _, l := range r.Leaders {
				board = append(board, leader{Leader: l, Room: r.ID, Kind: r.Kind, Node: r.Node})
			}
		}
	}
	slices.SortStableFunc(board, func(a, b leader) int { return cmp.Or(b.Score-a.Score, strings.Compare(a.Name, b.Name)) })
	writeJSON(w, struct {
		Leaders []leader `json:"leaders"`
	}{board[:min(len(board), leaderboardSize)]})
}

// writeJSON answers v as JSON, not cached: the directory changes every second. Any page may
// read it (a server browser on another site): it is what the start page shows anyone.
func writeJSON(w http.ResponseWriter, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	_ = json.NewEncoder(w).Encode(v)
}
