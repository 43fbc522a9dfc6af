package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"tankarena/game"
	"tankarena/game/host"
)

func TestLimitFlagsHaveDefaultsEnvFallBacksAndBounds(t *testing.T) {
	s, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.game.MaxRooms != game.DefaultMaxRooms || s.game.MaxNameLength != game.DefaultMaxNameLength || s.host.MaxPayload != host.DefaultMaxPayload || s.game.InputRate != 0 || s.host.HandshakeRate != 10 || len(s.host.AllowedOrigins) != 0 || len(s.host.AllowedHosts) != 0 {
		t.Fatalf("defaults: %+v", s)
	}
	if s.game.MaxSeatsPerAddress != 32 || s.game.JoinRate != 5 || s.game.MaxClientLag != time.Second {
		t.Fatalf("seat and join defaults: %+v", s)
	}
	t.Setenv("TANKARENA_MAX_ARENAS", "3")
	t.Setenv("TANKARENA_MAX_NAME_LENGTH", "8")
	t.Setenv("TANKARENA_HANDSHAKE_RATE", "0")
	t.Setenv("TANKARENA_ALLOWED_ORIGINS", "http://a.lan, http://b.lan/")
	t.Setenv("TANKARENA_ALLOWED_HOSTS", " game.lan, ,tanks.example:8080")
	if s, err = parseFlags([]string{"-input-rate", "90", "-max-payload", "100000"}); err != nil {
		t.Fatal(err)
	}
	if s.game.MaxRooms != 3 || s.game.MaxNameLength != 8 || s.game.InputRate != 90 || s.host.MaxPayload != 100000 || s.host.HandshakeRate != 0 ||
		!slices.Equal(s.host.AllowedOrigins, []string{"http://a.lan", "http://b.lan/"}) ||
		!slices.Equal(s.host.AllowedHosts, []string{"game.lan", "tanks.example:8080"}) {
		t.Fatalf("env and flags not applied: %+v", s)
	}
	if s, err = parseFlags([]string{"-max-arenas", "5", "-allowed-hosts", "*"}); err != nil || s.game.MaxRooms != 5 || len(s.host.AllowedHosts) != 1 {
		t.Fatalf("the flag must win over the env: %d, %q (%v)", s.game.MaxRooms, s.host.AllowedHosts, err)
	}
	t.Setenv("TANKARENA_MAX_SEATS_PER_IP", "4")
	t.Setenv("TANKARENA_JOIN_RATE", "0")
	t.Setenv("TANKARENA_MAX_CLIENT_LAG", "0")
	t.Setenv("TANKARENA_LOSS", "0.25")
	if s, err = parseFlags([]string{"-join-rate", "7"}); err != nil || s.game.MaxSeatsPerAddress != 4 || s.game.JoinRate != 7 || s.game.MaxClientLag >= 0 || s.game.Lag.Loss != 0.25 {
		t.Fatalf("seat, join and lag env and flags not applied: %+v (%v)", s, err)
	}
	for _, bad := range [][]string{{"-max-arenas", "0"}, {"-max-name-length", "0"}, {"-max-payload", "10"}, {"-input-rate", "-1"}, {"-handshake-rate", "-1"},
		{"-max-seats-per-ip", "0"}, {"-join-rate", "-1"}, {"-max-client-lag", "-1"}, {"-tick-rate", "0"}, {"-loss", "2"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%v) accepted", bad)
		}
	}
	if _, err := parseFlags([]string{"-max-connections", "0"}); !errors.Is(err, host.ErrInvalidConfig) {
		t.Errorf("-max-connections 0: %v, want host.ErrInvalidConfig", err)
	}
	// A variable that does not parse is an error naming it, no longer silently the default.
	t.Setenv("TANKARENA_TICK_RATE", "sixty")
	if _, err := parseFlags(nil); err == nil || !strings.Contains(err.Error(), "TANKARENA_TICK_RATE") {
		t.Errorf("TANKARENA_TICK_RATE=sixty: %v, want an error naming the variable", err)
	}
}
