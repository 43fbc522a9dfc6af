package client

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodePacket feeds arbitrary server text through everything the reader
// does with it: header decoding, event splitting and placeholder resolution.
// None of it may panic, and whatever decodes must survive an encode/decode round trip unchanged.
func FuzzDecodePacket(f *testing.F) {
	for _, seed := range []string{
		`0`, `0{"sid":"abc"}`, `0/admin,{"sid":"x"}`, `1`, `1/admin,`, `2["hello"]`, `2/chat,12["m",1,{"a":[true]}]`,
		`312["ok"]`, `4{"message":"unauthorized","data":{"reason":"x"}}`, `4"legacy"`,
		`51-["bin",{"_placeholder":true,"num":0}]`, `52-/n,3["b",{"_placeholder":true,"num":1},{"x":{"_placeholder":true,"num":0}}]`,
		`61-7[{"_placeholder":true,"num":0}]`, `5`, `5-`, `9`, `2[`, `/`, `2/,`, `3/x,`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := decodePacket(in)
		if err != nil {
			return
		}
		back := appendPacket(nil, &p)
		again, err := decodePacket(back)
		if err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("decode(encode(decode(%q))) = %+v, %v; want %+v", in, again, err, p)
		}
		checkSplitArray(t, p.data)
		if p.typ != packetEvent && p.typ != packetBinaryEvent {
			return
		}
		_, raw, err := splitEvent(p.data)
		if err != nil {
			return
		}
		attachments := make([][]byte, p.attachments)
		args := Args{raw: raw, attachments: attachments}
		for i := range raw {
			var v any
			_ = args.Decode(i, &v)
			var b []byte
			_ = args.Decode(i, &b)
		}
	})
}

// checkSplitArray holds the zero-copy splitter to encoding/json's verdict.
func checkSplitArray(t *testing.T, data []byte) {
	got, err := splitArray(data)
	var want []json.RawMessage
	wantErr := json.Unmarshal(data, &want)
	isArray := len(bytes.TrimSpace(data)) > 0 && bytes.TrimSpace(data)[0] == '['
	switch {
	case wantErr != nil || !isArray:
		if err == nil {
			t.Fatalf("splitArray(%q) accepted what encoding/json rejects", data)
		}
	case err != nil:
		t.Fatalf("splitArray(%q): %v", data, err)
	case len(got) != len(want):
		t.Fatalf("splitArray(%q) = %q, want %q", data, got, want)
	default:
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("splitArray(%q)[%d] = %q, want %q", data, i, got[i], want[i])
			}
		}
	}
}
