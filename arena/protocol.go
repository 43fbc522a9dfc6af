package arena

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"

	"tankarena/game"
)

// DefaultMaxNameLength is the longest player name, in characters, unless Options.MaxNameLength
// says otherwise.
const DefaultMaxNameLength = 16

// JoinRequest is the payload of the "join" event.
type JoinRequest struct {
	Name  string `json:"name"`
	Token string `json:"token"`
}

// JoinAck answers "join": everything the client needs to predict and draw the arena.
type JoinAck struct {
	ID           int             `json:"id"`
	Arena        int             `json:"arena"`
	Token        string          `json:"token"`
	Map          json.RawMessage `json:"map"`
	Config       json.RawMessage `json:"config"`
	TickRate     int             `json:"tickRate"`
	SnapshotRate int             `json:"snapshotRate"`
	// Seq is the last input seq the server holds for this tank: a reconnecting client numbers its
	// inputs on from here (the world ignores inputs that are not newer).
	Seq uint32 `json:"seq"`
}

// JoinError answers a refused "join".
type JoinError struct {
	Error string `json:"error"`
}

var errMalformedInput = errors.New("arena: malformed input")

// ParseInput decodes an "input" payload, [seq, throttle, turn, aim, fire]. Anything else — wrong
// length, non-numbers, NaN, out of range — is an error; the caller ignores such inputs.
func ParseInput(raw json.RawMessage) (game.Input, error) {
	var f []float64 // encoding/json refuses strings, booleans and numbers beyond float64 here
	if err := json.Unmarshal(raw, &f); err != nil {
		return game.Input{}, fmt.Errorf("%w: %w", errMalformedInput, err)
	}
	if len(f) != 5 {
		return game.Input{}, fmt.Errorf("%w: %d fields, want 5", errMalformedInput, len(f))
	}
	if f[0] < 0 || f[0] > math.MaxUint32 || f[0] != math.Trunc(f[0]) {
		return game.Input{}, fmt.Errorf("%w: bad seq", errMalformedInput)
	}
	if math.Abs(f[1]) > 1 || math.Abs(f[2]) > 1 || math.Abs(f[3]) > 2*math.Pi || (f[4] != 0 && f[4] != 1) {
		return game.Input{}, fmt.Errorf("%w: value out of range", errMalformedInput)
	}
	return game.Input{Seq: uint32(f[0]), Throttle: f[1], Turn: f[2], Aim: f[3], Fire: f[4] == 1}, nil
}

// CleanName makes a player-chosen name safe to show: control and format characters are
// removed, surrounding space trimmed, and the result cut to maxLen characters.
// It returns "" when nothing printable is left.
func CleanName(raw string, maxLen int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(raw) {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			continue
		}
		if n == maxLen {
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
