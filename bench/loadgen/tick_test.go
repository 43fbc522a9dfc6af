package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseTick(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		t, seq int64
		ok     bool
	}{
		{`["tick",{"t":1764000000000000,"seq":42,"pad":"xxx"}]`, 1764000000000000, 42, true},
		{`{"t":1764000000000000,"seq":42,"pad":"xxx"}`, 1764000000000000, 42, true},
		{`["tick",{"seq":0,"t":5,"pad":""}]`, 5, 0, true},
		{`["tick",{"t":1}]`, 0, 0, false},
		{`["tick",{"t":"1","seq":2}]`, 0, 0, false},
		{`{"t":99999999999999999999999,"seq":2}`, 999999999999999999, 2, true}, // capped, never overflows
		{`["tick"`, 0, 0, false},
		{``, 0, 0, false},
	} {
		gotT, gotSeq, ok := parseTick([]byte(tc.raw))
		if ok != tc.ok || (ok && (gotT != tc.t || gotSeq != tc.seq)) {
			t.Errorf("parseTick(%s) = %d, %d, %v; want %d, %d, %v", tc.raw, gotT, gotSeq, ok, tc.t, tc.seq, tc.ok)
		}
	}
}

// FuzzParseTick: any bytes are safe (the raw payload is not validated), and every tick the
// servers can send reads back exactly.
func FuzzParseTick(f *testing.F) {
	f.Add([]byte(`["tick",{"t":1,"seq":2,"pad":"x"}]`), int64(1764000000000000), int64(0), uint8(209))
	f.Add([]byte(`"t":"seq":`), int64(0), int64(1<<40), uint8(0))
	f.Fuzz(func(t *testing.T, junk []byte, stamp, seq int64, padLen uint8) {
		parseTick(junk)
		if stamp < 0 || seq < 0 || stamp > 999999999999999999 || seq > 999999999999999999 {
			return
		}
		payload := fmt.Sprintf(`["tick",{"t":%d,"seq":%d,"pad":"%s"}]`, stamp, seq, strings.Repeat("x", int(padLen)))
		gotT, gotSeq, ok := parseTick([]byte(payload))
		if !ok || gotT != stamp || gotSeq != seq {
			t.Fatalf("parseTick(%s) = %d, %d, %v", payload, gotT, gotSeq, ok)
		}
	})
}
