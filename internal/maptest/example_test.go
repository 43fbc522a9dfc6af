package maptest_test

import (
	"testing"

	"tankarena/game/tanks"
	"tankarena/internal/maptest"
)

// A test builds its world on the map players get.
func ExampleShipped() {
	var t *testing.T // the *testing.T of your test
	w, err := tanks.NewWorld(tanks.DefaultConfig(), maptest.Shipped(t, "arena"), 1)
	if err != nil {
		t.Fatal(err)
	}
	w.SetBotFill(4, tanks.BotNormal)
}
