package arena

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"

	"tankarena/game/tanks"
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

// JoinError answers a refused "join" (and a refused "latency" request).
type JoinError struct {
	Error string `json:"error"`
}

var errMalformedInput = errors.New("arena: malformed input")

// ParseInput decodes an "input" payload, [seq, throttle, turn, aim, fire]. Anything else — wrong
// length, non-numbers, NaN, out of range — is an error; the caller ignores such inputs.
func ParseInput(raw json.RawMessage) (tanks.Input, error) {
	var f []float64 // encoding/json refuses strings, booleans and numbers beyond float64 here
	if err := json.Unmarshal(raw, &f); err != nil {
		return tanks.Input{}, fmt.Errorf("%w: %w", errMalformedInput, err)
	}
	if len(f) != 5 {
		return tanks.Input{}, fmt.Errorf("%w: %d fields, want 5", errMalformedInput, len(f))
	}
	if f[0] < 0 || f[0] > math.MaxUint32 || f[0] != math.Trunc(f[0]) {
		return tanks.Input{}, fmt.Errorf("%w: bad seq", errMalformedInput)
	}
	if math.Abs(f[1]) > 1 || math.Abs(f[2]) > 1 || math.Abs(f[3]) > 2*math.Pi || (f[4] != 0 && f[4] != 1) {
		return tanks.Input{}, fmt.Errorf("%w: value out of range", errMalformedInput)
	}
	return tanks.Input{Seq: uint32(f[0]), Throttle: f[1], Turn: f[2], Aim: f[3], Fire: f[4] == 1}, nil
}

// CleanName makes a player-chosen name safe to show: invisible characters (see hiddenInName)
// are removed, surrounding space trimmed, and the result cut to maxLen characters. It returns ""
// when nothing visible is left: a name needs a letter, digit, punctuation mark or symbol that
// draws something, since combining marks, spaces and blanks alone look like no name at all.
func CleanName(raw string, maxLen int) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(raw) {
		if hiddenInName(r) {
			continue
		}
		if n == maxLen {
			break
		}
		b.WriteRune(r)
		n++
	}
	name := strings.TrimSpace(b.String())
	if !strings.ContainsFunc(name, drawsInName) {
		return ""
	}
	return name
}

// hiddenInName reports the characters names lose: controls; format characters (zero-width
// space and joiners, direction marks, the byte order mark, tags); the other default-ignorable
// code points, which render as nothing although some are letters (the Hangul fillers U+115F,
// U+1160, U+3164, U+FFA0) or marks (the combining grapheme joiner); line and paragraph
// separators; and U+FFFD, what invalid UTF-8 decodes to. Variation selectors stay: they are
// default-ignorable too, but choose how the character before them looks (emoji).
func hiddenInName(r rune) bool {
	return unicode.IsControl(r) || r == unicode.ReplacementChar ||
		unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Zl, unicode.Zp)
}

// drawsInName reports a character that shows something on its own: a letter, digit,
// punctuation mark or symbol, except the blank braille pattern U+2800, a symbol that draws
// nothing. Marks only change the character before them.
func drawsInName(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) && r != '\u2800'
}
