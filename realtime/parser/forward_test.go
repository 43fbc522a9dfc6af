package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// A decoded binary event keeps its arguments as they came in WireArgs, and ForwardArg turns
// them into values MarshalArgs writes back as the same packet: a relay sends on exactly what
// it received, binary as binary, numbers digit for digit.
func TestForwardArgRoundTrip(t *testing.T) {
	for _, text := range []string{
		`52-["x",{"a":1},{"_placeholder":true,"num":0},"s",[{"_placeholder":true,"num":1}],12345678901234567890]`,
		// Placeholders in another form than the official clients write take the decoder's
		// slow path; what comes out is the same.
		`52-["x",{"a":1},{ "num":0, "_placeholder":true },"s",[{"_placeholder":true,"num":1}],12345678901234567890]`,
	} {
		var d Decoder
		if p, err := d.Add([]byte(text), false); p != nil || err != nil {
			t.Fatalf("text message: %v %v", p, err)
		}
		if p, err := d.Add([]byte{1, 2, 3}, true); p != nil || err != nil {
			t.Fatalf("first attachment: %v %v", p, err)
		}
		p, err := d.Add([]byte{4, 5}, true)
		if err != nil || p == nil {
			t.Fatalf("second attachment: %v %v", p, err)
		}
		if len(p.WireArgs) != len(p.Args) {
			t.Fatalf("%d wire arguments for %d arguments", len(p.WireArgs), len(p.Args))
		}
		values := []any{p.Event}
		for _, raw := range p.WireArgs {
			v, err := ForwardArg(raw, p.Attachments)
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, v)
		}
		if _, isBytes := values[2].([]byte); !isBytes {
			t.Errorf("binary argument forwarded as %T", values[2])
		}
		data, atts, err := MarshalArgs(values...)
		if err != nil {
			t.Fatal(err)
		}
		want := `["x",{"a":1},{"_placeholder":true,"num":0},"s",[{"_placeholder":true,"num":1}],12345678901234567890]`
		if string(data) != want || len(atts) != 2 || !bytes.Equal(atts[0], []byte{1, 2, 3}) || !bytes.Equal(atts[1], []byte{4, 5}) {
			t.Errorf("forwarded as %s %v, want %s [[1 2 3] [4 5]]", data, atts, want)
		}
	}
}

func TestForwardArgWithoutBinary(t *testing.T) {
	raw := json.RawMessage(`{"b":2, "a":"placeholder"}`)
	v, err := ForwardArg(raw, [][]byte{{1}})
	if got, ok := v.(json.RawMessage); err != nil || !ok || string(got) != string(raw) {
		t.Errorf("ForwardArg = %#v, %v; want the JSON as it came", v, err)
	}
	if p, err := new(Decoder).Add([]byte(`2["x",1]`), false); err != nil || p.WireArgs != nil {
		t.Errorf("a text event has WireArgs %q (%v)", p.WireArgs, err)
	}
}

func TestForwardArgIllegalPlaceholder(t *testing.T) {
	_, err := ForwardArg(json.RawMessage(`{"_placeholder":true,"num":3}`), [][]byte{{1}})
	if !errors.Is(err, ErrIllegalAttachments) {
		t.Errorf("placeholder without attachment: %v, want ErrIllegalAttachments", err)
	}
}
