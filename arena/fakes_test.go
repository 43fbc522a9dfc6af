package arena

import (
	"log/slog"
	"sync"
	"testing"

	"tankarena/game/tanks"
	"tankarena/internal/maptest"
)

// recordingPeer is a connection that keeps the snapshots the arena sends it, and refuses
// volatile sends while busy is set, as a connection still writing the previous one does.
type recordingPeer struct {
	mu    sync.Mutex
	busy  bool
	snaps [][]byte // "snapshot" payloads the connection took, in order
	bytes int
}

func (p *recordingPeer) Emit(string, ...any) error { return nil }
func (p *recordingPeer) EmitVolatile(event string, args ...any) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy {
		return false
	}
	if b, ok := args[0].([]byte); ok && event == "snapshot" {
		p.snaps = append(p.snaps, b)
		p.bytes += len(b)
	}
	return true
}
func (p *recordingPeer) Join(string)  {}
func (p *recordingPeer) Leave(string) {}

func (p *recordingPeer) setBusy(busy bool) {
	p.mu.Lock()
	p.busy = busy
	p.mu.Unlock()
}

// taken returns the snapshots received so far and forgets them.
func (p *recordingPeer) taken() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	got := p.snaps
	p.snaps = nil
	return got
}

// nullOut is a Broadcaster that sends nowhere.
type nullOut struct{}

func (nullOut) Broadcast(string, string, ...any) {}

// testArena is an arena on the real map whose loop is not running: the test calls tick itself.
func testArena(t testing.TB, bots int) *Arena {
	t.Helper()
	return testArenaWith(t, bots, tanks.DefaultConfig())
}

func testArenaWith(t testing.TB, bots int, cfg tanks.Config) *Arena {
	t.Helper()
	m := maptest.Shipped(t, "arena")
	w, err := tanks.NewWorld(cfg, m, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.SetBotFill(bots, tanks.BotNormal)
	opts := &Options{TickRate: 60, SnapshotRate: 30, MaxPlayers: 16, InputRate: 120, Out: nullOut{}, Metrics: &Metrics{}, Logger: slog.New(slog.DiscardHandler)}
	return newArena(1, w, opts, nil)
}

// lagOf is a connection's simulated network with profile p.
func lagOf(p LagProfile) *lagLine { return newLagLine(p, &Metrics{}) }
