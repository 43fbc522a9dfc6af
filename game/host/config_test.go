package host

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
)

// parse parses args with the host's flags and a game's -rounds, as a game's main does.
func parse(t *testing.T, args ...string) (Config, int, error) {
	t.Helper()
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("testgame", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	cfg.RegisterFlags(fs)
	rounds := fs.Int("rounds", 3, "rounds a match lasts")
	err := cfg.ParseFlags(fs, args, testEnvPrefix)
	return cfg, *rounds, err
}

func TestFlagsHaveDefaultsEnvFallBacksAndBounds(t *testing.T) {
	t.Setenv("PORT", "") // empty: not set
	cfg, rounds, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	if cfg.Addr != ":8080" || cfg.MaxPayload != want.MaxPayload || cfg.MaxConnections != 10_000 || cfg.MaxConnectionsPerIP != 64 ||
		cfg.HandshakeRate != 10 || cfg.TrustProxy || cfg.Dev || len(cfg.AllowedOrigins) != 0 || len(cfg.AllowedHosts) != 0 || rounds != 3 {
		t.Fatalf("defaults: %+v, rounds %d", cfg, rounds)
	}

	// Every flag, the game's own too, falls back to its variable; the command line wins.
	t.Setenv("HOSTTEST_HANDSHAKE_RATE", "0")
	t.Setenv("HOSTTEST_MAX_CONNECTIONS", "99")
	t.Setenv("HOSTTEST_TRUST_PROXY", "1")
	t.Setenv("HOSTTEST_ALLOWED_ORIGINS", "http://a.lan, http://b.lan/")
	t.Setenv("HOSTTEST_ALLOWED_HOSTS", " game.lan, ,tanks.example:8080")
	t.Setenv("HOSTTEST_ROUNDS", "5")
	t.Setenv("HOSTTEST_MAX_PAYLOAD", "")            // empty: not set
	t.Setenv("HOSTTEST_MAX_CONNECTIONS_PER_IP", "") // empty: not set
	if cfg, rounds, err = parse(t, "-max-connections", "7", "-max-payload", "100000"); err != nil {
		t.Fatal(err)
	}
	if cfg.HandshakeRate != 0 || cfg.MaxConnections != 7 || !cfg.TrustProxy || cfg.MaxPayload != 100000 || cfg.MaxConnectionsPerIP != 64 || rounds != 5 ||
		!slices.Equal(cfg.AllowedOrigins, []string{"http://a.lan", "http://b.lan/"}) ||
		!slices.Equal(cfg.AllowedHosts, []string{"game.lan", "tanks.example:8080"}) {
		t.Fatalf("env and flags not applied: %+v, rounds %d", cfg, rounds)
	}
	if cfg, _, err = parse(t, "-allowed-hosts", "*", "-rounds", "1"); err != nil || !slices.Equal(cfg.AllowedHosts, []string{"*"}) {
		t.Fatalf("the flag must win over the env: %q (%v)", cfg.AllowedHosts, err)
	}
}

func TestAddrFallsBackToPORT(t *testing.T) {
	t.Setenv("PORT", "9000")
	if cfg, _, err := parse(t); err != nil || cfg.Addr != ":9000" {
		t.Errorf("PORT=9000: %q (%v), want :9000", cfg.Addr, err)
	}
	t.Setenv("HOSTTEST_ADDR", "127.0.0.1:9001")
	if cfg, _, err := parse(t); err != nil || cfg.Addr != "127.0.0.1:9001" {
		t.Errorf("HOSTTEST_ADDR over PORT: %q (%v)", cfg.Addr, err)
	}
	if cfg, _, err := parse(t, "-addr", ":9002"); err != nil || cfg.Addr != ":9002" {
		t.Errorf("-addr over both: %q (%v)", cfg.Addr, err)
	}
}

func TestBadSettingsAreClearErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-max-payload", "10"}, "max-payload 10"},
		{[]string{"-max-connections", "0"}, "max-connections 0"},
		{[]string{"-max-connections-per-ip", "0"}, "max-connections-per-ip 0"},
		{[]string{"-handshake-rate", "-1"}, "handshake-rate -1"},
		{[]string{"-allowed-origins", "game.lan:3000"}, `allowed-origins "game.lan:3000"`},
		{[]string{"-allowed-origins", "http://game.lan/page"}, `allowed-origins "http://game.lan/page"`},
	} {
		_, _, err := parse(t, tt.args...)
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want ErrInvalidConfig naming %s", tt.args, err, tt.want)
		}
	}
	// Several at once are all reported.
	_, _, err := parse(t, "-max-connections", "0", "-handshake-rate", "-1")
	if err == nil || !strings.Contains(err.Error(), "max-connections 0") || !strings.Contains(err.Error(), "handshake-rate -1") {
		t.Errorf("two bad settings: %v, want both named", err)
	}
	// A variable that does not parse names itself and its flag; before the host package it
	// silently gave the default.
	t.Setenv("HOSTTEST_MAX_CONNECTIONS", "many")
	t.Setenv("HOSTTEST_ROUNDS", "3.5")
	_, _, err = parse(t)
	if !errors.Is(err, ErrBadEnvironment) || !strings.Contains(err.Error(), `HOSTTEST_MAX_CONNECTIONS="many" (for -max-connections)`) || !strings.Contains(err.Error(), "HOSTTEST_ROUNDS") {
		t.Errorf("variables that do not parse: %v, want ErrBadEnvironment naming both", err)
	}
}

// TestUsageNamesTheVariables: -h shows each flag's environment variable.
func TestUsageNamesTheVariables(t *testing.T) {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("testgame", flag.ContinueOnError)
	var usage bytes.Buffer
	fs.SetOutput(&usage)
	cfg.RegisterFlags(fs)
	fs.Int("rounds", 3, "rounds a match lasts")
	if err := cfg.ParseFlags(fs, []string{"-h"}, testEnvPrefix); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, want := range []string{"(env HOSTTEST_MAX_PAYLOAD)", "(env HOSTTEST_TRUST_PROXY=1)", "(env HOSTTEST_DEV=1)", "(env HOSTTEST_ROUNDS)", "(env HOSTTEST_ADDR, or PORT)", "(default 65536)"} {
		if !strings.Contains(usage.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, usage.String())
		}
	}
}
