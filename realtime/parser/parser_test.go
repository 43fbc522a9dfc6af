package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strconv"
	"testing"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		p    Packet
		want string
	}{
		{"connect main", Packet{Type: Connect, Data: json.RawMessage(`{"sid":"abc"}`)}, `0{"sid":"abc"}`},
		{"connect nsp", Packet{Type: Connect, Namespace: "/admin", Data: json.RawMessage(`{"sid":"abc"}`)}, `0/admin,{"sid":"abc"}`},
		{"disconnect", Packet{Type: Disconnect, Namespace: "/admin"}, `1/admin,`},
		{"event", Packet{Type: Event, Namespace: "/", Data: json.RawMessage(`["news",{"hello":"world"}]`)}, `2["news",{"hello":"world"}]`},
		{"event with id", Packet{Type: Event, ID: 12, HasID: true, Data: json.RawMessage(`["x"]`)}, `212["x"]`},
		{"ack", Packet{Type: Ack, Namespace: "/chat", ID: 0, HasID: true, Data: json.RawMessage(`[]`)}, `3/chat,0[]`},
		{"connect error", Packet{Type: ConnectError, Data: json.RawMessage(`{"message":"Invalid namespace"}`)}, `4{"message":"Invalid namespace"}`},
		{"binary event", Packet{Type: Event, Data: json.RawMessage(`["b",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{1}}}, `51-["b",{"_placeholder":true,"num":0}]`},
		{"binary ack", Packet{Type: Ack, Namespace: "/a", ID: 3, HasID: true, Data: json.RawMessage(`[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`), Attachments: [][]byte{{1}, {2}}}, `62-/a,3[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Encode(&tt.p)
			if string(got.Text) != tt.want {
				t.Fatalf("Encode = %s, want %s", got.Text, tt.want)
			}
			if len(got.Attachments) != len(tt.p.Attachments) {
				t.Fatalf("attachments = %d, want %d", len(got.Attachments), len(tt.p.Attachments))
			}
		})
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		in    string
		typ   Type
		nsp   string
		id    uint64
		hasID bool
		data  string
	}{
		{`0`, Connect, "/", 0, false, ""},
		{`0{"token":"x"}`, Connect, "/", 0, false, `{"token":"x"}`},
		{`0/admin,{"token":"x"}`, Connect, "/admin", 0, false, `{"token":"x"}`},
		{`0/admin`, Connect, "/admin", 0, false, ""},
		{`1/admin,`, Disconnect, "/admin", 0, false, ""},
		{`2["hello",1,"two"]`, Event, "/", 0, false, `["hello",1,"two"]`},
		{`2/chat,7["hello"]`, Event, "/chat", 7, true, `["hello"]`},
		{`318446744073709551615["ok"]`, Ack, "/", 18446744073709551615, true, `["ok"]`},
		{`3/chat,5`, Ack, "/chat", 5, true, ""},
		{`4{"message":"nope"}`, ConnectError, "/", 0, false, `{"message":"nope"}`},
	}
	for _, tt := range tests {
		var d Decoder
		p, err := d.Add([]byte(tt.in), false)
		if err != nil {
			t.Fatalf("Add(%s): %v", tt.in, err)
		}
		if p.Type != tt.typ || p.Namespace != tt.nsp || p.ID != tt.id || p.HasID != tt.hasID || string(p.Data) != tt.data {
			t.Errorf("Add(%s) = %+v", tt.in, *p)
		}
	}
}

func TestDecodeBinary(t *testing.T) {
	var d Decoder
	p, err := d.Add([]byte(`52-/a,9["up",{"_placeholder":true,"num":1},{"x":{"_placeholder":true,"num":0}}]`), false)
	if err != nil || p != nil {
		t.Fatalf("header: p=%v err=%v", p, err)
	}
	if p, err = d.Add([]byte{0, 1, 2}, true); err != nil || p != nil {
		t.Fatalf("first attachment: p=%v err=%v", p, err)
	}
	if p, err = d.Add([]byte("hi"), true); err != nil || p == nil {
		t.Fatalf("second attachment: p=%v err=%v", p, err)
	}
	if p.Type != BinaryEvent || p.Namespace != "/a" || p.ID != 9 || len(p.Attachments) != 2 {
		t.Fatalf("packet = %+v", *p)
	}
	var args []struct {
		X []byte `json:"x"`
	}
	var name string
	var second []byte
	raw := []json.RawMessage{}
	if err := json.Unmarshal(p.Data, &raw); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(raw[0], &name)
	if err := json.Unmarshal(raw[1], &second); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(append(append([]byte("["), raw[2]...), ']'), &args); err != nil {
		t.Fatal(err)
	}
	if name != "up" || string(second) != "hi" || !bytes.Equal(args[0].X, []byte{0, 1, 2}) {
		t.Fatalf("decoded name=%q second=%q x=%v", name, second, args[0].X)
	}
	// The decoder is ready for the next packet.
	if p, err = d.Add([]byte(`2["next"]`), false); err != nil || p == nil {
		t.Fatalf("next: p=%v err=%v", p, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	bad := []string{
		``,
		`7`,
		`a`,
		`9["x"]`,
		`2`,
		`2[]`,
		`2{"x":1}`,
		`2[1,2]`,
		`2[null]`,
		`2[{"a":1}]`,
		`2["connect"]`,
		`2["disconnect"]`,
		`2["x"`,
		`2["x",}]`,
		`2admin,["x"]`,
		`0"string"`,
		`0[]`,
		`1{"x":1}`,
		`3{"x":1}`,
		`399999999999999999999999["x"]`,
		`4[1]`,
		`5["x"]`,
		`5-["x"]`,
		`50-["x"]`,
		`5-1-["x"]`,
		`5+1-["x"]`,
		`511-["x"]`,
		`5x-["x"]`,
	}
	for _, in := range bad {
		var d Decoder
		p, err := d.Add([]byte(in), false)
		if err == nil {
			t.Errorf("Add(%q) = %+v, want error", in, p)
			continue
		}
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("Add(%q) error %v does not wrap ErrMalformed", in, err)
		}
	}
}

func TestDecodeAttachmentsThatLie(t *testing.T) {
	t.Run("placeholder beyond the count", func(t *testing.T) {
		var d Decoder
		if _, err := d.Add([]byte(`51-["x",{"_placeholder":true,"num":3}]`), false); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Add([]byte{1}, true); !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
	})
	t.Run("placeholder num not a number", func(t *testing.T) {
		var d Decoder
		d.Add([]byte(`51-["x",{"_placeholder":true,"num":"0"}]`), false)
		if _, err := d.Add([]byte{1}, true); !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
	})
	t.Run("text where an attachment is due", func(t *testing.T) {
		var d Decoder
		d.Add([]byte(`52-["x",{"_placeholder":true,"num":0}]`), false)
		d.Add([]byte{1}, true)
		if _, err := d.Add([]byte(`2["y"]`), false); !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
	})
	t.Run("binary without a header", func(t *testing.T) {
		var d Decoder
		if _, err := d.Add([]byte{1}, true); !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
	})
	t.Run("more attachments than the limit", func(t *testing.T) {
		d := Decoder{MaxAttachments: 2}
		if _, err := d.Add([]byte(`53-["x"]`), false); !errors.Is(err, ErrMalformed) {
			t.Fatalf("err = %v, want ErrMalformed", err)
		}
	})
}

type avatar struct {
	Name    string `json:"name"`
	Image   []byte `json:"image"`
	Skip    []byte `json:"-"`
	Missing []byte `json:"missing,omitempty"`
	Plain   int
}

func TestMarshalArgs(t *testing.T) {
	data, atts, err := MarshalArgs("ev", []byte{1, 2}, map[string]any{"b": []byte("x"), "a": 1},
		avatar{Name: "n", Image: []byte{9}, Plain: 3}, json.RawMessage(`{"raw":true}`), nil, []int{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := `["ev",{"_placeholder":true,"num":0},{"a":1,"b":{"_placeholder":true,"num":1}},` +
		`{"name":"n","image":{"_placeholder":true,"num":2},"Plain":3},{"raw":true},null,[1,2]]`
	if string(data) != want {
		t.Fatalf("data =\n%s\nwant\n%s", data, want)
	}
	if len(atts) != 3 || string(atts[1]) != "x" || atts[2][0] != 9 {
		t.Fatalf("attachments = %v", atts)
	}
}

// TestRoundTrip checks that what Encode writes, Decoder reads back with the bytes in place.
func TestRoundTrip(t *testing.T) {
	data, atts, err := MarshalArgs("file", avatar{Name: "a", Image: []byte("\x00\xffpng")})
	if err != nil {
		t.Fatal(err)
	}
	enc := Encode(&Packet{Type: Event, Namespace: "/up", ID: 4, HasID: true, Data: data, Attachments: atts})
	var d Decoder
	p, err := d.Add(enc.Text, false)
	for _, a := range enc.Attachments {
		if err != nil {
			t.Fatal(err)
		}
		p, err = d.Add(a, true)
	}
	if err != nil || p == nil {
		t.Fatalf("p=%v err=%v", p, err)
	}
	var got []json.RawMessage
	json.Unmarshal(p.Data, &got)
	var av avatar
	if err := json.Unmarshal(got[1], &av); err != nil {
		t.Fatal(err)
	}
	if av.Name != "a" || string(av.Image) != "\x00\xffpng" {
		t.Fatalf("round trip = %+v", av)
	}
}

// TestPlaceholderForms checks that the fast path and the JSON walk agree: placeholders written
// with other spacing or key order are still found, and bad ones are still refused.
func TestPlaceholderForms(t *testing.T) {
	good := []string{
		`51-["x",{"_placeholder":true,"num":0}]`,
		`51-["x", { "num": 0, "_placeholder": true }]`,
		`51-["x",{"a":[{"_placeholder":true,"num":0}]}]`,
		`51-["x",{"_placeholder":true,"num":0,"extra":1}]`,
	}
	for _, in := range good {
		var d Decoder
		d.Add([]byte(in), false)
		p, err := d.Add([]byte("hi"), true)
		if err != nil || p == nil {
			t.Fatalf("%s: %v", in, err)
		}
		if bytes.Contains(p.Data, []byte("_placeholder")) || !bytes.Contains(p.Data, []byte(`"aGk="`)) {
			t.Errorf("%s: data %s", in, p.Data)
		}
	}
	bad := []string{
		`51-["x",{"_placeholder":true,"num":1}]`,
		`51-["x",{"_placeholder":true,"num":-1}]`,
		`51-["x",{"num":7,"_placeholder":true}]`,
		`51-["x",{"_placeholder":true,"num":0.5}]`,
		`51-["x",{"_placeholder":true}]`,
	}
	for _, in := range bad {
		var d Decoder
		d.Add([]byte(in), false)
		if _, err := d.Add([]byte("hi"), true); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v", in, err)
		}
	}
}

// TestMarshalArgsOmitsLikeEncodingJSON: where MarshalArgs walks a struct itself (a field may
// hold bytes), omitempty and omitzero must drop exactly the fields encoding/json drops.
func TestMarshalArgsOmitsLikeEncodingJSON(t *testing.T) {
	type inner struct{ X int }
	v := struct {
		Any        any            // an interface may hold bytes: the struct is walked, not json.Marshal'ed
		EmptySlice []string       `json:"es,omitempty"` // empty, not nil: encoding/json omits it
		EmptyMap   map[string]int `json:"em,omitempty"`
		ZeroStruct inner          `json:"zs,omitempty"` // encoding/json never omits a struct
		OmitZero   inner          `json:"oz,omitzero"`
		Kept       inner          `json:"kept,omitzero"`
		Weird      int            `json:"w,string2,omitempty"` // an option only contains "omitempty"
	}{Any: "text", EmptySlice: []string{}, EmptyMap: map[string]int{}, Kept: inner{1}}
	want, err := json.Marshal([]any{v})
	if err != nil {
		t.Fatal(err)
	}
	got, atts, err := MarshalArgs(v)
	if err != nil || len(atts) != 0 {
		t.Fatalf("MarshalArgs: %v, %d attachments", err, len(atts))
	}
	if string(got) != string(want) {
		t.Fatalf("MarshalArgs = %s\nencoding/json = %s", got, want)
	}
}

// amplifyingPacket is the attack of issue 12: a text message of close to size bytes whose
// placeholders all name attachment 0, for a packet with the given number of attachments.
func amplifyingPacket(size, attachments int) []byte {
	const placeholder = `{"_placeholder":true,"num":0}`
	text := []byte(strconv.Itoa(int(BinaryEvent)) + strconv.Itoa(attachments) + `-["x"`)
	for len(text)+len(placeholder)+2 <= size {
		text = append(append(text, ','), placeholder...)
	}
	return append(text, ']')
}

// TestPlaceholderUsedOnce: an attachment may stand in for one placeholder only, so that a
// packet decodes to no more than its text and each attachment once, in base64. The 64 KiB
// text naming one 64 KiB attachment 2,184 times would otherwise decode to some 190 MB.
func TestPlaceholderUsedOnce(t *testing.T) {
	attachment := bytes.Repeat([]byte{0xAB}, 64<<10)
	refused := map[string][]byte{
		"canonical, 64 KiB of them": amplifyingPacket(64<<10, 1),
		"canonical, twice":          []byte(`51-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]`),
		"other forms, twice":        []byte(`51-["x",{ "num":0, "_placeholder":true },[{"_placeholder" : true, "num" : 0}]]`),
		"mixed forms, twice":        []byte(`51-["x",{"_placeholder":true,"num":0},{"num":0,"_placeholder":true}]`),
		"second of two, twice":      []byte(`52-["x",{"_placeholder":true,"num":1},{"a":{"_placeholder":true,"num":1}}]`),
	}
	for name, text := range refused {
		t.Run(name, func(t *testing.T) {
			var d Decoder
			p, err := d.Add(text, false)
			if err != nil || p != nil {
				t.Fatalf("text message: p=%v err=%v", p, err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for n := text[1] - '0'; n > 0 && err == nil; n-- {
				p, err = d.Add(attachment, true)
			}
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrMalformed) || !errors.Is(err, ErrIllegalAttachments) {
				t.Fatalf("err = %v (a packet: %t), want ErrMalformed and ErrIllegalAttachments", err, p != nil)
			}
			// Refused before the expansion: nothing near one base64 copy per placeholder.
			if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 4<<20 {
				t.Errorf("decoding allocated %d bytes before refusing", allocated)
			}
		})
	}

	// What the official clients send stays accepted: every attachment named once, in any
	// order, and attachments no placeholder names (the reference ignores them too).
	accepted := []string{
		`52-["x",{"_placeholder":true,"num":1},{"a":[{"_placeholder":true,"num":0}]}]`,
		`52-["x",{ "num":1, "_placeholder":true },{"_placeholder":true,"num":0}]`,
		`52-["x",{"_placeholder":true,"num":1}]`,
	}
	for _, text := range accepted {
		var d Decoder
		d.Add([]byte(text), false)
		d.Add([]byte("a"), true)
		p, err := d.Add([]byte("b"), true)
		if err != nil || p == nil {
			t.Errorf("%s: err = %v (a packet: %t)", text, err, p != nil)
			continue
		}
		if !bytes.Contains(p.Data, []byte(`"Yg=="`)) {
			t.Errorf("%s: data %s lacks attachment 1", text, p.Data)
		}
	}
}

// TestResolvePlaceholdersSharesRepeats: the Go client resolves placeholders itself, into
// slices rather than copies, so a num named twice costs nothing there and is accepted, as in
// the reference parser.
func TestResolvePlaceholdersSharesRepeats(t *testing.T) {
	var tree any
	if err := json.Unmarshal([]byte(`[{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]`), &tree); err != nil {
		t.Fatal(err)
	}
	att := []byte("abc")
	got, err := ResolvePlaceholders(tree, [][]byte{att})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got.([]any) {
		if b, ok := v.([]byte); !ok || &b[0] != &att[0] {
			t.Errorf("element %d = %#v, want the attachment itself", i, v)
		}
	}
}
