package tanks

import (
	"encoding/json"
	"math"
	"testing"
)

func TestParseInputAcceptsTheDocumentedPayload(t *testing.T) {
	for raw, want := range map[string]Input{
		`[42, 1, -0.5, 3.141, 1]`:                 {Seq: 42, Throttle: 1, Turn: -0.5, Aim: 3.141, Fire: true},
		`[42, 1, -0.5, 3.141, 1, 123456]`:         {Seq: 42, Throttle: 1, Turn: -0.5, Aim: 3.141, Fire: true, View: 123456},
		`[42, 0, 0, 0, 0, 0]`:                     {Seq: 42},
		`[1, 0, 0, 0, 0, 9007199254740992]`:       {Seq: 1, View: 1 << 53},
		`[4294967295, -1, 1, -6.283185307, 0, 7]`: {Seq: math.MaxUint32, Throttle: -1, Turn: 1, Aim: -6.283185307, View: 7},
	} {
		in, err := ParseInput(json.RawMessage(raw))
		if err != nil || in != want {
			t.Errorf("ParseInput(%s) = %+v, %v; want %+v", raw, in, err, want)
		}
	}
}

func TestParseInputRejectsMalformedPayloads(t *testing.T) {
	for _, raw := range []string{
		``, `null`, `{}`, `"x"`, `[]`, `[1,0,0,0]`, `[1,0,0,0,0,0,0]`,
		`[-1,0,0,0,0]`, `[1.5,0,0,0,0]`, `[4294967296,0,0,0,0]`,
		`[1,2,0,0,0]`, `[1,0,-1.01,0,0]`, `[1,0,0,7,0]`, `[1,0,0,0,2]`, `[1,0,0,0,true]`,
		`[1,"0",0,0,0]`, `[1,0,0,1e999,0]`, `[1,0,0,0,0`,
		// The view tick: a whole number from 0 to 2^53.
		`[1,0,0,0,0,-1]`, `[1,0,0,0,0,2.5]`, `[1,0,0,0,0,9007199254740994]`, `[1,0,0,0,0,1e999]`,
		`[1,0,0,0,0,"5"]`, `[1,0,0,0,0,[]]`,
	} {
		if in, err := ParseInput(json.RawMessage(raw)); err == nil {
			t.Errorf("ParseInput(%q) = %+v, want an error", raw, in)
		}
	}
}

func FuzzParseInput(f *testing.F) {
	for _, seed := range []string{
		`[1,0.5,-1,2.5,1]`, `[0,0,0,0,0]`, `[4294967295,1,1,6.283185307179586,0]`,
		`[1.5,0,0,0,0]`, `[-1,0,0,0,0]`, `[1,2,0,0,0]`, `[1,0,0,0,2]`, `[1,0,0,0]`, `[1,0,0,0,0,0,0]`,
		`["1",0,0,0,0]`, `[1e400,0,0,0,0]`, `{"seq":1}`, `null`, `[null,0,0,0,0]`, `[1,0,0,0,true]`, ``,
		`[7,1,0,0,1,6000]`, `[7,1,0,0,1,0]`, `[7,1,0,0,1,-3]`, `[7,1,0,0,1,0.5]`, `[7,1,0,0,1,9007199254740993]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		in, err := ParseInput(json.RawMessage(raw))
		if err != nil {
			return
		}
		if in.Throttle < -1 || in.Throttle > 1 || in.Turn < -1 || in.Turn > 1 || math.Abs(in.Aim) > 2*math.Pi || in.View > maxView {
			t.Fatalf("out-of-range input accepted from %q: %+v", raw, in)
		}
		// An accepted input is the numbers it was written as: encoding it again, with or without
		// a zero view, and parsing that gives the same input.
		fire := 0
		if in.Fire {
			fire = 1
		}
		payloads := [][]any{{in.Seq, in.Throttle, in.Turn, in.Aim, fire, in.View}}
		if in.View == 0 {
			payloads = append(payloads, []any{in.Seq, in.Throttle, in.Turn, in.Aim, fire})
		}
		for _, p := range payloads {
			again, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := ParseInput(again); err != nil || back != in {
				t.Fatalf("%q parsed to %+v, re-encoded %s parsed to %+v (%v)", raw, in, again, back, err)
			}
		}
	})
}
