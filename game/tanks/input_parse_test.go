package tanks

import (
	"encoding/json"
	"math"
	"testing"
)

func TestParseInputAcceptsTheDocumentedPayload(t *testing.T) {
	in, err := ParseInput(json.RawMessage(`[42, 1, -0.5, 3.141, 1]`))
	if err != nil {
		t.Fatal(err)
	}
	want := Input{Seq: 42, Throttle: 1, Turn: -0.5, Aim: 3.141, Fire: true}
	if in != want {
		t.Fatalf("got %+v, want %+v", in, want)
	}
}

func TestParseInputRejectsMalformedPayloads(t *testing.T) {
	for _, raw := range []string{
		``, `null`, `{}`, `"x"`, `[]`, `[1,0,0,0]`, `[1,0,0,0,0,0]`,
		`[-1,0,0,0,0]`, `[1.5,0,0,0,0]`, `[4294967296,0,0,0,0]`,
		`[1,2,0,0,0]`, `[1,0,-1.01,0,0]`, `[1,0,0,7,0]`, `[1,0,0,0,2]`, `[1,0,0,0,true]`,
		`[1,"0",0,0,0]`, `[1,0,0,1e999,0]`, `[1,0,0,0,0`,
	} {
		if in, err := ParseInput(json.RawMessage(raw)); err == nil {
			t.Errorf("ParseInput(%q) = %+v, want an error", raw, in)
		}
	}
}

func FuzzParseInput(f *testing.F) {
	for _, seed := range []string{
		`[1,0.5,-1,2.5,1]`, `[0,0,0,0,0]`, `[4294967295,1,1,6.283185307179586,0]`,
		`[1.5,0,0,0,0]`, `[-1,0,0,0,0]`, `[1,2,0,0,0]`, `[1,0,0,0,2]`, `[1,0,0,0]`, `[1,0,0,0,0,0]`,
		`["1",0,0,0,0]`, `[1e400,0,0,0,0]`, `{"seq":1}`, `null`, `[null,0,0,0,0]`, `[1,0,0,0,true]`, ``,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		in, err := ParseInput(json.RawMessage(raw))
		if err != nil {
			return
		}
		if in.Throttle < -1 || in.Throttle > 1 || in.Turn < -1 || in.Turn > 1 || math.Abs(in.Aim) > 2*math.Pi {
			t.Fatalf("out-of-range input accepted from %q: %+v", raw, in)
		}
		// An accepted input is the five numbers it was written as: encoding it again and parsing
		// that gives the same input.
		fire := 0
		if in.Fire {
			fire = 1
		}
		again, err := json.Marshal([]any{in.Seq, in.Throttle, in.Turn, in.Aim, fire})
		if err != nil {
			t.Fatal(err)
		}
		if back, err := ParseInput(again); err != nil || back != in {
			t.Fatalf("%q parsed to %+v, re-encoded %s parsed to %+v (%v)", raw, in, again, back, err)
		}
	})
}
