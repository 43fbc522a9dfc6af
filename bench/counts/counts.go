// Package counts reads and writes the comma-separated lists of positive numbers (client counts,
// rates, steps) that benchrun passes to loadgen on the command line, so both agree on the format.
package counts

import (
	"fmt"
	"strconv"
	"strings"
)

// Parse reads "1000,5000, 10000" into numbers; empty fields are skipped, anything else that is
// not a positive whole number is an error.
func Parse(s string) ([]int, error) {
	var out []int
	for field := range strings.SplitSeq(s, ",") {
		if field = strings.TrimSpace(field); field == "" {
			continue
		}
		n, err := strconv.Atoi(field)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", field)
		}
		out = append(out, n)
	}
	return out, nil
}

// Join writes numbers as Parse reads them.
func Join(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}
