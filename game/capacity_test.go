package game_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/tanks"
)

// TestABusyNodeSeatsNoNewPlayers: while the node's load says busy, a new player is refused
// with "server busy" (and counted), while a player already in keeps its snapshots and gets its
// seat back with its token on a new connection; once the load falls, new players are seated
// again. The load is injected: what it is measured from is TestLoadBusy's.
func TestABusyNodeSeatsNoNewPlayers(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.AdmitWhenBusy = false })
	var busy atomic.Bool
	budget := time.Second / 60
	game.SetLoad(h.lobby, func() game.Load {
		if busy.Load() {
			return game.Load{BusiestTick: budget * 3 / 4, TickBudget: budget}
		}
		return game.Load{BusiestTick: budget / 10, TickBudget: budget}
	})
	alice := h.join(t, "Alice", "")

	busy.Store(true)
	if msg := h.connect(t, nil).refusal("Bob"); !strings.Contains(msg, "server busy") {
		t.Fatalf("a new player on a busy node: %q, want a \"server busy\" refusal", msg)
	}
	if got := metric(t, h.lobby, `tankarena_joins_refused_total{reason="busy"}`); got != 1 {
		t.Errorf("joins refused as busy: %v, want 1", got)
	}
	before := alice.snapshotCount()
	eventually(t, "Alice's snapshots to go on", func() bool { return alice.snapshotCount() > before+5 })
	back := h.join(t, "Alice", alice.ack.Token)
	if back.ack.ID != alice.ack.ID || back.ack.Room != alice.ack.Room {
		t.Errorf("Alice back with her token on a busy node: tank %d in %s, want tank %d in %s", back.ack.ID, back.ack.Room, alice.ack.ID, alice.ack.Room)
	}

	busy.Store(false)
	if msg := h.connect(t, nil).refusal("Carol"); msg != "" {
		t.Fatalf("a new player once the load fell: refused with %q", msg)
	}
}

// TestLoadBusy: each measure makes a node busy past its bound, and a share measured over too
// few ticks or snapshots says nothing.
func TestLoadBusy(t *testing.T) {
	budget := time.Second / 60
	for _, c := range []struct {
		name string
		load game.Load
		busy string // what the reason names; "" for not busy
	}{
		{"idle", game.Load{TickBudget: budget}, ""},
		{"a room at 40% of its budget", game.Load{BusiestTick: budget * 4 / 10, TickBudget: budget, NodeShare: 0.4}, ""},
		{"a room at 60% of its budget", game.Load{BusiestTick: budget * 6 / 10, TickBudget: budget}, "a room's tick"},
		{"rooms at 80% of the CPUs", game.Load{BusiestTick: budget / 10, TickBudget: budget, NodeShare: 0.8}, "of the CPUs"},
		{"the process at 85% of its CPUs", game.Load{TickBudget: budget, CPUShare: 0.85}, ""},
		{"the process at 95% of its CPUs", game.Load{TickBudget: budget, CPUShare: 0.95}, "server takes 95% of its CPUs"},
		{"ticks skipped now and then", game.Load{TickBudget: budget, SkipShare: 0.01, Ticks: 5000}, ""},
		{"ticks skipped often", game.Load{TickBudget: budget, SkipShare: 0.2, Ticks: 5000}, "ticks skipped"},
		{"few ticks, skipped", game.Load{TickBudget: budget, SkipShare: 0.5, Ticks: 100}, ""},
		{"snapshots dropped for a few", game.Load{TickBudget: budget, DropShare: 0.02, Snapshots: 30000}, ""},
		{"snapshots dropped for many", game.Load{TickBudget: budget, DropShare: 0.5, Snapshots: 30000}, "snapshots dropped"},
		{"few players, one on a bad link", game.Load{TickBudget: budget, DropShare: 0.3, Snapshots: 300}, ""},
	} {
		busy, why := c.load.Busy()
		if busy != (c.busy != "") || !strings.Contains(why, c.busy) {
			t.Errorf("%s: busy %v (%q), want busy %v naming %q", c.name, busy, why, c.busy != "", c.busy)
		}
	}
}

// TestLoadSharesDecay: what the rooms measured counts for a few seconds; a burst of skipped
// ticks long ago neither counts now nor keeps enough volume to be judged.
func TestLoadSharesDecay(t *testing.T) {
	var s game.DecayedShare
	t0 := time.Unix(1000, 0)
	s.Add(t0, 500, 5000)
	if share, volume := s.Share(t0); share != 0.1 || volume != 5000 {
		t.Fatalf("at once: share %v of %v, want 0.1 of 5000", share, volume)
	}
	s.Add(t0.Add(time.Second), 0, 5000)
	if share, _ := s.Share(t0.Add(time.Second)); share >= 0.1 || share <= 0.03 {
		t.Errorf("a second later, with as many good ticks: share %v, want between 0.03 and 0.1", share)
	}
	if _, volume := s.Share(t0.Add(time.Minute)); volume >= 1 {
		t.Errorf("a minute later the volume is %v, want nearly none", volume)
	}
}

// TestJoinPacingProjection: a measure counts the players it does not show yet at what the
// others cost, once it is past half its bound; below, or with nobody seated lately, it stands.
func TestJoinPacingProjection(t *testing.T) {
	for _, c := range []struct {
		name                            string
		measured, players, unseen, want float64
	}{
		{"a LAN party of 16 joining an idle node", 0.05, 16, 16, 0.05},
		{"a LAN party of 16 joining a node of one player and bots at 60%", 0.6, 17, 16, 0.6375},
		{"a burst on a node at 40%", 0.4, 480, 80, 0.4},
		{"a burst of 80 on a node of 400 at 80%", 0.8, 480, 80, 0.96},
		{"nobody seated lately", 0.8, 400, 0, 0.8},
		{"160 seated lately at 60%: the cost of 16 to go by", 0.6, 160, 160, 6},
		{"more seated lately than are left", 0.6, 64, 90, 2.4},
	} {
		if got := game.Project(c.measured, 0.9, c.players, c.unseen, 16); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: projected %v, want %v", c.name, got, c.want)
		}
	}
}

// TestABurstOfJoinsIsPaced: on a node near its bound, new players are seated only as far as
// the measure, counting those seated a moment ago at what the others cost, stays under it;
// the rest are told "server busy" until the measure has seen them. A node of few players
// seats a LAN party of 16 joining at once (though its bots take 60% of its CPUs), and a
// player back with its token is never refused. The
// clock and the measured load are the test's: the measure never moves, so only the pacing
// holds the burst back.
func TestABurstOfJoinsIsPaced(t *testing.T) {
	h := newHarness(t, func(o *game.Options[tanks.Input]) { noJoinLimits(o); o.AdmitWhenBusy = false })
	var mu sync.Mutex
	now, cpu := time.Unix(1000, 0), 0.6
	game.SetClock(h.lobby, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	game.SetLoad(h.lobby, func() game.Load {
		mu.Lock()
		defer mu.Unlock()
		return game.Load{TickBudget: time.Second / 60, CPUShare: cpu}
	})
	set := func(later time.Duration, share float64) {
		mu.Lock()
		defer mu.Unlock()
		now, cpu = now.Add(later), share
	}

	var party []*tester
	for i := range 16 {
		party = append(party, h.join(t, fmt.Sprintf("lan%d", i), ""))
	}

	set(time.Minute, 0.8) // the node has seen the party, and is near its bound
	seated, refusal := 0, ""
	for i := 0; i < 16 && refusal == ""; i++ {
		if refusal = h.connect(t, nil).refusal(fmt.Sprintf("burst%d", i)); refusal == "" {
			seated++
		}
	}
	if seated == 0 || !strings.Contains(refusal, "server busy") || !strings.Contains(refusal, "seated a moment ago") {
		t.Fatalf("a burst on a node at 80%% of its CPUs: %d seated, then %q; want some seated, then a \"server busy\" refusal naming the players seated a moment ago", seated, refusal)
	}
	if seated > 8 {
		t.Errorf("a burst on a node of 16 players at 80%% of its CPUs seated %d at once, want a few", seated)
	}
	back := h.join(t, "lan0", party[0].ack.Token)
	if back.ack.Room != party[0].ack.Room || back.ack.ID != party[0].ack.ID {
		t.Errorf("a player back with its token while joins are paced: tank %d in %s, want %d in %s", back.ack.ID, back.ack.Room, party[0].ack.ID, party[0].ack.Room)
	}

	set(time.Minute, 0.8) // the measure has seen the burst, and still reads 80%
	if msg := h.connect(t, nil).refusal("later"); msg != "" {
		t.Errorf("a new player once the measure saw the burst: refused with %q", msg)
	}
}
