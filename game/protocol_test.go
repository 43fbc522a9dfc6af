package game

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

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
		"e\u0301ve":                  "e\u0301ve",         // a combining accent on a letter stays
		"\u3164Ann\u3164":            "Ann",               // Hangul fillers render as nothing
		"Zoë\u2028x":                 "Zoëx",              // no line breaks in a name
		"I \u2764\ufe0f Go":          "I \u2764\ufe0f Go", // the variation selector picks the emoji form
		"\u2800\u2800Bo":             "\u2800\u2800Bo",
	} {
		if got := CleanName(raw, DefaultMaxNameLength); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestCleanNameRefusesInvisibleNames: names that would show as nothing (combining marks,
// fillers, zero-width and other default-ignorable characters, blanks) are no names.
func TestCleanNameRefusesInvisibleNames(t *testing.T) {
	for _, raw := range []string{
		"\u200b",             // zero-width space (Cf)
		"\u200b\u200c\u200d", // zero-width space, non-joiner, joiner
		"\u3164",             // Hangul filler, a letter that renders as nothing
		"\u3164\u3164\u3164",
		"\u115f",                   // Hangul choseong filler
		"\u1160\uffa0",             // jungseong filler, halfwidth filler
		"\ufeff",                   // byte order mark
		"\u0301",                   // a lone combining acute accent (Mn)
		"\u0301\u0302\u0303\u0304", // combining marks only
		"\u20dd",                   // combining enclosing circle (Me)
		"\u034f",                   // combining grapheme joiner (Mn, default-ignorable)
		"\u2800\u2800",             // blank braille patterns
		"\u2060\u180e\u00ad",       // word joiner, Mongolian vowel separator, soft hyphen
		"\U000e0041\U000e0042",     // tag characters
		"\u3000\u00a0 ",            // ideographic and no-break spaces
		" \u200b\u0301\u3164 ",     // a mix
		"\ufe0f",                   // a variation selector with nothing to select
		"\xff\xfe",                 // invalid UTF-8
	} {
		if got := CleanName(raw, DefaultMaxNameLength); got != "" {
			t.Errorf("CleanName(%+q) = %+q, want it refused", raw, got)
		}
	}
}

func TestParseLagQuery(t *testing.T) {
	q, _ := url.ParseQuery("lag=100&jitter=20&loss=0.05")
	p, limited := ParseLagQuery(q, LagProfile{}, DefaultMaxClientLag)
	if p != (LagProfile{Lag: 100 * time.Millisecond, Jitter: 20 * time.Millisecond, Loss: 0.05}) || limited {
		t.Fatalf("got %+v (limited %v)", p, limited)
	}
	bad, _ := url.ParseQuery("lag=-5&jitter=x&loss=2")
	def := LagProfile{Lag: time.Millisecond}
	if p, _ := ParseLagQuery(bad, def, DefaultMaxClientLag); p != def {
		t.Fatalf("bad values should keep the default, got %+v", p)
	}
	huge, _ := url.ParseQuery("lag=2000&jitter=99999999999999")
	if p, limited := ParseLagQuery(huge, LagProfile{}, 500*time.Millisecond); p.Lag != 500*time.Millisecond || p.Jitter != 500*time.Millisecond || !limited {
		t.Fatalf("lag and jitter not cut to the bound: %+v (limited %v)", p, limited)
	}
	if p, limited := ParseLagQuery(q, def, -1); p != def || !limited {
		t.Fatalf("client-chosen lag switched off, yet the query gave %+v (limited %v)", p, limited)
	}
	if p, limited := ParseLagQuery(url.Values{}, def, -1); p != def || limited {
		t.Fatalf("no query: %+v (limited %v)", p, limited)
	}
}

// FuzzParseLagQuery: whatever the query, the profile is the default or within the bounds, and
// a client may not choose at all while maxLag is negative.
func FuzzParseLagQuery(f *testing.F) {
	for _, q := range []string{"lag=100&jitter=20&loss=0.05", "lag=-5&jitter=x&loss=2", "lag=2000&jitter=99999999999999", "loss=NaN&lag=1e3", "lag=%zz", ""} {
		f.Add(q, int64(1000))
		f.Add(q, int64(-1))
	}
	def := LagProfile{Lag: 3 * time.Millisecond, Jitter: 4 * time.Millisecond, Loss: 0.5}
	f.Fuzz(func(t *testing.T, raw string, maxMillis int64) {
		q, _ := url.ParseQuery(raw)
		maxLag := time.Duration(maxMillis%100_000) * time.Millisecond
		p, limited := ParseLagQuery(q, def, maxLag)
		if maxLag < 0 {
			if p != def || limited != (q.Has("lag") || q.Has("jitter") || q.Has("loss")) {
				t.Fatalf("%q with client lag off gave %+v (limited %v)", raw, p, limited)
			}
			return
		}
		within := func(d, was time.Duration) bool { return d == was || 0 <= d && d <= maxLag }
		if !within(p.Lag, def.Lag) || !within(p.Jitter, def.Jitter) || !(p.Loss >= 0 && p.Loss <= 1) {
			t.Fatalf("%q (max %v) gave %+v", raw, maxLag, p)
		}
		if p.Active() && p.RetransmissionTimeout() < minRTO {
			t.Fatalf("%+v retransmits after %v", p, p.RetransmissionTimeout())
		}
	})
}

func TestMetricsWritePrometheusText(t *testing.T) {
	m := testMetrics()
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
