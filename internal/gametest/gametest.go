// Package gametest serves a game for a test: the whole server on a loopback port, as the
// game's program runs it, until the test ends.
package gametest

import (
	"context"
	"net"
	"testing"

	"tankarena/game"
	"tankarena/game/host"
)

// Serve builds g's server with the flags args (host.NewGame), serves it on a loopback port and
// returns it with its URL. When the test ends the server shuts down, and an error from serving
// fails the test.
func Serve[In game.Input[In]](t testing.TB, g host.Game[In], args ...string) (*host.Server, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	// Tests record no replays unless they ask (a later -replays wins): the default folder is
	// the user's cache.
	srv, err := host.NewGame(ctx, g, append([]string{"-replays="}, args...))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return srv, "http://" + ln.Addr().String()
}
