package maptest_test

import (
	"testing"

	"tankarena/game"
	"tankarena/internal/maptest"
)

// A test builds its world on the map players get.
func ExampleShipped() {
	var t *testing.T // the *testing.T of your test
	w, err := game.NewWorld(game.DefaultConfig(), maptest.Shipped(t, "arena"), 1)
	if err != nil {
		t.Fatal(err)
	}
	w.SetBotFill(4, game.BotNormal)
}
