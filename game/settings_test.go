package game

import (
	"bytes"
	"flag"
	"testing"
	"time"
)

// parseSettings parses args with the runtime's flags for a game that calls a room room.
func parseSettings(t *testing.T, room string, defaults Settings, args ...string) (Settings, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	settings := RegisterFlags(fs, room, defaults)
	if err := fs.Parse(args); err != nil {
		return Settings{}, err
	}
	return settings()
}

func TestRuntimeFlagsHaveDefaultsAndBounds(t *testing.T) {
	s, err := parseSettings(t, "arena", Settings{})
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{TickRate: 60, SnapshotRate: 30, MaxPlayers: 16, MaxSpectators: DefaultMaxSpectators, MaxRooms: DefaultMaxRooms, MaxNameLength: DefaultMaxNameLength,
		MaxSeatsPerAddress: DefaultMaxSeatsPerAddress, JoinRate: DefaultJoinRate, MaxClientLag: DefaultMaxClientLag,
		ReplayMaxBytes: DefaultReplayMaxBytes, ReplayMaxFiles: DefaultReplayMaxFiles}
	if s != want {
		t.Fatalf("defaults:\n got %+v\nwant %+v", s, want)
	}
	// A game's own defaults; the room's name in the flag's.
	if s, err = parseSettings(t, "room", Settings{MaxPlayers: 8, TickRate: 30}, "-max-rooms", "3"); err != nil || s.MaxPlayers != 8 || s.TickRate != 30 || s.MaxRooms != 3 {
		t.Fatalf("a game's defaults and -max-rooms: %+v (%v)", s, err)
	}
	// Replays: a folder and its bounds; none by default (host.NewGame offers one).
	if s, err = parseSettings(t, "arena", Settings{}, "-replays", "/tmp/r", "-replays-max-mb", "10", "-replays-max-files", "5"); err != nil ||
		s.Replays != "/tmp/r" || s.ReplayMaxBytes != 10<<20 || s.ReplayMaxFiles != 5 {
		t.Fatalf("the replay flags: %+v (%v)", s, err)
	}
	// A flag's 0 is an option's "none".
	s, err = parseSettings(t, "arena", Settings{}, "-join-rate", "0", "-max-client-lag", "0", "-max-spectators", "0", "-lag", "150", "-jitter", "30", "-loss", "0.25")
	if err != nil || s.JoinRate >= 0 || s.ConnJoinRate >= 0 || s.MaxClientLag >= 0 || s.MaxSpectators >= 0 ||
		s.Lag != (LagProfile{Lag: 150 * time.Millisecond, Jitter: 30 * time.Millisecond, Loss: 0.25}) {
		t.Fatalf("-join-rate 0, -max-client-lag 0, -max-spectators 0 and the lag flags: %+v (%v)", s, err)
	}
	if s, err = parseSettings(t, "arena", Settings{}, "-join-rate", "7", "-max-client-lag", "500"); err != nil || s.JoinRate != 7 || s.ConnJoinRate != 0 || s.MaxClientLag != 500*time.Millisecond {
		t.Fatalf("-join-rate 7 -max-client-lag 500: %+v (%v)", s, err)
	}
	for _, bad := range [][]string{{"-max-arenas", "0"}, {"-max-name-length", "0"}, {"-input-rate", "-1"}, {"-max-seats-per-ip", "0"},
		{"-join-rate", "-1"}, {"-max-client-lag", "-1"}, {"-tick-rate", "0"}, {"-tick-rate", "241"}, {"-snapshot-rate", "0"},
		{"-max-players", "0"}, {"-max-spectators", "-1"}, {"-loss", "2"}, {"-lag", "-5"}, {"-replays-max-mb", "0"}, {"-replays-max-files", "0"}} {
		if s, err := parseSettings(t, "arena", Settings{}, bad...); err == nil {
			t.Errorf("%v accepted: %+v", bad, s)
		}
	}
}
