package tanks_test

import (
	"encoding/json"
	"fmt"

	"tankarena/assets"
	"tankarena/game/tanks"
)

// A host loads a map, adds players and bots, steps the world and sends encoded snapshots.
func Example() {
	data, _ := assets.Maps.ReadFile("maps/arena.txt")
	m, err := tanks.LoadMap("arena", data)
	if err != nil {
		panic(err)
	}
	w, _ := tanks.NewWorld(tanks.DefaultConfig(), m, 1)
	ann, _ := w.AddPlayer("ann")
	w.SetBotFill(4, tanks.BotNormal) // three bots join on the next step
	_ = w.SetInput(ann, tanks.Input{Seq: 1, Throttle: 1, Aim: 0.5, Fire: true})

	var prev, cur tanks.Snapshot
	var buf []byte
	for tick := 1; tick <= 60; tick++ {
		w.Step()
		if tick%2 == 0 { // 30 snapshots per second
			w.Snapshot(&cur)
			buf = tanks.EncodeSnapshot(buf[:0], &cur, &prev) // delta; pass nil for a keyframe
			prev, cur = cur, prev
		}
	}
	seq, _ := w.LastInputSeq(ann)
	fmt.Println(len(w.Players(nil)), "tanks, last input applied:", seq)
	// Output: 4 tanks, last input applied: 1
}

// An "input" event's payload is a five-element array, or six with the tick the client drew the
// other tanks at (for lag compensation); anything else is rejected.
func ExampleParseInput() {
	in, err := tanks.ParseInput(json.RawMessage(`[17, 1, -0.5, 1.571, 1]`))
	fmt.Printf("%+v %v\n", in, err)
	in, err = tanks.ParseInput(json.RawMessage(`[18, 1, -0.5, 1.571, 1, 9345]`))
	fmt.Printf("%+v %v\n", in, err)
	_, err = tanks.ParseInput(json.RawMessage(`{"seq": 17}`))
	fmt.Println(err != nil)
	// Output:
	// {Seq:17 Throttle:1 Turn:-0.5 Aim:1.571 Fire:true View:0} <nil>
	// {Seq:18 Throttle:1 Turn:-0.5 Aim:1.571 Fire:true View:9345} <nil>
	// true
}
