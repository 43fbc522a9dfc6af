package maptest

import (
	"testing"

	"tankarena/assets"
	"tankarena/game/tanks"
)

// Shipped loads the map assets/maps/<name>.txt; a map that is missing or does not parse fails tb.
func Shipped(tb testing.TB, name string) *tanks.Map {
	tb.Helper()
	data, err := assets.Maps.ReadFile("maps/" + name + ".txt")
	if err != nil {
		tb.Fatal(err)
	}
	m, err := tanks.LoadMap(name, data)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}
