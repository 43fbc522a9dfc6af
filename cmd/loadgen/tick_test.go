package main

import "testing"

func TestParseTick(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		t, seq int64
		ok     bool
	}{
		{`{"t":1764000000000000,"seq":42,"pad":"xxx"}`, 1764000000000000, 42, true},
		{`{"seq":0,"t":5,"pad":""}`, 5, 0, true},
		{`{"t":1}`, 0, 0, false},
		{`{"t":"1","seq":2}`, 0, 0, false},
		{`{"t":99999999999999999999999,"seq":2}`, 999999999999999999, 2, true}, // capped, never overflows
		{``, 0, 0, false},
	} {
		gotT, gotSeq, ok := parseTick([]byte(tc.raw))
		if ok != tc.ok || (ok && (gotT != tc.t || gotSeq != tc.seq)) {
			t.Errorf("parseTick(%s) = %d, %d, %v; want %d, %d, %v", tc.raw, gotT, gotSeq, ok, tc.t, tc.seq, tc.ok)
		}
	}
}
