package game

import (
	"log/slog"
	"sync"
	"testing"

	"tankarena/game/tanks"
	"tankarena/internal/maptest"
)

// recordingPeer is a connection that keeps the snapshots the arena sends it, and refuses
// volatile sends while busy is set, as a connection still writing the previous one does;
// reliable ones it takes all the same.
type recordingPeer struct {
	mu    sync.Mutex
	busy  bool
	snaps [][]byte // "snapshot" payloads the connection took, in order
	bytes int
}

func (p *recordingPeer) Emit(event string, args ...any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := args[0].([]byte); ok && event == "snapshot" {
		p.keep(b)
	}
	return nil
}

func (p *recordingPeer) SendSnapshot(f *Frame) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy {
		return false
	}
	p.keep(f.Data)
	return true
}

// keep records a snapshot. The caller holds mu.
func (p *recordingPeer) keep(b []byte) {
	p.snaps = append(p.snaps, b)
	p.bytes += len(b)
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

// forget drops the snapshots received so far, keeping the array that held them, so that
// receiving the next ones does not allocate.
func (p *recordingPeer) forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.snaps)
	p.snaps = p.snaps[:0]
}

// nullOut is a Broadcaster that sends nowhere.
type nullOut struct{}

func (nullOut) Broadcast(string, string, ...any) {}

// testArena is an arena on the real map whose loop is not running: the test calls tick itself.
func testArena(t testing.TB, bots int) *room[tanks.Input] {
	t.Helper()
	return testArenaWith(t, bots, tanks.DefaultConfig())
}

func testArenaWith(t testing.TB, bots int, cfg tanks.Config) *room[tanks.Input] {
	t.Helper()
	g, err := tanks.NewGame(cfg, maptest.Shipped(t, "arena"), bots, func() uint64 { return 1 })
	if err != nil {
		t.Fatal(err)
	}
	sim, err := g.NewRoom()
	if err != nil {
		t.Fatal(err)
	}
	opts := &Options[tanks.Input]{
		Settings: Settings{TickRate: 60, SnapshotRate: 30, MaxPlayers: 16, InputRate: 120}, RoomName: "arena",
		Out: nullOut{}, Metrics: testMetrics(), Logger: slog.New(slog.DiscardHandler),
	}
	return newRoom("test", "", sim, opts, nil)
}

// tankRoom is the tank world a test room runs.
func tankRoom(r *room[tanks.Input]) *tanks.Room { return r.sim.(*tanks.Room) }

// testMetrics are metrics named as the tank server names them.
func testMetrics() *Metrics { return NewMetrics("tankarena", "arena") }

// lagOf is a connection's simulated network with profile p.
func lagOf(p LagProfile) *lagLine { return newLagLine(p, testMetrics(), realClock{}, 1) }
