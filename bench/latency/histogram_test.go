package latency

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestBucketsCoverEveryValueInOrder(t *testing.T) {
	prev := -1
	for _, us := range []int64{0, 1, 63, 64, 65, 127, 128, 1000, 99_999, 1 << 30, maxRecordable} {
		b := bucketOf(us)
		if b < prev || b >= bucketCount {
			t.Fatalf("bucketOf(%d) = %d after %d", us, b, prev)
		}
		if edge := upperEdge(b); edge < us || (us >= exactBelow && float64(edge-us) > 0.04*float64(us)) {
			t.Errorf("bucket %d of %d µs has upper edge %d", b, us, edge)
		}
		prev = b
	}
}

func TestQuantilesMatchSortedSample(t *testing.T) {
	var h Histogram
	r := rand.New(rand.NewPCG(1, 2))
	sample := make([]time.Duration, 20000)
	for i := range sample {
		sample[i] = time.Duration(r.ExpFloat64()*2000) * time.Microsecond
	}
	var wg sync.WaitGroup
	for part := range 4 {
		wg.Go(func() {
			for _, d := range sample[part*5000 : (part+1)*5000] {
				h.Record(d)
			}
		})
	}
	wg.Wait()
	slices.Sort(sample)
	if h.Count() != uint64(len(sample)) {
		t.Fatalf("count %d, want %d", h.Count(), len(sample))
	}
	for _, q := range []float64{0.5, 0.9, 0.99} {
		want := sample[int(q*float64(len(sample)))]
		got := h.Quantile(q)
		if got < want || float64(got-want) > 0.04*float64(want)+float64(time.Microsecond) {
			t.Errorf("p%v = %v, sorted sample says %v", q*100, got, want)
		}
	}
	if h.Max() != sample[len(sample)-1] {
		t.Errorf("max %v, want %v", h.Max(), sample[len(sample)-1])
	}
}

func TestEmptyAndNegative(t *testing.T) {
	var h Histogram
	if h.Quantile(0.99) != 0 {
		t.Error("empty histogram has a p99")
	}
	h.Record(-time.Millisecond)
	if h.Quantile(0.5) != 0 || h.Count() != 1 {
		t.Errorf("negative latency: p50 %v count %d", h.Quantile(0.5), h.Count())
	}
}
