package tanks

import "fmt"

// EventType says what happened in an [Event].
type EventType uint8

// The events a step can produce; each is one thing the client plays an effect for.
const (
	// EventFire: Tank fired Shell from the muzzle at X,Y.
	EventFire EventType = iota + 1
	// EventHit: Shell (fired by Tank) hit Victim at X,Y for Damage (0 while Victim is shielded);
	// Ricochet when the shell had bounced off a wall first.
	EventHit
	// EventBounce: Shell (fired by Tank) ricocheted off a wall at X,Y.
	EventBounce
	// EventKill: Tank destroyed Victim, which exploded at X,Y; Ricochet when the killing shell
	// had bounced off a wall first. Tank == Victim for a self-kill, which is always a ricochet:
	// a shell cannot hit its owner before it bounces.
	EventKill
	// EventRespawn: Tank reappeared at X,Y.
	EventRespawn
)

var eventNames = [...]string{EventFire: "fire", EventHit: "hit", EventBounce: "bounce", EventKill: "kill", EventRespawn: "respawn"}

// String returns the name the browser uses: fire, hit, bounce, kill or respawn.
func (t EventType) String() string {
	if int(t) < len(eventNames) && eventNames[t] != "" {
		return eventNames[t]
	}
	return fmt.Sprintf("event(%d)", uint8(t))
}

// MarshalText makes events readable in JSON and logs.
func (t EventType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Event is something that happened during a step that a client shows as an effect.
// Which fields are set depends on Type (see the EventType constants); the rest are zero.
type Event struct {
	Type   EventType `json:"type"`
	Tank   PlayerID  `json:"tank"`
	Victim PlayerID  `json:"victim,omitempty"`
	Shell  uint32    `json:"shell,omitempty"`
	Damage int       `json:"damage,omitempty"`
	// Ricochet is set on hit and kill events by a shell that bounced before it struck, so a
	// client can tell "your own shell bounced back" and trick shots apart from direct hits.
	Ricochet bool    `json:"ricochet,omitempty"`
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
}

// maxPendingEvents bounds the events kept for the next snapshot if a host stops taking them.
const maxPendingEvents = 4096

func (w *World) emit(e Event) {
	w.events = append(w.events, e)
	if len(w.pending) < maxPendingEvents {
		w.pending = append(w.pending, e)
	}
}
