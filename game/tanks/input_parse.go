package tanks

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

var errMalformedInput = errors.New("tanks: malformed input")

// ParseInput decodes an "input" payload, [seq, throttle, turn, aim, fire]. Anything else — wrong
// length, non-numbers, NaN, out of range — is an error; the caller ignores such inputs.
func ParseInput(raw json.RawMessage) (Input, error) {
	var f []float64 // encoding/json refuses strings, booleans and numbers beyond float64 here
	if err := json.Unmarshal(raw, &f); err != nil {
		return Input{}, fmt.Errorf("%w: %w", errMalformedInput, err)
	}
	if len(f) != 5 {
		return Input{}, fmt.Errorf("%w: %d fields, want 5", errMalformedInput, len(f))
	}
	if f[0] < 0 || f[0] > math.MaxUint32 || f[0] != math.Trunc(f[0]) {
		return Input{}, fmt.Errorf("%w: bad seq", errMalformedInput)
	}
	if math.Abs(f[1]) > 1 || math.Abs(f[2]) > 1 || math.Abs(f[3]) > 2*math.Pi || (f[4] != 0 && f[4] != 1) {
		return Input{}, fmt.Errorf("%w: value out of range", errMalformedInput)
	}
	return Input{Seq: uint32(f[0]), Throttle: f[1], Turn: f[2], Aim: f[3], Fire: f[4] == 1}, nil
}
