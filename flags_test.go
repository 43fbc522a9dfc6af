package main

import (
	"testing"

	"tankarena/arena"
)

func TestLimitFlagsHaveDefaultsEnvFallBacksAndBounds(t *testing.T) {
	s, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.maxArenas != arena.DefaultMaxArenas || s.maxNameLength != arena.DefaultMaxNameLength || s.maxPayload != defaultMaxPayload || s.inputRate != 0 || s.handshakeRate != 10 || len(s.origins.allowed) != 0 || len(s.allowedHosts) != 0 {
		t.Fatalf("defaults: %+v", s)
	}
	if s.maxSeatsPerIP != 32 || s.joinRate != 5 || s.maxClientLag != 1000 {
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
	if s.maxArenas != 3 || s.maxNameLength != 8 || s.inputRate != 90 || s.maxPayload != 100000 || s.handshakeRate != 0 ||
		len(s.origins.allowed) != 2 || s.origins.allowed[1] != "http://b.lan" ||
		len(s.allowedHosts) != 2 || s.allowedHosts[1] != "tanks.example:8080" {
		t.Fatalf("env and flags not applied: %+v", s)
	}
	if s, err = parseFlags([]string{"-max-arenas", "5", "-allowed-hosts", "*"}); err != nil || s.maxArenas != 5 || len(s.allowedHosts) != 1 {
		t.Fatalf("the flag must win over the env: %d, %q (%v)", s.maxArenas, s.allowedHosts, err)
	}
	t.Setenv("TANKARENA_MAX_SEATS_PER_IP", "4")
	t.Setenv("TANKARENA_JOIN_RATE", "0")
	t.Setenv("TANKARENA_MAX_CLIENT_LAG", "0")
	if s, err = parseFlags([]string{"-join-rate", "7"}); err != nil || s.maxSeatsPerIP != 4 || s.joinRate != 7 || s.maxClientLag != 0 {
		t.Fatalf("seat and join env and flags not applied: %+v (%v)", s, err)
	}
	for _, bad := range [][]string{{"-max-arenas", "0"}, {"-max-name-length", "0"}, {"-max-payload", "10"}, {"-input-rate", "-1"}, {"-handshake-rate", "-1"},
		{"-max-seats-per-ip", "0"}, {"-join-rate", "-1"}, {"-max-client-lag", "-1"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%v) accepted", bad)
		}
	}
}
