package tanks

// rng is SplitMix64: tiny, fast, any seed (even 0) is fine, and its whole state is one word,
// so it is trivially part of the state hash. It only drives gameplay randomness (bot aim noise),
// never anything security related.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// float returns a uniform number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// signed returns a uniform number in [-1, 1).
func (r *rng) signed() float64 { return r.float()*2 - 1 }
