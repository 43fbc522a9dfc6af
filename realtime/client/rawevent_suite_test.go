package client_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"tankarena/realtime/client"
)

// testRawHandler checks OnRaw against a real server: the payload arrives as the server
// sent it (name first), takes precedence over On, answers acks, and binary events
// still reach the decoded handlers.
func testRawHandler(t *testing.T, baseURL string) {
	_, s := newSocket(t, baseURL, client.Options{}, "/", nil)
	payloads := make(chan []byte, 4)
	s.On("echo", func(*client.Event) { t.Error("On handler called despite OnRaw") })
	s.OnRaw("echo", func(payload []byte, ack client.AckFunc) {
		if ack != nil {
			t.Error("echo arrived with an ack function")
		}
		payloads <- bytes.Clone(payload) // only valid during the call
	})
	rec := record(s, "asked")
	s.OnRaw("question", func(payload []byte, ack client.AckFunc) {
		if ack == nil {
			t.Error("question arrived without an ack function")
			return
		}
		var got []any
		if err := json.Unmarshal(payload, &got); err != nil || !reflect.DeepEqual(got, []any{"question", 41.0}) {
			t.Errorf("question payload %s (%v)", payload, err)
		}
		if err := ack("raw"); err != nil {
			t.Error(err)
		}
	})
	if err := s.Connect(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	sent := []any{1.5, "two", map[string]any{"three": 3.0}}
	if err := s.Emit("echo", sent...); err != nil {
		t.Fatal(err)
	}
	var got []any
	if err := json.Unmarshal(waitFor(t, payloads, "raw echo"), &got); err != nil {
		t.Fatal(err)
	}
	if want := append([]any{"echo"}, sent...); !reflect.DeepEqual(got, want) {
		t.Fatalf("raw echo = %#v, want %#v", got, want)
	}
	if err := s.Emit("ask", "question", 10000, 41); err != nil {
		t.Fatal(err)
	}
	var serverErr *string
	var answer string
	if err := rec.wait(t, "asked").Scan(&serverErr, &answer); err != nil || serverErr != nil || answer != "raw" {
		t.Fatalf("asked(%v, %q), %v; want (nil, raw)", serverErr, answer, err)
	}

	// A binary event is not raw: it goes to OnAny (or On) with its attachments.
	binary := make(chan client.Args, 1)
	s.OnRaw("echo-binary", func([]byte, client.AckFunc) { t.Error("binary event given to a raw handler") })
	s.OnAny(func(ev *client.Event) {
		if ev.Name == "echo-binary" {
			binary <- ev.Args
		}
	})
	if err := s.Emit("echo-binary", []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	var blob []byte
	if err := waitFor(t, binary, "binary echo").Scan(&blob); err != nil || !bytes.Equal(blob, []byte{1, 2, 3}) {
		t.Fatalf("binary echo = %v, %v", blob, err)
	}
}
