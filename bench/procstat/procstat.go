// Package procstat reads a Linux process's CPU time and resident memory from /proc, so a load
// generator can measure the server it loads from outside, whatever language it is written in.
package procstat

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of the times in /proc/<pid>/stat. Linux fixes it at 100 on every
// architecture we run on (it is USER_HZ, not the kernel's internal HZ).
const userHZ = 100

// CPU returns the CPU time pid has used so far, user plus system, all threads together.
func CPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("procstat: %w", err)
	}
	// The command name (field 2) is in parentheses and may hold spaces; count from its end.
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return 0, fmt.Errorf("procstat: /proc/%d/stat has no command name", pid)
	}
	fields := bytes.Fields(data[end+1:])
	// After the name: state(3) ... utime(14) stime(15), i.e. indexes 11 and 12 here.
	if len(fields) < 13 {
		return 0, fmt.Errorf("procstat: /proc/%d/stat is too short", pid)
	}
	utime, err1 := strconv.ParseInt(string(fields[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(fields[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("procstat: /proc/%d/stat: bad utime/stime %q %q", pid, fields[11], fields[12])
	}
	return time.Duration(utime+stime) * time.Second / userHZ, nil
}

// RSSKB returns pid's resident set size in KiB (VmRSS of /proc/<pid>/status).
func RSSKB(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("procstat: %w", err)
	}
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest) // "12345 kB"
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return 0, fmt.Errorf("procstat: odd VmRSS line %q", line)
		}
		kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("procstat: VmRSS: %w", err)
		}
		return kb, nil
	}
	return 0, fmt.Errorf("procstat: /proc/%d/status has no VmRSS", pid)
}
