package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/internal/gametest"
	"tankarena/internal/testenv"
	"tankarena/realtime/client"
)

// BenchmarkJoinAcrossNodes measures what a player waits from connecting to a node to holding a
// seat: in a room of that node ("here"), and in a room of another node ("sent"), which takes a
// seat reservation in Redis, a second connection and a second join. Reported as ms/join; each
// player leaves at once, so the rooms never fill.
func BenchmarkJoinAcrossNodes(b *testing.B) {
	r := testenv.Redis(b)
	// One client address makes every join here: no rate limits.
	flags := []string{"-admit-when-busy", "-redis", r.URL(), "-handshake-rate", "0", "-join-rate", "0"}
	_, a := gametest.Serve(b, tankArena(), flags...)
	_, other := gametest.Serve(b, tankArena(), flags...)
	// A player stays on the other node, so its room lives there.
	leave := benchJoin(b, other)
	defer leave()
	deadline := time.Now().Add(testenv.Patience(30 * time.Second))
	for !benchListsRoom(b, a, other) {
		if time.Now().After(deadline) {
			b.Fatal("node A never listed the other node's room")
		}
		time.Sleep(50 * time.Millisecond) // polling the directory, with a deadline
	}
	b.Run("sent", func(b *testing.B) { benchJoins(b, a) })
	b.Run("here", func(b *testing.B) { benchJoins(b, other) })
}

func benchJoins(b *testing.B, base string) {
	b.ReportAllocs()
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		leave := benchJoin(b, base)
		total += time.Since(start)
		leave()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/join")
}

// benchJoin connects to base and joins, following a redirect; it returns how the player
// leaves (its seat freed at once, not held for a reconnect).
func benchJoin(b *testing.B, base string) (leave func()) {
	b.Helper()
	seat := ""
	for hop := 0; hop < 3; hop++ {
		m, err := client.NewManager(base, client.Options{})
		if err != nil {
			b.Fatal(err)
		}
		s, err := m.Socket("/", nil)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), testenv.Patience(30*time.Second))
		if err := s.Connect(ctx); err != nil {
			b.Fatal(err)
		}
		reply, err := s.EmitWithAck(ctx, "join", game.JoinRequest{Name: "bench", Seat: seat})
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		var answer struct {
			game.JoinAck
			game.JoinRedirect
			game.JoinError
		}
		if err := reply.Decode(0, &answer); err != nil || answer.Error != "" {
			b.Fatalf("join: %s (%v)", reply.Raw(0), err)
		}
		if answer.Redirect.URL == "" {
			return func() {
				_ = s.Emit("leave")
				m.Close()
			}
		}
		m.Close()
		base, seat = answer.Redirect.URL, answer.Redirect.Seat
	}
	b.Fatal("redirected more than twice")
	return nil
}

func benchListsRoom(b *testing.B, base, node string) bool {
	resp, err := http.Get(base + "/rooms")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var list struct{ Rooms []game.RoomInfo }
	if err := json.Unmarshal(body, &list); err != nil {
		b.Fatal(err)
	}
	for _, r := range list.Rooms {
		if r.Node == node {
			return true
		}
	}
	return false
}
