package arena

import (
	"io/fs"
	"log/slog"
	"sync"
	"testing"

	"tankarena/assets"
	"tankarena/game"
)

// recordingPeer is a connection that keeps what the arena sends it.
type recordingPeer struct {
	mu       sync.Mutex
	volatile [][]byte // "snapshot" payloads in arrival order
}

func (p *recordingPeer) Emit(string, ...any) error { return nil }
func (p *recordingPeer) EmitVolatile(event string, args ...any) {
	if b, ok := args[0].([]byte); ok && event == "snapshot" {
		p.mu.Lock()
		p.volatile = append(p.volatile, b)
		p.mu.Unlock()
	}
}
func (p *recordingPeer) Join(string)  {}
func (p *recordingPeer) Leave(string) {}

// nullOut is a Broadcaster that sends nowhere.
type nullOut struct{}

func (nullOut) Broadcast(string, string, ...any)         {}
func (nullOut) BroadcastVolatile(string, string, ...any) {}

// testArena is an arena on the real map whose loop is not running: the test calls tick itself.
func testArena(t testing.TB, bots int) *Arena {
	t.Helper()
	data, err := fs.ReadFile(assets.Maps, "maps/arena.txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := game.LoadMap("arena", data)
	if err != nil {
		t.Fatal(err)
	}
	w, err := game.NewWorld(game.DefaultConfig(), m, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.SetBotFill(bots, game.BotNormal)
	opts := &Options{TickRate: 60, SnapshotRate: 30, MaxPlayers: 16, Out: nullOut{}, Metrics: &Metrics{}, Logger: slog.New(slog.DiscardHandler)}
	return newArena(1, w, opts)
}
