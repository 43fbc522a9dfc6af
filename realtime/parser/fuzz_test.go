package parser

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzDecoder feeds a text message and up to two binary messages: the decoder must never panic,
// whatever it accepts must encode back into something it accepts again, the zero-copy split of
// its arguments must agree with encoding/json, and a packet must not decode to more than its
// text and each attachment once (placeholders naming one attachment many times were an
// amplification attack, see reconstruct).
func FuzzDecoder(f *testing.F) {
	seeds := []string{
		`0`, `0{"token":"x"}`, `0/admin,{"a":1}`, `1/admin,`, `2["ev",1,{"a":[true,null]}]`,
		`2/chat,12["ev"]`, `3/chat,12[]`, `4{"message":"x","data":{"a":1}}`,
		`51-["b",{"_placeholder":true,"num":0}]`, `62-/a,1[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]`,
		`51-["b",{"_placeholder":true,"num":7}]`, `5-["x"]`, `2[1]`, `2["connect"]`, `2admin,["x"]`, ``,
		`2[ "a,b" , {"x":[1,2],"y":"}"}, "q\"]" ,3,[],null ]`, `2["\u0041",1]`, `4"legacy"`, `3/x,`, `2[`,
		`51-["b",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]`,
		`52-[{"_placeholder":true,"num":1},{"num":1,"_placeholder":true},{"_placeholder":true,"num":0}]`,
		`51-["<&>",{"_placeholder":true,"num":0}]`, `52-["b",{"_placeholder":true,"num":1}]`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), []byte{1, 2}, []byte("bin"))
	}
	f.Fuzz(func(t *testing.T, text, bin1, bin2 []byte) {
		var d Decoder
		p, err := d.Add(text, false)
		for _, b := range [][]byte{bin1, bin2} {
			if err != nil || p != nil {
				break
			}
			p, err = d.Add(b, true)
		}
		if err != nil || p == nil {
			return
		}
		// The JSON walk re-encodes the text: at most 6 bytes a byte ("<" becomes "\u003c").
		if limit := 6*len(text) + 2*len(p.Attachments) + base64Len(p.Attachments); len(p.Data) > limit {
			t.Fatalf("%q with %d attachments decoded to %d bytes, over %d", text, len(p.Attachments), len(p.Data), limit)
		}
		checkArgs(t, p)
		enc := Encode(&Packet{Type: plainType(p.Type), Namespace: p.Namespace, ID: p.ID, HasID: p.HasID, Data: p.Data})
		var again Decoder
		q, err := again.Add(enc.Text, false)
		if err != nil {
			t.Fatalf("re-decoding %q (from %q): %v", enc.Text, text, err)
		}
		if q.Namespace != p.Namespace || q.ID != p.ID || !bytes.Equal(q.Data, p.Data) {
			t.Fatalf("round trip changed %+v into %+v", p, q)
		}
	})
}

func plainType(t Type) Type {
	switch t {
	case BinaryEvent:
		return Event
	case BinaryAck:
		return Ack
	}
	return t
}

// FuzzMarshalArgs checks that any string and bytes survive MarshalArgs, Encode and Decoder.
func FuzzMarshalArgs(f *testing.F) {
	f.Add("ev", []byte{0, 1}, "text")
	f.Add("é\"\\", []byte{}, "\x00")
	f.Fuzz(func(t *testing.T, name string, b []byte, s string) {
		data, atts, err := MarshalArgs(name, b, map[string]any{"s": s, "b": b})
		if err != nil {
			t.Fatal(err)
		}
		enc := Encode(&Packet{Type: Event, Data: data, Attachments: atts})
		var d Decoder
		p, err := d.Add(enc.Text, false)
		for _, a := range enc.Attachments {
			if err != nil {
				break
			}
			p, err = d.Add(a, true)
		}
		if IsReserved(name) || !utf8.ValidString(name) {
			// Reserved names are refused; invalid UTF-8 is replaced by encoding/json.
			return
		}
		if err != nil || p == nil {
			t.Fatalf("decode %q: p=%v err=%v", enc.Text, p, err)
		}
		if p.Event != name {
			t.Fatalf("event name %q, want %q", p.Event, name)
		}
	})
}

// checkArgs holds the zero-copy splitter to encoding/json's verdict on a decoded packet.
func checkArgs(t *testing.T, p *Packet) {
	if len(p.Data) == 0 || (p.Type != Event && p.Type != BinaryEvent && p.Type != Ack && p.Type != BinaryAck) {
		return
	}
	var want []json.RawMessage
	if err := json.Unmarshal(p.Data, &want); err != nil {
		t.Fatalf("decoder accepted %q that encoding/json rejects: %v", p.Data, err)
	}
	got := p.Args
	if p.Type == Event || p.Type == BinaryEvent {
		var name string
		if len(want) == 0 || json.Unmarshal(want[0], &name) != nil || name != p.Event {
			t.Fatalf("event %q from %q, encoding/json says %q", p.Event, p.Data, want)
		}
		want = want[1:]
	}
	if len(got) != len(want) {
		t.Fatalf("args of %q = %q, want %q", p.Data, got, want)
	}
	for i := range want {
		if !bytes.Equal(got[i], bytes.TrimSpace(want[i])) {
			t.Fatalf("arg %d of %q = %q, want %q", i, p.Data, got[i], want[i])
		}
	}
}
