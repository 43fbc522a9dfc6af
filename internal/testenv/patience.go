package testenv

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxLoadFactor bounds the stretch the load alone gives: a test that has gone wrong must still
// give up in minutes, not hours, whatever else the machine runs.
const maxLoadFactor = 4

// Slack is the factor by which the tests of this process stretch their deadlines: TEST_SLACK
// (a number, at least 1; default 1) times the load per CPU when the process first asked (the
// 1-minute load average of /proc/loadavg over the number of CPUs, from 1 to 4; 1 where there
// is no /proc). CI shares its machine with whatever else runs, and a deadline that holds on a
// quiet machine passes by at a load of 14 on 2 cores, while the server under test is fine.
//
// A deadline only bounds a test that has gone wrong; it never decides what counts as fast
// enough, and a wait returns as soon as its condition holds, so the stretch costs nothing on
// a quiet machine. A TEST_SLACK that is not a number of at least 1 panics: a typo must not
// quietly give a CI run less patience than it asked for.
func Slack() float64 { return slack() }

var slack = sync.OnceValue(func() float64 {
	loadavg, _ := os.ReadFile("/proc/loadavg") // absent off Linux: no load factor
	f, err := slackFrom(os.Getenv("TEST_SLACK"), string(loadavg), runtime.NumCPU())
	if err != nil {
		panic(err)
	}
	return f
})

// slackFrom computes Slack from TEST_SLACK's value, the text of /proc/loadavg ("" when there
// is none) and the number of CPUs.
func slackFrom(env, loadavg string, cpus int) (float64, error) {
	factor := 1.0
	if env != "" {
		f, err := strconv.ParseFloat(env, 64)
		if err != nil || !(f >= 1) {
			return 0, fmt.Errorf("testenv: TEST_SLACK=%q, want a number of at least 1", env)
		}
		factor = f
	}
	if fields := strings.Fields(loadavg); len(fields) > 0 && cpus > 0 {
		if load, err := strconv.ParseFloat(fields[0], 64); err == nil {
			factor *= min(max(load/float64(cpus), 1), maxLoadFactor)
		}
	}
	return factor, nil
}

// Patience is d stretched by Slack: the deadline for waiting on something that must happen,
// and the timeouts a test gives a live peer (a server's ping timeout for its test client) so
// that a starved machine is not mistaken for a dead client.
func Patience(d time.Duration) time.Duration {
	return time.Duration(float64(d) * Slack())
}

// SlackEnv is TEST_SLACK=Slack() for the environment of a child process (a Node.js script) so
// that it stretches its own deadlines as much as this process does.
func SlackEnv() string {
	return "TEST_SLACK=" + strconv.FormatFloat(Slack(), 'f', 2, 64)
}
