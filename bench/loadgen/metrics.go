package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// serverMetrics is one scrape of the game server's /metrics: every sample by its series
// (name plus labels, exactly as written, e.g. `tankarena_tick_duration_seconds_bucket{le="0.002"}`).
type serverMetrics map[string]float64

// Series of the game server's /metrics that the game mode reads (arena/metrics.go).
const (
	seriesArenas       = "tankarena_arenas"
	seriesTickBucket   = "tankarena_tick_duration_seconds_bucket"
	seriesTicks        = "tankarena_tick_duration_seconds_count"
	seriesTicksSkipped = "tankarena_ticks_skipped_total"
	seriesInputs       = "tankarena_inputs_total"
	seriesInputsDrop   = "tankarena_inputs_dropped_total"
)

func (c control) metrics(ctx context.Context) (serverMetrics, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/metrics", nil)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("loadgen: GET /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("loadgen: GET /metrics: %s", resp.Status)
	}
	return parseMetrics(resp.Body)
}

// parseMetrics reads the Prometheus text exposition format: comments are skipped, and a
// sample line is a series, a space and a value (no timestamps; label values without spaces,
// which is all the game server writes).
func parseMetrics(r io.Reader) (serverMetrics, error) {
	out := serverMetrics{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i <= 0 {
			return nil, fmt.Errorf("loadgen: metrics line %q: no value", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("loadgen: metrics line %q: %w", line, err)
		}
		out[strings.TrimSpace(line[:i])] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("loadgen: metrics: %w", err)
	}
	return out, nil
}

// sum adds every sample of the metric name, whatever its labels.
func (m serverMetrics) sum(name string) float64 {
	var total float64
	for series, v := range m {
		if series == name || strings.HasPrefix(series, name+"{") {
			total += v
		}
	}
	return total
}

// bucket is one cumulative histogram bucket: count observations were ≤ le seconds.
type bucket struct {
	le    float64
	count float64
}

// histogram returns the cumulative buckets of a histogram metric, by rising bound (the
// last is +Inf).
func (m serverMetrics) histogram(bucketSeries string) ([]bucket, error) {
	var out []bucket
	prefix := bucketSeries + `{le="`
	for series, v := range m {
		bound, ok := strings.CutPrefix(series, prefix)
		if !ok {
			continue
		}
		le, err := strconv.ParseFloat(strings.TrimSuffix(bound, `"}`), 64)
		if err != nil {
			return nil, fmt.Errorf("loadgen: bucket %q: %w", series, err)
		}
		out = append(out, bucket{le: le, count: v})
	}
	if len(out) == 0 || !math.IsInf(maxBound(out), 1) {
		return nil, fmt.Errorf("loadgen: no %s buckets up to +Inf in /metrics", bucketSeries)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].le < out[j].le })
	return out, nil
}

func maxBound(bs []bucket) float64 {
	m := math.Inf(-1)
	for _, b := range bs {
		m = max(m, b.le)
	}
	return m
}

// histogramDelta is what a histogram observed between two scrapes, bucket by bucket.
func histogramDelta(before, after []bucket) ([]bucket, error) {
	if len(before) != len(after) {
		return nil, fmt.Errorf("loadgen: histogram changed shape between scrapes")
	}
	out := make([]bucket, len(after))
	for i := range after {
		if before[i].le != after[i].le {
			return nil, fmt.Errorf("loadgen: histogram changed bounds between scrapes")
		}
		out[i] = bucket{le: after[i].le, count: after[i].count - before[i].count}
	}
	return out, nil
}

// quantile estimates the q-quantile of cumulative buckets the way Prometheus's
// histogram_quantile does: linear interpolation inside the bucket that holds it, taking 0 as
// the lower edge of the first. When it falls in the open +Inf bucket, the answer is the
// highest finite bound and capped is true. With no observations it returns NaN.
//
// The estimate is exact at bucket bounds: it is ≤ a bound b exactly when at least a q share
// of the observations were ≤ b. So a limit that is a bucket bound (2 ms) is judged exactly.
func quantile(q float64, buckets []bucket) (v float64, capped bool) {
	if len(buckets) == 0 {
		return math.NaN(), false
	}
	total := buckets[len(buckets)-1].count
	if total <= 0 {
		return math.NaN(), false
	}
	rank := q * total
	lower, below := 0.0, 0.0
	for _, b := range buckets {
		if b.count >= rank {
			if math.IsInf(b.le, 1) {
				return lower, true
			}
			inBucket := b.count - below
			if inBucket <= 0 {
				return b.le, false
			}
			return lower + (b.le-lower)*(rank-below)/inBucket, false
		}
		lower, below = b.le, b.count
	}
	return lower, true
}
