package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestPacketRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		text string
		want packet
	}{
		{`0`, packet{typ: packetConnect, nsp: "/", id: noAckID}},
		{`0/admin,{"token":"t"}`, packet{typ: packetConnect, nsp: "/admin", id: noAckID, data: []byte(`{"token":"t"}`)}},
		{`1/admin,`, packet{typ: packetDisconnect, nsp: "/admin", id: noAckID}},
		{`2["hello",1]`, packet{typ: packetEvent, nsp: "/", id: noAckID, data: []byte(`["hello",1]`)}},
		{`2/chat,12["m"]`, packet{typ: packetEvent, nsp: "/chat", id: 12, data: []byte(`["m"]`)}},
		{`3/chat,12[]`, packet{typ: packetAck, nsp: "/chat", id: 12, data: []byte(`[]`)}},
		{`4{"message":"no"}`, packet{typ: packetConnectError, nsp: "/", id: noAckID, data: []byte(`{"message":"no"}`)}},
		{`52-/b,7["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, packet{
			typ: packetBinaryEvent, nsp: "/b", id: 7, attachments: 2,
			data: []byte(`["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`),
		}},
		{`61-3[{"_placeholder":true,"num":0}]`, packet{typ: packetBinaryAck, nsp: "/", id: 3, attachments: 1, data: []byte(`[{"_placeholder":true,"num":0}]`)}},
	} {
		got, err := decodePacket([]byte(tc.text))
		if err != nil {
			t.Errorf("decode %s: %v", tc.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("decode %s = %+v, want %+v", tc.text, got, tc.want)
		}
		if back := appendPacket(nil, &got); string(back) != tc.text {
			t.Errorf("encode(decode(%s)) = %s", tc.text, back)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, text := range []string{"", "7", "x", `1{"a":1}`, `2`, `2{"a":1}`, `3["no id"]`, `5["x"]`, `5-["x"]`,
		`51["x"]`, `51001-["x"]`, `599999-["x"]`, `0[1]`, `4[1]`, `29999999999999999999["x"]`} {
		if p, err := decodePacket([]byte(text)); !errors.Is(err, errMalformed) {
			t.Errorf("decode %q = %+v, %v; want errMalformed", text, p, err)
		}
	}
}

func TestEncodeArgsExtractsBinary(t *testing.T) {
	payload, attachments, err := encodeArgs("up", []any{
		[]byte{1}, map[string]any{"k": []any{"s", []byte{2, 3}}}, json.RawMessage(`{"raw":true}`), 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `["up",{"_placeholder":true,"num":0},{"k":["s",{"_placeholder":true,"num":1}]},{"raw":true},4]`
	if string(payload) != want {
		t.Errorf("payload = %s\nwant      %s", payload, want)
	}
	if len(attachments) != 2 || !bytes.Equal(attachments[0], []byte{1}) || !bytes.Equal(attachments[1], []byte{2, 3}) {
		t.Errorf("attachments = %v", attachments)
	}
}

func TestArgsDecodeResolvesPlaceholders(t *testing.T) {
	_, raw, err := splitEvent([]byte(`["e",{"_placeholder":true,"num":1},{"blob":{"_placeholder":true,"num":0},"n":2}]`))
	if err != nil {
		t.Fatal(err)
	}
	args := Args{raw: raw, attachments: [][]byte{{0xa}, {0xb, 0xc}}}
	var top []byte
	var obj struct {
		Blob []byte
		N    int
	}
	if err := args.Scan(&top, &obj); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(top, []byte{0xb, 0xc}) || !bytes.Equal(obj.Blob, []byte{0xa}) || obj.N != 2 {
		t.Fatalf("decoded %v %+v", top, obj)
	}
	var tree any
	if err := args.Decode(1, &tree); err != nil {
		t.Fatal(err)
	}
	if got := tree.(map[string]any)["blob"]; !bytes.Equal(got.([]byte), []byte{0xa}) {
		t.Fatalf("tree blob = %#v", got)
	}
}

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
		if got, err := splitArray([]byte(in)); !errors.Is(err, errMalformed) {
			t.Errorf("splitArray(%s) = %q, %v; want errMalformed", in, got, err)
		}
	}
}
