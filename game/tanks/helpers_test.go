package tanks

import (
	"testing"

	"tankarena/assets"
)

// shippedMap loads one of the maps in assets/maps.
func shippedMap(t testing.TB, name string) *Map {
	t.Helper()
	data, err := assets.Maps.ReadFile("maps/" + name + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadMap(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mustMap parses an inline test map.
func mustMap(t testing.TB, src string) *Map {
	t.Helper()
	m, err := ParseMap([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustWorld(t testing.TB, cfg Config, m *Map, seed uint64) *World {
	t.Helper()
	w, err := NewWorld(cfg, m, seed)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// tankOf returns the internal state of tank id.
func tankOf(t testing.TB, w *World, id PlayerID) *tank {
	t.Helper()
	i, ok := w.find(id)
	if !ok {
		t.Fatalf("no tank %d", id)
	}
	return &w.tanks[i]
}

// touchesWall reports whether a circle at x,y with radius r overlaps a wall or the arena edge.
func touchesWall(m *Map, x, y, r float64) bool {
	if x < r || y < r || x > m.Width-r || y > m.Height-r {
		return true
	}
	for _, w := range m.Walls {
		if segmentPointDist2(x, y, x, y, clamp(x, w.X, w.X+w.W), clamp(y, w.Y, w.Y+w.H)) < r*r {
			return true
		}
	}
	return false
}
