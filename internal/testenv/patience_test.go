package testenv

import "testing"

func TestSlackFrom(t *testing.T) {
	for _, c := range []struct {
		env, loadavg string
		cpus         int
		want         float64
	}{
		{"", "", 2, 1},
		{"", "0.50 0.40 0.30 1/100 42", 2, 1},   // a quiet machine: no stretch
		{"", "5.00 4.00 3.00 1/100 42", 2, 2.5}, // load per CPU
		{"", "14.00 9.00 5.00 1/100 42", 2, 4},  // bounded
		{"3", "", 2, 3},
		{"2", "6.00 1 1 1/1 1", 2, 6}, // both
		{"1.5", "garbage", 2, 1.5},
	} {
		got, err := slackFrom(c.env, c.loadavg, c.cpus)
		if err != nil || got != c.want {
			t.Errorf("slackFrom(%q, %q, %d) = %v, %v; want %v", c.env, c.loadavg, c.cpus, got, err, c.want)
		}
	}
	for _, bad := range []string{"0.5", "0", "-2", "x", "NaN"} {
		if _, err := slackFrom(bad, "", 2); err == nil {
			t.Errorf("TEST_SLACK=%q accepted", bad)
		}
	}
}
