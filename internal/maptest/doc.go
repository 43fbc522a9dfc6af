// Package maptest loads the maps the game ships (assets/maps) for tests outside package tanks
// that need a real world to play in: arena tests and the soak test run on the map players
// get, not on a toy one.
//
// Package game's own tests cannot import this package (it imports game), so they keep their
// own loader.
package maptest
