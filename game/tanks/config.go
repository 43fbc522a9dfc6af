package tanks

import (
	"errors"
	"fmt"
	"math"
)

// Config holds every tunable of the simulation. The browser receives it as JSON so it can predict
// its own tank with exactly the rules the server uses; keep field tags stable.
//
// Distances are world units, speeds units/second, angles radians, times seconds.
type Config struct {
	// TickRate is the number of simulation steps per second (dt = 1/TickRate).
	TickRate int `json:"tickRate"`
	// MaxPlayers caps humans plus bots in one world; it also bounds per-tick work.
	MaxPlayers int `json:"maxPlayers"`

	// TankRadius is the round hull collider's radius.
	TankRadius float64 `json:"tankRadius"`
	// TankAccel is the forward/backward acceleration at full throttle.
	TankAccel float64 `json:"tankAccel"`
	// TankMaxSpeed caps forward speed; TankReverseSpeed caps backward speed.
	TankMaxSpeed     float64 `json:"tankMaxSpeed"`
	TankReverseSpeed float64 `json:"tankReverseSpeed"`
	// TankFriction is the rolling deceleration along the hull when the throttle is released
	// (or pushes the other way): it makes tanks coast briefly, then stop.
	TankFriction float64 `json:"tankFriction"`
	// TankGrip is the deceleration of sideways slip: high values make tracks bite, so a tank
	// moves where its hull points instead of drifting after a turn.
	TankGrip float64 `json:"tankGrip"`
	// HullTurnRate is how fast the hull turns at full Turn input.
	HullTurnRate float64 `json:"hullTurnRate"`
	// TurretTurnRate is how fast the turret can swing towards the aim angle.
	TurretTurnRate float64 `json:"turretTurnRate"`
	// MaxHealth is a fresh tank's health.
	MaxHealth int `json:"maxHealth"`
	// ReloadTime is the minimum time between two shots of one tank.
	ReloadTime float64 `json:"reloadTime"`
	// MuzzleOffset is how far from the tank's centre, along the turret, shells appear.
	MuzzleOffset float64 `json:"muzzleOffset"`

	// ShellSpeed is the constant speed of a shell.
	ShellSpeed float64 `json:"shellSpeed"`
	// ShellRadius is the shell collider's radius (against tanks; walls treat shells as points).
	ShellRadius float64 `json:"shellRadius"`
	// ShellRange is the distance a shell flies before it expires.
	ShellRange float64 `json:"shellRange"`
	// ShellDamage is the health a hit removes.
	ShellDamage int `json:"shellDamage"`
	// ShellBounces is how many times a shell ricochets off walls before the next wall hit ends it.
	ShellBounces int `json:"shellBounces"`
	// MaxShells caps live shells in the world; a tank cannot fire while the cap is reached.
	MaxShells int `json:"maxShells"`

	// RespawnDelay is how long a destroyed tank waits before it reappears.
	RespawnDelay float64 `json:"respawnDelay"`
	// SpawnShield is how long a respawned tank cannot be damaged (firing ends it early).
	SpawnShield float64 `json:"spawnShield"`

	// MaxRewind bounds lag compensation: a shell is first resolved against the other tanks as
	// its shooter saw them ([Input.View]), at most this long ago; a client claiming an older
	// view is held to it, so nobody hits what took cover longer ago than this. 0 turns lag
	// compensation off. At most 1 s.
	MaxRewind float64 `json:"maxRewind"`

	// RoundTime is how long a round lasts (rounds.go); 0 plays one endless match.
	RoundTime float64 `json:"roundTime"`
	// Intermission is the pause after a round: the end screen shows the ranking, nobody fires
	// or takes damage, then the next round starts on the next map with scores at zero.
	Intermission float64 `json:"intermission"`
}

// DefaultConfig returns the tuning the game ships with: a tank reaches top speed in about
// 0.4 s and stops in about 0.5 s (weighty but responsive), dies to three hits, and a shell
// crosses a medium map in about two seconds.
func DefaultConfig() Config {
	return Config{
		TickRate:         60,
		MaxPlayers:       16,
		TankRadius:       14,
		TankAccel:        420,
		TankMaxSpeed:     160,
		TankReverseSpeed: 100,
		TankFriction:     320,
		TankGrip:         900,
		HullTurnRate:     2.8,
		TurretTurnRate:   4.0,
		MaxHealth:        100,
		ReloadTime:       0.7,
		MuzzleOffset:     22,
		ShellSpeed:       440,
		ShellRadius:      3,
		ShellRange:       950,
		ShellDamage:      34,
		ShellBounces:     1,
		MaxShells:        2048,
		RespawnDelay:     2.5,
		SpawnShield:      2,
		MaxRewind:        0.25,
		RoundTime:        300,
		Intermission:     10,
	}
}

// Validate reports the first setting that would make the simulation misbehave.
func (c *Config) Validate() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("config: %s must be positive and finite, got %v", name, v)
		}
		return nil
	}
	if c.TickRate < 1 || c.TickRate > 1000 {
		return fmt.Errorf("config: tickRate must be in 1..1000, got %d", c.TickRate)
	}
	if c.MaxPlayers < 1 || c.MaxPlayers > maxPlayerID {
		return fmt.Errorf("config: maxPlayers must be in 1..%d, got %d", maxPlayerID, c.MaxPlayers)
	}
	if c.MaxHealth < 1 || c.ShellDamage < 0 || c.ShellBounces < 0 || c.MaxShells < 0 {
		return errors.New("config: maxHealth must be positive; shellDamage, shellBounces and maxShells not negative")
	}
	if !(c.MaxRewind >= 0 && c.MaxRewind <= 1) {
		return fmt.Errorf("config: maxRewind must be in 0..1 seconds, got %v", c.MaxRewind)
	}
	if !(c.RoundTime >= 0 && c.RoundTime <= 24*3600 && c.Intermission >= 0 && c.Intermission <= 3600) {
		return fmt.Errorf("config: roundTime must be in 0..1 day and intermission in 0..1 hour, got %v and %v", c.RoundTime, c.Intermission)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"tankRadius", c.TankRadius}, {"tankAccel", c.TankAccel}, {"tankMaxSpeed", c.TankMaxSpeed},
		{"tankReverseSpeed", c.TankReverseSpeed}, {"tankFriction", c.TankFriction}, {"tankGrip", c.TankGrip},
		{"hullTurnRate", c.HullTurnRate}, {"turretTurnRate", c.TurretTurnRate}, {"reloadTime", c.ReloadTime},
		{"muzzleOffset", c.MuzzleOffset}, {"shellSpeed", c.ShellSpeed}, {"shellRadius", c.ShellRadius},
		{"shellRange", c.ShellRange}, {"respawnDelay", c.RespawnDelay}, {"spawnShield", c.SpawnShield},
	} {
		if err := pos(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// Dt is the fixed duration of one step in seconds.
func (c *Config) Dt() float64 { return 1 / float64(c.TickRate) }

// ticks converts a duration in seconds to whole steps, at least one.
func (c *Config) ticks(seconds float64) int {
	n := int(math.Round(seconds * float64(c.TickRate)))
	if n < 1 {
		n = 1
	}
	return n
}
