package tanks

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"tankarena/internal/testenv"
)

// jsEvent is an Event as web/js/snapshot.js returns it: only the fields its type carries.
func jsEvent(e Event) map[string]any {
	m := map[string]any{"type": e.Type.String()}
	f := eventFields[e.Type]
	if f&efTank != 0 {
		m["tank"] = e.Tank
	}
	if f&efVictim != 0 {
		m["victim"] = e.Victim
	}
	if f&efShell != 0 {
		m["shell"] = e.Shell
	}
	if f&efDamage != 0 {
		m["damage"] = e.Damage
	}
	if f&efPos != 0 {
		m["x"], m["y"] = e.X, e.Y
	}
	if e.Ricochet {
		m["ricochet"] = true
	}
	return m
}

type jsBody struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	VX     float64 `json:"vx"`
	VY     float64 `json:"vy"`
	Hull   float64 `json:"hull"`
	Turret float64 `json:"turret"`
}

// TestJSMatchesGo proves the browser modules agree with Go: web/js/movement.js must follow the
// same path as stepBody for a scripted drive that scrapes walls, and web/js/snapshot.js must
// decode a Go-encoded keyframe-and-delta stream to exactly what DecodeSnapshot returns.
func TestJSMatchesGo(t *testing.T) {
	node := testenv.Node(t)
	cfg := DefaultConfig()
	m := shippedMap(t, "bunkers")

	// A drive through the map: full throttle into walls at angles, reversing, turning in place,
	// sweeping the turret, plus junk values the input rules must clamp.
	type jsInput struct {
		Throttle float64 `json:"throttle"`
		Turn     float64 `json:"turn"`
		Aim      float64 `json:"aim"`
	}
	var inputs []jsInput
	var want []jsBody
	b := body{X: m.Spawns[0].X, Y: m.Spawns[0].Y}
	start := jsBody{b.X, b.Y, b.VX, b.VY, b.Hull, b.Turret}
	scrapes := 0
	for i := range 1500 {
		in := Input{Throttle: 1, Turn: math.Sin(float64(i) / 40), Aim: float64(i) / 30}
		switch {
		case i%300 > 240:
			in.Throttle = -1
		case i%500 > 450:
			in.Throttle = 0
		case i%200 == 0:
			in.Throttle, in.Turn = 7, -3 // clamped to 1, -1
		}
		inputs = append(inputs, jsInput{in.Throttle, in.Turn, in.Aim})
		stepBody(&b, in.sanitize(b.Turret), &cfg, m, cfg.Dt())
		want = append(want, jsBody{b.X, b.Y, b.VX, b.VY, b.Hull, b.Turret})
		if touchesWall(m, b.X, b.Y, cfg.TankRadius+1e-6) {
			scrapes++
		}
	}
	if scrapes < 50 {
		t.Fatalf("the scripted drive touched walls on only %d ticks; it must exercise collisions", scrapes)
	}

	// A bot match, snapshotted at 30 Hz with a keyframe every 40 snapshots, through a
	// round, its intermission and the next round on the next map.
	type frame struct {
		Bytes []byte    `json:"bytes"`
		Delta bool      `json:"delta"`
		Want  *Snapshot `json:"-"`
		JS    any       `json:"want"`
	}
	rounds := cfg
	rounds.RoundTime, rounds.Intermission = 5, 2
	w := mustWorld(t, rounds, m, 11)
	if err := w.SetRotation([]*Map{m, shippedMap(t, "arena")}, 0); err != nil {
		t.Fatal(err)
	}
	w.SetBotFill(8, BotHard)
	var frames []frame
	var truth [2]Snapshot
	var decoded [2]Snapshot
	ricochets := 0
	for i := 0; i < 250; i++ {
		switch i { // one tank is a disconnected player's ghost for a while
		case 30:
			_ = w.SetConnected(w.tanks[0].id, false)
		case 90:
			_ = w.SetConnected(w.tanks[0].id, true)
		}
		w.Step()
		w.Step()
		cur, prev := &truth[i%2], &truth[(i+1)%2]
		w.Snapshot(cur)
		base, dbase := prev, &decoded[(i+1)%2]
		if i%40 == 0 {
			base, dbase = nil, nil
		}
		data := EncodeSnapshot(nil, cur, base)
		out := &decoded[i%2]
		if err := DecodeSnapshot(out, data, dbase); err != nil {
			t.Fatal(err)
		}
		events := make([]map[string]any, 0, len(out.Events))
		for _, e := range out.Events {
			events = append(events, jsEvent(e))
			if e.Ricochet {
				ricochets++
			}
		}
		frames = append(frames, frame{Bytes: data, Delta: base != nil, JS: map[string]any{
			"tick": out.Tick, "round": out.Round, "tanks": nonNil(out.Tanks), "shells": nonNil(out.Shells), "scores": nonNil(out.Scores), "events": events,
		}})
		// The JSON is built now because the decoded buffers are reused.
		js, err := json.Marshal(frames[len(frames)-1].JS)
		if err != nil {
			t.Fatal(err)
		}
		frames[len(frames)-1].JS = json.RawMessage(js)
	}
	frames[len(frames)-1].Delta = true
	if ricochets == 0 {
		t.Fatal("the match had no hit by a ricochet, so the ricochet flag went unchecked")
	}
	if r := w.Round(); r.Number != 2 || r.Map != 1 {
		t.Fatalf("the match ended in round %+v; the stream must cover a round's end and the next map", r)
	}

	// Input payloads as the browser builds them (web/js/protocol.js), which ParseInput must take:
	// raw controls, and the view tick the others are drawn at (a fraction of a tick, or none).
	type jsControls struct {
		Seq      uint32  `json:"seq"`
		Throttle float64 `json:"throttle"`
		Turn     float64 `json:"turn"`
		Aim      float64 `json:"aim"`
		Fire     bool    `json:"fire"`
		View     any     `json:"view,omitempty"`
	}
	payloads := []jsControls{
		{Seq: 1, Throttle: 0.123456, Turn: -1.5, Aim: 4, Fire: true, View: 5000.4},
		{Seq: 2, Throttle: -7, Turn: 0.999, Aim: -math.Pi, View: 5000.6},
		{Seq: 3, Aim: 100},
		{Seq: math.MaxUint32, Fire: true, View: 0},
		{Seq: 5, Aim: 1, View: 1 << 40},
	}
	wantPayloads := []Input{
		{Seq: 1, Throttle: 0.12, Turn: -1, Aim: 4 - 2*math.Pi, Fire: true, View: 5000},
		{Seq: 2, Throttle: -1, Turn: 1, Aim: math.Pi, View: 5001},
		{Seq: 3, Aim: wrapAngle(math.Mod(100, 2*math.Pi))},
		{Seq: math.MaxUint32, Fire: true},
		{Seq: 5, Aim: 1, View: 1 << 40},
	}

	c := map[string]any{
		"config": cfg, "map": m,
		"movement":  map[string]any{"start": start, "inputs": inputs, "want": want},
		"snapshots": frames,
		"payloads":  payloads,
	}
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	casePath := filepath.Join(t.TempDir(), "case.json")
	if err := os.WriteFile(casePath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	jsDir := filepath.Join(testenv.RepoRoot(t), "web", "js")
	out, err := exec.Command(node, filepath.Join("testdata", "parity.mjs"), jsDir, casePath).CombinedOutput()
	if err != nil {
		t.Fatalf("node parity check failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)

	_, line, ok := strings.Cut(string(out), "payloads ")
	var got []json.RawMessage
	if !ok || json.Unmarshal([]byte(strings.TrimSpace(line)), &got) != nil || len(got) != len(wantPayloads) {
		t.Fatalf("no payloads line with %d payloads in the output", len(wantPayloads))
	}
	for i, raw := range got {
		in, err := ParseInput(raw)
		w := wantPayloads[i]
		if err != nil || in.Seq != w.Seq || in.Fire != w.Fire || in.View != w.View ||
			math.Abs(in.Throttle-w.Throttle) > 1e-9 || math.Abs(in.Turn-w.Turn) > 1e-9 || math.Abs(wrapAngle(in.Aim-w.Aim)) > 1e-3 {
			t.Errorf("payload %s from %+v parsed to %+v (%v), want %+v", raw, payloads[i], in, err, w)
		}
	}
}

// nonNil makes empty lists JSON [] rather than null, as the JS decoder returns them.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
