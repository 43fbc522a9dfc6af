// Package assets holds the game's data files, embedded into the binary.
package assets

import "embed"

// Maps holds the arena maps (maps/*.txt); the format is described in maps/README.md.
//
//go:embed maps/*.txt
var Maps embed.FS
