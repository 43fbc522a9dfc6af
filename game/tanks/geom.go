package tanks

import "math"

// Rect is an axis-aligned rectangle in world units; X,Y is its top-left corner.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Point is a position in world units.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// wrapAngle brings a into (-π, π]. Loops instead of math.Remainder keep it bit-identical to
// the JavaScript mirror in web/js/movement.js.
func wrapAngle(a float64) float64 {
	for a > math.Pi {
		a -= 2 * math.Pi
	}
	for a <= -math.Pi {
		a += 2 * math.Pi
	}
	return a
}

// clamp limits v to [lo, hi].
func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// approach moves v towards zero by at most step, never past it.
func approach(v, step float64) float64 {
	if v > step {
		return v - step
	}
	if v < -step {
		return v + step
	}
	return 0
}
