package client

import (
	"testing"

	"tankarena/realtime/parser"
)

// FuzzArgs feeds arbitrary server text through what the reader and a handler do with it: the
// shared decoder (fuzzed on its own in package parser) keeping placeholders, then Args.Decode
// resolving them against however many attachments arrived. Nothing may panic.
func FuzzArgs(f *testing.F) {
	for _, seed := range []string{
		`2["hello"]`, `2/chat,12["m",1,{"a":[true]}]`, `312["ok"]`,
		`51-["bin",{"_placeholder":true,"num":0}]`, `52-/n,3["b",{"_placeholder":true,"num":1},{"x":{"_placeholder":true,"num":0}}]`,
		`61-7[{"_placeholder":true,"num":0}]`, `51-["x",{"_placeholder":true,"num":3}]`, `51-["x",{"_placeholder":true,"num":-1.5}]`,
	} {
		f.Add([]byte(seed), []byte{1, 2})
	}
	f.Fuzz(func(t *testing.T, text, attachment []byte) {
		decoder := parser.Decoder{KeepPlaceholders: true}
		p, err := decoder.Add(text, false)
		for err == nil && p == nil {
			p, err = decoder.Add(attachment, true)
		}
		if err != nil {
			return
		}
		args := Args{raw: p.Args, attachments: p.Attachments}
		for i := range args.Len() {
			var v any
			_ = args.Decode(i, &v)
			var b []byte
			_ = args.Decode(i, &b)
		}
	})
}
