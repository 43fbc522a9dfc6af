package arena_test

import (
	"encoding/json"
	"fmt"

	"tankarena/arena"
)

// An "input" event's payload is a five-element array; anything else is rejected.
func ExampleParseInput() {
	in, err := arena.ParseInput(json.RawMessage(`[17, 1, -0.5, 1.571, 1]`))
	fmt.Printf("%+v %v\n", in, err)
	_, err = arena.ParseInput(json.RawMessage(`{"seq": 17}`))
	fmt.Println(err != nil)
	// Output:
	// {Seq:17 Throttle:1 Turn:-0.5 Aim:1.571 Fire:true} <nil>
	// true
}

// Names are cleaned before anyone sees them: trimmed, control characters removed, 16 characters at most.
func ExampleCleanName() {
	fmt.Printf("%q\n", arena.CleanName("  \x1b[31mRed Baron of the Skies\x00  ", arena.DefaultMaxNameLength))
	// Output: "[31mRed Baron of"
}
