package tanks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// BotLevel sets how well a bot aims and reacts.
type BotLevel uint8

// Bot difficulty levels.
const (
	BotEasy BotLevel = iota
	BotNormal
	BotHard
)

// botSkill is what a level changes: aim noise (radians), whether shots lead a moving target,
// how exactly the turret must point before firing, and how long a bot takes to notice targets.
type botSkill struct {
	aimNoise  float64
	lead      bool
	fireTol   float64
	reactTick int
}

var botSkills = [...]botSkill{
	BotEasy:   {aimNoise: 0.14, lead: false, fireTol: 0.2, reactTick: 30},
	BotNormal: {aimNoise: 0.06, lead: true, fireTol: 0.1, reactTick: 15},
	BotHard:   {aimNoise: 0.015, lead: true, fireTol: 0.05, reactTick: 6},
}

// botNames are the NATO call signs: enough for a full 16-tank world without repeats.
var botNames = [...]string{
	"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett",
	"Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra", "Tango",
	"Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
}

// botBrain is a bot's memory between steps.
type botBrain struct {
	level      BotLevel
	target     PlayerID
	seenTicks  int     // how long the current target has been in sight
	aimNoise   float64 // current aim error, re-rolled now and then
	strafe     float64 // +1/-1: which way to circle a target in sight
	stuckTicks int
	backTicks  int
	repath     int
	waypoint   Point
	patrol     Point // where to roam while no enemy is worth chasing
	patrolling bool
}

// Targeting limits: a bot reconsiders its target twice a second (staggered by ID) and otherwise
// sticks to it; at most maxChasersPerTarget bots pick the same enemy unless it is close and in
// sight; an enemy farther than huntRange that the bot cannot see is not worth a trip across the
// map, so the bot patrols between spawns instead and meets whoever is there.
const (
	retargetTicks       = 30
	maxChasersPerTarget = 3
	huntRange           = 700.0
	selfDefenceRange    = 200.0
)

// SetBotFill keeps humans plus bots at n (bots of the given level) from the next step on: bots
// join while fewer than n humans play and leave, newest first, as humans join. n=0 removes all
// bots. This is the bot API hosts should use; AddBot exists for tests and custom modes (once
// SetBotFill has been called, the fill rule also governs bots added with AddBot).
func (w *World) SetBotFill(n int, level BotLevel) {
	w.botFill = min(max(n, 0), w.cfg.MaxPlayers)
	w.botLevel = level
}

// AddBot adds one bot tank right away, regardless of the fill setting.
func (w *World) AddBot(level BotLevel) (PlayerID, error) {
	if int(level) >= len(botSkills) {
		return 0, fmt.Errorf("game: unknown bot level %d", level)
	}
	if len(w.tanks) >= w.cfg.MaxPlayers {
		return 0, ErrFull
	}
	return w.addTank(w.botName(), &botBrain{level: level, strafe: 1}), nil
}

// botName returns a name no tank in the world has: the call signs in turn (starting where the
// join counter points, so bots that come and go do not all reuse "Alpha"), then the same
// call signs with a number once every plain one is taken (possible with a large MaxPlayers,
// or humans named like bots).
func (w *World) botName() string {
	taken := func(name string) bool {
		for i := range w.tanks {
			if strings.EqualFold(w.tanks[i].name, name) {
				return true
			}
		}
		return false
	}
	start := int(w.joins % uint64(len(botNames)))
	for round := 1; ; round++ {
		for k := range botNames {
			name := "Bot " + botNames[(start+k)%len(botNames)]
			if round > 1 {
				name += " " + strconv.Itoa(round)
			}
			if !taken(name) {
				return name
			}
		}
	}
}

// fillBots adds or removes bots to honour SetBotFill.
func (w *World) fillBots() {
	if w.botFill < 0 {
		return
	}
	humans, bots := 0, 0
	for i := range w.tanks {
		if w.tanks[i].bot != nil {
			bots++
		} else {
			humans++
		}
	}
	want := max(w.botFill-humans, 0)
	for ; bots < want; bots++ {
		if _, err := w.AddBot(w.botLevel); err != nil {
			return
		}
	}
	for ; bots > want; bots-- {
		w.removeNewestBot()
	}
}

// removeNewestBot removes the bot that joined last; it reports false if there is no bot.
func (w *World) removeNewestBot() bool {
	newest := -1
	for i := range w.tanks {
		if w.tanks[i].bot != nil && (newest < 0 || w.tanks[i].joined > w.tanks[newest].joined) {
			newest = i
		}
	}
	if newest < 0 {
		return false
	}
	_ = w.RemovePlayer(w.tanks[newest].id)
	return true
}

// thinkBots writes every living bot's input for this step.
func (w *World) thinkBots() {
	for i := range w.tanks {
		t := &w.tanks[i]
		if t.bot == nil || !t.alive {
			continue
		}
		in := w.botInput(t)
		in.Seq = t.input.Seq + 1
		t.input = in.sanitize(t.input.Aim)
	}
}

// botInput is one bot decision: pick a target (botTarget) or patrol when none is worth it; with
// a clear line, aim (leading the shot), fire when on target and circle at a comfortable range;
// without one, follow the shortest tile path towards it. A bot that stops moving backs off for
// a moment.
func (w *World) botInput(t *tank) Input {
	b := t.bot
	skill := botSkills[b.level]
	in := Input{Aim: t.Turret}

	target := w.botTarget(t)
	if target == nil {
		b.seenTicks = 0
		return w.patrolInput(t)
	}
	b.patrolling = false
	if target.id != b.target {
		b.seenTicks = 0
	}
	b.target = target.id
	dx, dy := target.X-t.X, target.Y-t.Y
	dist := math.Hypot(dx, dy)
	visible := w.lineOfSight(t.X, t.Y, target.X, target.Y)

	var goal float64 // hull heading the bot wants
	throttle := 1.0
	if visible {
		b.seenTicks++
		if w.tick%45 == uint64(t.id)%45 {
			b.aimNoise = w.rng.signed() * skill.aimNoise
		}
		in.Aim = w.aimAt(t, target, skill.lead) + b.aimNoise
		ready := b.seenTicks >= skill.reactTick && t.reloadTicks == 0
		in.Fire = ready && math.Abs(wrapAngle(in.Aim-t.Turret)) < skill.fireTol && dist < w.cfg.ShellRange*0.8
		toward := math.Atan2(dy, dx)
		switch {
		case dist > 320:
			goal = toward
		case dist < 140:
			goal, throttle = toward, -1
		default:
			if w.tick%120 == uint64(t.id)%120 {
				b.strafe = -b.strafe
			}
			goal = toward + b.strafe*math.Pi/2
		}
	} else {
		b.seenTicks = 0
		near := math.Hypot(b.waypoint.X-t.X, b.waypoint.Y-t.Y) < w.m.TileSize/2
		if b.repath--; b.repath <= 0 || near {
			b.repath = 20
			b.waypoint = w.nav.nextWaypoint(w.m, t.X, t.Y, target.X, target.Y)
		}
		goal = math.Atan2(b.waypoint.Y-t.Y, b.waypoint.X-t.X)
		in.Aim = math.Atan2(dy, dx)
	}

	diff := wrapAngle(goal - t.Hull)
	if throttle < 0 {
		diff = wrapAngle(goal + math.Pi - t.Hull)
	}
	in.Turn = clamp(diff*3, -1, 1)
	if math.Abs(diff) > 1 {
		throttle *= 0.2
	}
	in.Throttle = throttle

	// Unstick: if pushing but barely moving, reverse and turn for half a second.
	if b.backTicks > 0 {
		b.backTicks--
		return Input{Throttle: -1, Turn: 1, Aim: in.Aim, Fire: in.Fire}
	}
	if t.VX*t.VX+t.VY*t.VY < 100 && math.Abs(in.Throttle) > 0.5 {
		if b.stuckTicks++; b.stuckTicks > 40 {
			b.stuckTicks, b.backTicks = 0, 30
		}
	} else {
		b.stuckTicks = 0
	}
	return in
}

// botTarget returns the enemy bot t should fight, or nil to patrol. It keeps the current target
// between reconsiderations while that one lives; otherwise it scores every living enemy by
// distance (doubled when hidden, and far worse when spawn-shielded) and skips enemies that
// enough other bots already chase, unless one is close and in sight (a bot still defends
// itself). Spreading targets this way keeps a newcomer from being swarmed.
func (w *World) botTarget(t *tank) *tank {
	b := t.bot
	if i, ok := w.find(b.target); ok && b.target != t.id && w.tanks[i].tangible() && (w.tick+uint64(t.id))%retargetTicks != 0 {
		return &w.tanks[i]
	}
	var best *tank
	bestScore := math.Inf(1)
	for i := range w.tanks {
		o := &w.tanks[i]
		if !o.tangible() || o.id == t.id {
			continue
		}
		d := math.Hypot(o.X-t.X, o.Y-t.Y)
		visible := d < w.cfg.ShellRange && w.lineOfSight(t.X, t.Y, o.X, o.Y)
		if !visible && d > huntRange {
			continue
		}
		if o.id != b.target && !(visible && d < selfDefenceRange) && w.chasers(o.id, t.id) >= maxChasersPerTarget {
			continue
		}
		score := d
		if !visible {
			score *= 2
		}
		if o.shieldTicks > 0 {
			score += 4 * w.cfg.ShellRange
		}
		if score < bestScore {
			best, bestScore = o, score
		}
	}
	return best
}

// chasers counts the living bots other than self whose target is id.
func (w *World) chasers(id, self PlayerID) int {
	n := 0
	for i := range w.tanks {
		o := &w.tanks[i]
		if o.bot != nil && o.alive && o.id != self && o.bot.target == id {
			n++
		}
	}
	return n
}

// patrolInput drives t towards a spawn picked with the world's RNG, and on to another once there.
func (w *World) patrolInput(t *tank) Input {
	b := t.bot
	b.target = 0
	if !b.patrolling || math.Hypot(b.patrol.X-t.X, b.patrol.Y-t.Y) < 2*w.m.TileSize {
		b.patrol = w.m.Spawns[int(w.rng.next()%uint64(len(w.m.Spawns)))]
		b.patrolling, b.repath = true, 0
	}
	near := math.Hypot(b.waypoint.X-t.X, b.waypoint.Y-t.Y) < w.m.TileSize/2
	if b.repath--; b.repath <= 0 || near {
		b.repath = 20
		b.waypoint = w.nav.nextWaypoint(w.m, t.X, t.Y, b.patrol.X, b.patrol.Y)
	}
	goal := math.Atan2(b.waypoint.Y-t.Y, b.waypoint.X-t.X)
	diff := wrapAngle(goal - t.Hull)
	in := Input{Aim: goal, Turn: clamp(diff*3, -1, 1), Throttle: 1}
	if math.Abs(diff) > 1 {
		in.Throttle = 0.2
	}
	return in
}

// aimAt returns the turret angle that hits target: straight at it, or where it will be when a
// shell arrives if lead is set (solving |d + v·t| = shellSpeed·t for the first positive t).
func (w *World) aimAt(self, target *tank, lead bool) float64 {
	dx, dy := target.X-self.X, target.Y-self.Y
	if !lead {
		return math.Atan2(dy, dx)
	}
	vx, vy := target.VX, target.VY
	s := w.cfg.ShellSpeed
	a := vx*vx + vy*vy - s*s
	bq := 2 * (dx*vx + dy*vy)
	c := dx*dx + dy*dy
	disc := bq*bq - 4*a*c
	if a >= 0 || disc < 0 {
		return math.Atan2(dy, dx)
	}
	tHit := (-bq - math.Sqrt(disc)) / (2 * a)
	if tHit < 0 {
		return math.Atan2(dy, dx)
	}
	return math.Atan2(dy+vy*tHit, dx+vx*tHit)
}

// lineOfSight reports whether a shell could fly straight from a to b without touching a wall,
// sampling the segment every eighth of a tile.
func (w *World) lineOfSight(ax, ay, bx, by float64) bool {
	dx, dy := bx-ax, by-ay
	n := int(math.Hypot(dx, dy)/(w.m.TileSize/8)) + 1
	for i := 1; i < n; i++ {
		f := float64(i) / float64(n)
		if w.m.SolidAt(ax+dx*f, ay+dy*f) {
			return false
		}
	}
	return true
}
