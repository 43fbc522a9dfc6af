// Package latency records delivery latencies from many goroutines at once and reports
// percentiles, with a fixed memory cost and about 3% resolution.
package latency

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Buckets are log-linear in microseconds: values below 64 µs have their own bucket, above that
// every power of two is split into 32 buckets. 1024 buckets reach past 2^36 µs (19 hours).
const (
	exactBelow    = 64
	subBuckets    = 32
	bucketCount   = 1024
	maxRecordable = 1<<36 - 1
)

// Histogram counts latencies. The zero value is ready; Record is safe for concurrent use and
// never blocks or allocates.
type Histogram struct {
	counts [bucketCount]atomic.Uint64
	total  atomic.Uint64
	max    atomic.Int64
}

// Record adds one latency; negative values (clock rounding) count as zero.
func (h *Histogram) Record(d time.Duration) {
	us := max(int64(d/time.Microsecond), 0)
	us = min(us, maxRecordable)
	h.counts[bucketOf(us)].Add(1)
	h.total.Add(1)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			break
		}
	}
}

// Count returns how many latencies were recorded.
func (h *Histogram) Count() uint64 { return h.total.Load() }

// Max returns the largest latency recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max.Load()) * time.Microsecond }

// Quantile returns the latency below which a fraction q (0..1) of the recorded ones fall,
// as the upper edge of the bucket that holds it; zero when nothing was recorded.
func (h *Histogram) Quantile(q float64) time.Duration {
	total := h.total.Load()
	if total == 0 {
		return 0
	}
	rank := uint64(q * float64(total))
	if rank >= total {
		rank = total - 1
	}
	var seen uint64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen > rank {
			return min(time.Duration(upperEdge(i))*time.Microsecond, h.Max())
		}
	}
	return h.Max()
}

func bucketOf(us int64) int {
	if us < exactBelow {
		return int(us)
	}
	shift := bits.Len64(uint64(us)) - 6 // keeps the top 6 bits: a value in [32, 64)
	return exactBelow + (shift-1)*subBuckets + int(us>>shift) - subBuckets
}

// upperEdge is the largest value that falls in bucket i.
func upperEdge(i int) int64 {
	if i < exactBelow {
		return int64(i)
	}
	shift := (i-exactBelow)/subBuckets + 1
	top := int64((i-exactBelow)%subBuckets + subBuckets)
	return (top+1)<<shift - 1
}
