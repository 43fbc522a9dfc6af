package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tankarena/game"
	"tankarena/realtime/client"
)

// getBody fetches url and returns its body.
func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// joinOnce connects a new client to base and returns the error of its join's ack ("" when seated).
func joinOnce(t *testing.T, base, name string) string {
	t.Helper()
	_, refusal := joinWith(t, base, game.JoinRequest{Name: name})
	return refusal
}

// joinWith connects a new client to base and joins with req: the ack, or the refusal.
func joinWith(t *testing.T, base string, req game.JoinRequest) (game.JoinAck, string) {
	t.Helper()
	m, err := client.NewManager(base, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s, err := m.Socket("/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	reply, err := s.EmitWithAck(ctx, "join", req)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		game.JoinAck
		game.JoinError
	}
	if err := reply.Decode(0, &answer); err != nil {
		t.Fatalf("join answer %s: %v", reply.Raw(0), err)
	}
	return answer.JoinAck, answer.Error
}

// TestMapFlagOffersEachMapAsAKindOfRoom: -map a,b runs rooms of both maps, a by default and b for
// a join that asks for it (the page's ?map=b).
func TestMapFlagOffersEachMapAsAKindOfRoom(t *testing.T) {
	base := startServer(t, "-map", "arena, bunkers")
	for _, tc := range []struct{ ask, want string }{{"", "arena"}, {"bunkers", "bunkers"}, {"arena", "arena"}} {
		ack, refusal := joinWith(t, base, game.JoinRequest{Name: "P", Kind: tc.ask})
		var welcome struct {
			Map struct {
				Name string `json:"name"`
			} `json:"map"`
		}
		if err := json.Unmarshal(ack.Game, &welcome); refusal != "" || err != nil || ack.Kind != tc.want || welcome.Map.Name != tc.want {
			t.Errorf("join asking for %q: kind %q, map %q (refused %q, %v); want %q", tc.ask, ack.Kind, welcome.Map.Name, refusal, err, tc.want)
		}
	}
	if _, refusal := joinWith(t, base, game.JoinRequest{Name: "P", Kind: "../etc/passwd"}); !strings.Contains(refusal, "no such kind of room") {
		t.Errorf("a join asking for a map not offered: %q", refusal)
	}
}

func TestSeatAndJoinFlagsReachTheLobby(t *testing.T) {
	base := startServer(t, "-max-seats-per-ip", "1")
	if msg := joinOnce(t, base, "First"); msg != "" {
		t.Fatalf("first join refused: %s", msg)
	}
	if msg := joinOnce(t, base, "Second"); msg != "too many players from your address: 1 at most" {
		t.Fatalf("second join from one address with -max-seats-per-ip 1: %q", msg)
	}
	if metrics := getBody(t, base+"/metrics"); !strings.Contains(metrics, `tankarena_joins_refused_total{reason="seats_per_address"} 1`) {
		t.Errorf("/metrics lacks the refused join:\n%s", metrics)
	}

	base2 := startServer(t, "-join-rate", "1", "-handshake-rate", "0") // an address: bursts of 32, then 1 a second
	refused := 0
	for i := range 40 {
		if joinOnce(t, base2, "P"+strconv.Itoa(i)) == "too many joins, slow down" {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("40 joins from one address in a row, none refused with -join-rate 1")
	}
	if metrics := getBody(t, base2+"/metrics"); !strings.Contains(metrics, `tankarena_joins_refused_total{reason="join_rate"} `+strconv.Itoa(refused)) {
		t.Errorf("/metrics lacks the %d refused joins:\n%s", refused, metrics)
	}
}
