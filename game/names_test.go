package game

import (
	"strings"
	"testing"
)

func TestUniqueNameNumbersTakenNames(t *testing.T) {
	taken := func(names ...string) func(string) bool {
		return func(n string) bool {
			for _, x := range names {
				if strings.EqualFold(x, n) {
					return true
				}
			}
			return false
		}
	}
	for _, c := range []struct {
		name  string
		max   int
		taken []string
		want  string
	}{
		{"Bob", 16, nil, "Bob"},
		{"Bob", 16, []string{"Alice"}, "Bob"},
		{"Bob", 16, []string{"Bob"}, "Bob (2)"},
		{"bob", 16, []string{"Bob", "Bob (2)"}, "bob (3)"},
		{"Bob", 16, []string{"Bob (2)"}, "Bob"},
		// The number fits in the length limit: the base is cut, and trailing spaces go.
		{"Maximilian Ernst", 16, []string{"Maximilian Ernst"}, "Maximilian E (2)"},
		{"Ann Bee Cee Deee", 16, []string{"Ann Bee Cee Deee"}, "Ann Bee Cee (2)"},
		{"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", 16, []string{"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"}, "😀😀😀😀😀😀😀😀😀😀😀😀 (2)"},
	} {
		if got := uniqueName(c.name, c.max, taken(c.taken...)); got != c.want {
			t.Errorf("uniqueName(%q) with %q taken = %q, want %q", c.name, c.taken, got, c.want)
		}
		if got := uniqueName(c.name, c.max, taken(c.taken...)); len([]rune(got)) > c.max {
			t.Errorf("uniqueName(%q) = %q, longer than %d", c.name, got, c.max)
		}
	}
}
