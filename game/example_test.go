package game_test

import (
	"fmt"

	"tankarena/game"
)

// Names are cleaned before anyone sees them: trimmed, control characters removed, 16 characters at most.
func ExampleCleanName() {
	fmt.Printf("%q\n", game.CleanName("  \x1b[31mRed Baron of the Skies\x00  ", game.DefaultMaxNameLength))
	// Output: "[31mRed Baron of"
}
