package client

import (
	"bytes"
	"testing"

	"tankarena/realtime/parser"
)

func TestCutPlainEvent(t *testing.T) {
	for _, tc := range []struct {
		msg, nsp, name string
		id             uint64
		hasID, ok      bool
	}{
		{msg: `2["tick",{"t":1}]`, nsp: "/", name: "tick", ok: true},
		{msg: `2["a"]`, nsp: "/", name: "a", ok: true},
		{msg: `2/chat,12["m",1]`, nsp: "/chat", name: "m", id: 12, hasID: true, ok: true},
		{msg: `218446744073709551615["m"]`, nsp: "/", name: "m", id: 18446744073709551615, hasID: true, ok: true},
		{msg: `218446744073709551616["m"]`},             // id out of range: the decoder refuses it
		{msg: `2/chat["m"]`},                            // namespace without a comma
		{msg: `2[ "m"]`},                                // space: left to the decoder
		{msg: `2["a\"b"]`},                              // escaped name
		{msg: `2["m"x]`},                                // name not followed by , or ]
		{msg: `2["m`},                                   // unterminated name
		{msg: `2[1]`},                                   // name not a string
		{msg: `51-["m",{"_placeholder":true,"num":0}]`}, // binary
		{msg: `3["m"]`},                                 // ack
		{msg: `2`},                                      // no payload
		{msg: ``},
	} {
		ev, ok := cutPlainEvent([]byte(tc.msg))
		if ok != tc.ok {
			t.Errorf("cutPlainEvent(%s) ok = %v, want %v", tc.msg, ok, tc.ok)
			continue
		}
		if ok && (string(ev.namespace) != tc.nsp || string(ev.name) != tc.name || ev.id != tc.id || ev.hasID != tc.hasID) {
			t.Errorf("cutPlainEvent(%s) = %q %q %d %v; want %q %q %d %v",
				tc.msg, ev.namespace, ev.name, ev.id, ev.hasID, tc.nsp, tc.name, tc.id, tc.hasID)
		}
	}
}

// FuzzCutPlainEvent checks the raw handlers' shortcut against the decoder: it never panics,
// and whenever both read a message they agree on its namespace, ack id, name and payload.
func FuzzCutPlainEvent(f *testing.F) {
	for _, seed := range []string{
		`2["tick",{"t":1,"seq":2,"pad":"xx"}]`, `2/chat,12["m",1]`, `27["a"]`, `2["a\"b"]`,
		`2/n,["x",[1,{"a":"]"}]]`, `2["x"]garbage`, `299999999999999999999["x"]`, `2["é\u00e9"]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		ev, ok := cutPlainEvent(msg)
		if !ok {
			return
		}
		var decoder parser.Decoder
		p, err := decoder.Add(bytes.Clone(msg), false)
		if err != nil {
			return // the shortcut does not validate the JSON after the name; the decoder does
		}
		if p.Type != parser.Event || p.Namespace != string(ev.namespace) || p.HasID != ev.hasID || p.ID != ev.id ||
			!bytes.Equal(p.Data, ev.payload) || (p.Event != string(ev.name) && !containsInvalidUTF8(ev.name)) {
			t.Fatalf("cutPlainEvent(%q) = %+v; decoder read %+v", msg, ev, p)
		}
	})
}

// containsInvalidUTF8 reports a name the decoder rewrites (to U+FFFD) while the shortcut
// keeps its bytes; such a name matches no handler registered with a Go string either way.
func containsInvalidUTF8(b []byte) bool { return !bytes.Equal(bytes.ToValidUTF8(b, nil), b) }
