package main

import (
	"context"
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
	reply, err := s.EmitWithAck(ctx, "join", game.JoinRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	var refused game.JoinError
	_ = reply.Decode(0, &refused)
	return refused.Error
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
