package main

import "bytes"

// parseTick reads t and seq from a tick event's payload, ["tick",{"t":<int>,"seq":<int>,"pad":"…"}]
// (or from its argument alone), without a JSON decoder: at thousands of clients times hundreds
// of broadcasts per second, decoding the pad would make the load generator the bottleneck
// instead of the server. The payload is not validated JSON, so this must cope with any bytes.
func parseTick(raw []byte) (t, seq int64, ok bool) {
	t, ok1 := intAfter(raw, `"t":`)
	seq, ok2 := intAfter(raw, `"seq":`)
	return t, seq, ok1 && ok2
}

func intAfter(raw []byte, key string) (int64, bool) {
	i := bytes.Index(raw, []byte(key))
	if i < 0 {
		return 0, false
	}
	digits := raw[i+len(key):]
	var n int64
	var count int
	for _, c := range digits {
		if c < '0' || c > '9' || count == 18 {
			break
		}
		n = n*10 + int64(c-'0')
		count++
	}
	return n, count > 0
}
