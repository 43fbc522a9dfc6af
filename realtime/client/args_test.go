package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"tankarena/realtime/parser"
)

func TestEventPacketExtractsBinary(t *testing.T) {
	s := &Socket{nsp: "/n"}
	out, err := s.eventPacket("up", []any{
		[]byte{1}, map[string]any{"k": []any{"s", []byte{2, 3}}}, json.RawMessage(`{"raw":true}`), 4,
	}, 5, true)
	if err != nil {
		t.Fatal(err)
	}
	want := `452-/n,5["up",{"_placeholder":true,"num":0},{"k":["s",{"_placeholder":true,"num":1}]},{"raw":true},4]`
	if string(out.text) != want {
		t.Errorf("text = %s\nwant   %s", out.text, want)
	}
	if len(out.binary) != 2 || !bytes.Equal(out.binary[0], []byte{1}) || !bytes.Equal(out.binary[1], []byte{2, 3}) {
		t.Errorf("attachments = %v", out.binary)
	}
	if _, err := s.eventPacket("disconnect", nil, 0, false); err == nil {
		t.Error("a reserved event was encoded")
	}
}

// decodeArgs runs a packet through the reader's decoder, as the client receives it.
func decodeArgs(t *testing.T, text string, attachments ...[]byte) Args {
	t.Helper()
	decoder := parser.Decoder{KeepPlaceholders: true}
	p, err := decoder.Add([]byte(text), false)
	for _, a := range attachments {
		if err != nil || p != nil {
			break
		}
		p, err = decoder.Add(a, true)
	}
	if err != nil || p == nil {
		t.Fatalf("decode %s: p=%v err=%v", text, p, err)
	}
	return Args{raw: p.Args, attachments: p.Attachments}
}

func TestArgsDecodeResolvesPlaceholders(t *testing.T) {
	args := decodeArgs(t, `52-["e",{"_placeholder":true,"num":1},{"blob":{"_placeholder":true,"num":0},"n":2}]`,
		[]byte{0xa}, []byte{0xb, 0xc})
	if string(args.Raw(0)) != `{"_placeholder":true,"num":1}` {
		t.Fatalf("raw argument 0 = %s", args.Raw(0))
	}
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

func TestEventAckWithoutRequest(t *testing.T) {
	var ev Event
	if ev.WantsAck() {
		t.Error("an event without ack id wants an ack")
	}
	if err := ev.Ack("x"); !errors.Is(err, ErrNoAck) {
		t.Errorf("Ack without request = %v, want ErrNoAck", err)
	}
}
