package arena

import (
	"encoding/json"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"tankarena/game"
)

func TestParseInputAcceptsTheDocumentedPayload(t *testing.T) {
	in, err := ParseInput(json.RawMessage(`[42, 1, -0.5, 3.141, 1]`))
	if err != nil {
		t.Fatal(err)
	}
	want := game.Input{Seq: 42, Throttle: 1, Turn: -0.5, Aim: 3.141, Fire: true}
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

func TestCleanName(t *testing.T) {
	for raw, want := range map[string]string{
		"  Alice  ":                  "Alice",
		"Bob\x00\x1b[31m":            "Bob[31m",
		"a\u200bb":                   "ab", // zero-width space is a format character
		"\t\n":                       "",
		"abcdefghijklmnopqrstuvwxyz": "abcdefghijklmnop",
		"ÄÖÜäöüßÄÖÜäöüßÄÖÜ":          "ÄÖÜäöüßÄÖÜäöüßÄÖ",
		"<b>x</b>":                   "<b>x</b>", // kept as text: the client never parses names as markup
		"spaced out            end":  "spaced out",
	} {
		if got := CleanName(raw, DefaultMaxNameLength); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestParseLagQuery(t *testing.T) {
	q, _ := url.ParseQuery("lag=100&jitter=20&loss=0.05")
	p := ParseLagQuery(q, LagProfile{})
	if p != (LagProfile{Lag: 100 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.05}) {
		t.Fatalf("got %+v", p)
	}
	bad, _ := url.ParseQuery("lag=-5&jitter=x&loss=2")
	def := LagProfile{Lag: time.Millisecond}
	if p := ParseLagQuery(bad, def); p != def {
		t.Fatalf("bad values should keep the default, got %+v", p)
	}
	huge, _ := url.ParseQuery("lag=999999")
	if p := ParseLagQuery(huge, LagProfile{}); p.Lag != maxSimulatedLag {
		t.Fatalf("lag not capped: %v", p.Lag)
	}
}

func TestMetricsWritePrometheusText(t *testing.T) {
	var m Metrics
	m.players.Add(3)
	m.observeTick(300 * time.Microsecond)
	m.droppedRate.Add(2)
	var b strings.Builder
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"# TYPE tankarena_players gauge\ntankarena_players 3\n",
		`tankarena_tick_duration_seconds_bucket{le="0.00025"} 0` + "\n",
		`tankarena_tick_duration_seconds_bucket{le="0.0005"} 1` + "\n",
		`tankarena_tick_duration_seconds_bucket{le="+Inf"} 1` + "\n",
		"tankarena_tick_duration_seconds_count 1\n",
		`tankarena_inputs_dropped_total{reason="rate"} 2` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics output lacks %q:\n%s", want, out)
		}
	}
}
