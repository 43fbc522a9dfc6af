package parser

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestSplitArray(t *testing.T) {
	got, err := splitArray([]byte(` [ "a,b" , {"x":[1,2],"y":"}"}, "q\"]" ,3,[],null ] `))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"a,b"`, `{"x":[1,2],"y":"}"}`, `"q\"]"`, `3`, `[]`, `null`}
	if len(got) != len(want) {
		t.Fatalf("got %d elements %q, want %q", len(got), got, want)
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("element %d = %s, want %s", i, got[i], want[i])
		}
	}
	for _, in := range []string{`[]`, ` [ ] `} {
		if got, err := splitArray([]byte(in)); err != nil || len(got) != 0 {
			t.Errorf("splitArray(%s) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{``, `[`, `[1,]`, `{"a":1}`, `"s"`, `["bad json`} {
		if got, err := splitArray([]byte(in)); err == nil {
			t.Errorf("splitArray(%s) = %q, want an error", in, got)
		}
	}
}

func TestDecoderSplitsArguments(t *testing.T) {
	for _, tc := range []struct {
		in    string
		event string
		args  []string
	}{
		{`2["hello",1,{"a":[true]}]`, "hello", []string{`1`, `{"a":[true]}`}},
		{`2/chat,12["m"]`, "m", []string{}},
		{`2["esc\"aped", "x"]`, `esc"aped`, []string{`"x"`}},
		{`3/chat,12[]`, "", []string{}},
		{`31["ok",2]`, "", []string{`"ok"`, `2`}},
	} {
		var d Decoder
		p, err := d.Add([]byte(tc.in), false)
		if err != nil {
			t.Fatalf("Add(%s): %v", tc.in, err)
		}
		if p.Event != tc.event || len(p.Args) != len(tc.args) {
			t.Fatalf("Add(%s): event %q args %q, want %q %q", tc.in, p.Event, p.Args, tc.event, tc.args)
		}
		for i := range tc.args {
			if string(p.Args[i]) != tc.args[i] {
				t.Errorf("Add(%s): arg %d = %s, want %s", tc.in, i, p.Args[i], tc.args[i])
			}
		}
	}
}

func TestDecoderArgsOfBinaryPacket(t *testing.T) {
	text := []byte(`52-/b,7["e",{"_placeholder":true,"num":1},{"blob":{"_placeholder":true,"num":0},"n":2}]`)
	attachments := [][]byte{{0xa}, {0xb, 0xc}}

	// The server's way: placeholders become base64 strings that decode into []byte.
	var d Decoder
	p := feed(t, &d, text, attachments)
	var top []byte
	var obj struct {
		Blob []byte
		N    int
	}
	if p.Event != "e" || len(p.Args) != 2 {
		t.Fatalf("event %q args %q", p.Event, p.Args)
	}
	if json.Unmarshal(p.Args[0], &top) != nil || json.Unmarshal(p.Args[1], &obj) != nil ||
		!bytes.Equal(top, []byte{0xb, 0xc}) || !bytes.Equal(obj.Blob, []byte{0xa}) || obj.N != 2 {
		t.Fatalf("decoded %v %+v from %q", top, obj, p.Args)
	}

	// The client's way: placeholders stay, and are resolved when an argument is decoded.
	keep := Decoder{KeepPlaceholders: true}
	p = feed(t, &keep, text, attachments)
	if string(p.Args[0]) != `{"_placeholder":true,"num":1}` {
		t.Fatalf("kept arg 0 = %s", p.Args[0])
	}
	var tree any
	if err := json.Unmarshal(p.Args[1], &tree); err != nil {
		t.Fatal(err)
	}
	tree, err := ResolvePlaceholders(tree, p.Attachments)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.(map[string]any)["blob"]; !bytes.Equal(got.([]byte), []byte{0xa}) {
		t.Fatalf("resolved blob = %#v", got)
	}
	if _, err := ResolvePlaceholders(map[string]any{"_placeholder": true, "num": 2.0}, p.Attachments); err == nil {
		t.Fatal("a placeholder past the attachments resolved")
	}
}

func feed(t *testing.T, d *Decoder, text []byte, attachments [][]byte) *Packet {
	t.Helper()
	p, err := d.Add(text, false)
	for _, a := range attachments {
		if err != nil || p != nil {
			break
		}
		p, err = d.Add(a, true)
	}
	if err != nil || p == nil {
		t.Fatalf("decode %s: p=%v err=%v", text, p, err)
	}
	return p
}

func TestAppendText(t *testing.T) {
	p := &Packet{Type: Event, Namespace: "/a", ID: 3, HasID: true, Data: json.RawMessage(`["x"]`)}
	if got := AppendText([]byte{'4'}, p); string(got) != `42/a,3["x"]` {
		t.Fatalf("AppendText = %s", got)
	}
}
