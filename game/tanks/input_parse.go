package tanks

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

var errMalformedInput = errors.New("tanks: malformed input")

// maxView is the largest view tick a payload may carry: every integer up to it is exact in a
// JSON number (float64), and a world at 60 ticks a second takes millions of years to reach it.
const maxView = 1 << 53

// ParseInput decodes an "input" payload, [seq, throttle, turn, aim, fire] or
// [seq, throttle, turn, aim, fire, view]: view, the tick the client drew the others at, is
// optional so clients from before lag compensation keep working (their shots are resolved in the
// present). Anything else — wrong length, non-numbers, NaN, out of range — is an error; the
// caller ignores such inputs.
func ParseInput(raw json.RawMessage) (Input, error) {
	var f []float64 // encoding/json refuses strings, booleans and numbers beyond float64 here
	if err := json.Unmarshal(raw, &f); err != nil {
		return Input{}, fmt.Errorf("%w: %w", errMalformedInput, err)
	}
	if len(f) != 5 && len(f) != 6 {
		return Input{}, fmt.Errorf("%w: %d fields, want 5 or 6", errMalformedInput, len(f))
	}
	if f[0] < 0 || f[0] > math.MaxUint32 || f[0] != math.Trunc(f[0]) {
		return Input{}, fmt.Errorf("%w: bad seq", errMalformedInput)
	}
	if math.Abs(f[1]) > 1 || math.Abs(f[2]) > 1 || math.Abs(f[3]) > 2*math.Pi || (f[4] != 0 && f[4] != 1) {
		return Input{}, fmt.Errorf("%w: value out of range", errMalformedInput)
	}
	in := Input{Seq: uint32(f[0]), Throttle: f[1], Turn: f[2], Aim: f[3], Fire: f[4] == 1}
	if len(f) == 6 {
		if f[5] < 0 || f[5] > maxView || f[5] != math.Trunc(f[5]) {
			return Input{}, fmt.Errorf("%w: bad view tick", errMalformedInput)
		}
		in.View = uint64(f[5])
	}
	return in, nil
}
