package tanks

import "fmt"

// RoundPhase says what part of a round a world is in.
type RoundPhase uint8

// The phases. A world whose Config.RoundTime is 0 stays RoundEndless: one match that never
// ends, as before rounds existed.
const (
	// RoundEndless: no rounds; scores run on for as long as the room lives.
	RoundEndless RoundPhase = iota
	// RoundPlaying: the round runs until tick Ends.
	RoundPlaying
	// RoundOver: the intermission after a round; the scores are frozen as the ranking, nobody
	// fires or takes damage, and at tick Ends the next round starts on the next map.
	RoundOver
)

var roundPhaseNames = [...]string{RoundEndless: "endless", RoundPlaying: "playing", RoundOver: "over"}

// String returns the name the browser uses: endless, playing or over.
func (p RoundPhase) String() string {
	if int(p) < len(roundPhaseNames) {
		return roundPhaseNames[p]
	}
	return fmt.Sprintf("phase(%d)", uint8(p))
}

// MarshalText makes phases readable in JSON.
func (p RoundPhase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// RoundState is where a world is in its rounds; every snapshot carries it.
type RoundState struct {
	Phase RoundPhase `json:"phase"`
	// Number counts rounds from 1, the room's first.
	Number int `json:"number"`
	// Map is the index of the current map in the world's rotation (the "maps" of the welcome).
	Map int `json:"map"`
	// Ends is the tick at which the phase ends (0 while endless).
	Ends uint64 `json:"ends"`
}

// Round returns where the world is in its rounds.
func (w *World) Round() RoundState { return w.round }

// SetRotation sets the maps the world's rounds go through and moves the world to maps[at]: the
// next round plays maps[at+1], and so on round the list. Call it before the first Step.
func (w *World) SetRotation(maps []*Map, at int) error {
	if at < 0 || at >= len(maps) {
		return fmt.Errorf("tanks: rotation of %d maps has no map %d", len(maps), at)
	}
	for _, m := range maps {
		if m == nil || len(m.Spawns) == 0 {
			return fmt.Errorf("tanks: rotation map without spawns")
		}
	}
	w.maps = maps
	w.round.Map = at
	w.useMap(maps[at])
	return nil
}

// useMap makes m the arena, resizing the spatial grid and the bots' path scratch (reusing their
// memory when the map is not larger than one seen before).
func (w *World) useMap(m *Map) {
	w.m = m
	w.grid.init(m, 2*w.cfg.TankRadius+w.cfg.ShellSpeed*w.dt+w.cfg.ShellRadius+w.cfg.MuzzleOffset)
	w.nav.init(m)
}

// startRounds puts a new world in its first round, or in no round at all.
func (w *World) startRounds() {
	w.round = RoundState{Phase: RoundEndless}
	if w.cfg.RoundTime > 0 {
		w.round = RoundState{Phase: RoundPlaying, Number: 1, Ends: uint64(w.cfg.ticks(w.cfg.RoundTime))}
	}
}

// stepRound ends the round or the intermission when its time is up. It runs first in a step,
// so a new round's tanks spawn on the new map in the same step.
func (w *World) stepRound() {
	if w.round.Phase == RoundEndless || w.tick < w.round.Ends {
		return
	}
	if w.round.Phase == RoundPlaying {
		w.endRound()
	} else {
		w.nextRound()
	}
}

// endRound freezes the ranking: the shells in flight vanish (none may score after the bell) and
// the intermission begins.
func (w *World) endRound() {
	w.round.Phase = RoundOver
	w.round.Ends = w.tick + uint64(w.cfg.ticks(w.cfg.Intermission))
	w.shells = w.shells[:0]
}

// nextRound starts the next round on the next map of the rotation with every score at zero;
// every tank, joiners of the intermission too, spawns afresh this step.
func (w *World) nextRound() {
	w.round.Phase = RoundPlaying
	w.round.Number++
	w.round.Ends = w.tick + uint64(w.cfg.ticks(w.cfg.RoundTime))
	if len(w.maps) > 1 {
		w.round.Map = (w.round.Map + 1) % len(w.maps)
		w.useMap(w.maps[w.round.Map])
	}
	w.shells = w.shells[:0]
	for i := range w.tanks {
		t := &w.tanks[i]
		t.kills, t.deaths, t.streak, t.best, t.shots, t.hits = 0, 0, 0, 0, 0, 0
		t.alive, t.health, t.respawnTicks = false, 0, 0
		t.VX, t.VY = 0, 0
		if b := t.bot; b != nil {
			// Waypoints and patrol goals belong to the old map.
			b.target, b.seenTicks, b.stuckTicks, b.backTicks, b.repath, b.patrolling = 0, 0, 0, 0, 0, false
		}
	}
}

// armed reports whether tanks may fire and take damage: not during the intermission.
func (w *World) armed() bool { return w.round.Phase != RoundOver }
