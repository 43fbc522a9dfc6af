package counts

import (
	"slices"
	"testing"
)

func TestParseJoin(t *testing.T) {
	got, err := Parse(" 1000, 5000,,10000 ")
	if err != nil || !slices.Equal(got, []int{1000, 5000, 10000}) {
		t.Fatalf("Parse = %v, %v", got, err)
	}
	if s := Join(got); s != "1000,5000,10000" {
		t.Fatalf("Join = %q", s)
	}
	for _, bad := range []string{"0", "-3", "x", "1,2.5"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
