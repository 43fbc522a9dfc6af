package main

import (
	"strconv"
	"strings"
)

// Scenario 3 measures the game server (the repository's main package) alone: there is no
// reference to compare it with. Its rates are the game's defaults.
const (
	gameTickRate     = 60
	gameSnapshotRate = 30
)

// serverBaseline names the runs of the -game-baseline binary.
const serverBaseline = "baseline"

// gameKinds are the game servers the game scenario measures in turns: the game server, the
// same with spectators (spectators.go) when asked for, then the baseline build when there is
// one.
func (c config) gameKinds() []serverKind {
	kinds := []serverKind{gameKind("go", "ours (Go)", c.gameServer, c.gameArgs)}
	if c.gameSpectators > 0 {
		kinds = append(kinds, c.spectatorsKind())
	}
	if c.gameBaseline != "" {
		kinds = append(kinds, gameKind(serverBaseline, "baseline", c.gameBaseline, c.gameArgs))
	}
	return kinds
}

// gameKind starts the game server binary bin on a free loopback port with no server-side bots,
// so every tank is a connected player.
func gameKind(name, label, bin string, extra []string) serverKind {
	return serverKind{
		name:  name,
		label: label,
		command: func(int, int) []string {
			argv := []string{bin, "-addr", "127.0.0.1:0", "-tick-rate", strconv.Itoa(gameTickRate),
				"-snapshot-rate", strconv.Itoa(gameSnapshotRate), "-bots", "0"}
			argv = append(argv, liftedGameLimits(bin)...)
			return append(argv, extra...)
		},
		portFrom: gameServerPort,
	}
}

// gameServerPort reads the port from the game server's greeting,
// "Tank Arena is up. Open on this machine: http://localhost:<port>/".
func gameServerPort(line string) (int, bool) {
	const marker = "http://localhost:"
	i := strings.Index(line, marker)
	if i < 0 {
		return 0, false
	}
	rest := line[i+len(marker):]
	port, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), "/"))
	return port, err == nil && port > 0
}

// liftedGameLimits returns flags that lift the game server's capacity limits above what
// the benchmark may reach, for each limit flag this build of the server has (its -h lists
// them): the benchmark measures the machine, not a configured cap. The per-address
// connection limit needs no flag: the load generator spreads its players over loopback
// source addresses (-per-source), under the limit, as players on a LAN would be. The
// handshake and join rate limits are lifted: they are there against one client looping, and
// the benchmark opens hundreds of connections a second, 16 to an address, whose joins a
// cluster's redirects count on two nodes. Admission by measured load is lifted too: the game
// scenario looks for the cliff that admission keeps a node away from (the admission scenario
// turns it back on).
func liftedGameLimits(server string) []string {
	var out []string
	for _, lift := range [][2]string{
		{"-max-arenas", "100000"},
		{"-handshake-rate", "0"},
		{"-join-rate", "0"},
		{"-admit-when-busy", "true"},
	} {
		if hasFlag(server, lift[0]) {
			out = append(out, lift[0]+"="+lift[1]) // one argument: a boolean flag takes its value only so
		}
	}
	return out
}
