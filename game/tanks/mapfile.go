package tanks

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Map tile characters. The full legend, with an example, is in assets/maps/README.md.
const (
	tileWall  = '#'
	tileFloor = '.'
	tileSpawn = 'S'
)

// DefaultTileSize is the edge of one map tile in world units unless the map file says otherwise.
const DefaultTileSize = 32

// maxMapTiles bounds a map's edge so a hostile or mistaken file cannot exhaust memory.
const maxMapTiles = 512

// Map is an arena: a grid of wall and floor tiles plus spawn points. Its JSON form (the exported
// fields) is what the browser draws and what web/js/movement.js collides against.
type Map struct {
	Name     string  `json:"name"`
	Cols     int     `json:"cols"`
	Rows     int     `json:"rows"`
	TileSize float64 `json:"tileSize"`
	// Width and Height are the arena's size in world units (Cols*TileSize, Rows*TileSize).
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	// Walls are the wall tiles merged into as few rectangles as a greedy row scan finds.
	Walls []Rect `json:"walls"`
	// Spawns are the centres of the spawn tiles, in file order.
	Spawns []Point `json:"spawns"`

	solid  []bool  // per tile, row-major
	wallOf []int32 // per tile, index into Walls, or -1 on floor
}

// LoadMap parses a map file; name is how players and logs refer to it (usually the file name
// without extension).
func LoadMap(name string, data []byte) (*Map, error) {
	m, err := ParseMap(data)
	if err != nil {
		return nil, fmt.Errorf("map %q: %w", name, err)
	}
	m.Name = name
	return m, nil
}

// ParseMap reads the ASCII map format: lines starting with ';' are comments, an optional
// "tile N" line sets the tile size, and every other non-empty line is a row of tiles
// ('#' wall, '.' floor, 'S' spawn on floor). Rows must be equally long; at least one spawn is
// required. The area outside the grid counts as wall.
func ParseMap(data []byte) (*Map, error) {
	m := &Map{TileSize: DefaultTileSize}
	var rows []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case text == "" || strings.HasPrefix(text, ";"):
			continue
		case strings.HasPrefix(text, "tile "):
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(text, "tile ")))
			if err != nil || n < 4 || n > 1024 {
				return nil, fmt.Errorf("line %d: tile size must be an integer in 4..1024", line)
			}
			m.TileSize = float64(n)
			continue
		}
		if len(rows) > 0 && len(text) != len(rows[0]) {
			return nil, fmt.Errorf("line %d: row is %d tiles wide, first row is %d", line, len(text), len(rows[0]))
		}
		for i := 0; i < len(text); i++ {
			if c := text[i]; c != tileWall && c != tileFloor && c != tileSpawn {
				return nil, fmt.Errorf("line %d column %d: unknown tile %q", line, i+1, c)
			}
		}
		rows = append(rows, text)
		if len(rows) > maxMapTiles || len(text) > maxMapTiles {
			return nil, fmt.Errorf("line %d: map larger than %dx%d tiles", line, maxMapTiles, maxMapTiles)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read map: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("map has no tile rows")
	}
	m.Cols, m.Rows = len(rows[0]), len(rows)
	m.Width, m.Height = float64(m.Cols)*m.TileSize, float64(m.Rows)*m.TileSize
	m.solid = make([]bool, m.Cols*m.Rows)
	for r, row := range rows {
		for c := 0; c < len(row); c++ {
			m.solid[r*m.Cols+c] = row[c] == tileWall
			if row[c] == tileSpawn {
				m.Spawns = append(m.Spawns, Point{(float64(c) + 0.5) * m.TileSize, (float64(r) + 0.5) * m.TileSize})
			}
		}
	}
	if len(m.Spawns) == 0 {
		return nil, fmt.Errorf("map has no spawn tile %q", tileSpawn)
	}
	m.mergeWalls()
	return m, nil
}

// mergeWalls covers the wall tiles with rectangles: each uncovered wall tile starts a run that
// extends right as far as possible, then the run grows down while the whole row below is wall.
// Fewer rectangles mean less to draw and, in the browser, less to collide against.
func (m *Map) mergeWalls() {
	m.wallOf = make([]int32, len(m.solid))
	for i := range m.wallOf {
		m.wallOf[i] = -1
	}
	free := func(c, r int) bool { i := r*m.Cols + c; return m.solid[i] && m.wallOf[i] < 0 }
	for r := 0; r < m.Rows; r++ {
		for c := 0; c < m.Cols; c++ {
			if !free(c, r) {
				continue
			}
			w := 1
			for c+w < m.Cols && free(c+w, r) {
				w++
			}
			h := 1
		grow:
			for r+h < m.Rows {
				for x := c; x < c+w; x++ {
					if !free(x, r+h) {
						break grow
					}
				}
				h++
			}
			idx := int32(len(m.Walls))
			for y := r; y < r+h; y++ {
				for x := c; x < c+w; x++ {
					m.wallOf[y*m.Cols+x] = idx
				}
			}
			ts := m.TileSize
			m.Walls = append(m.Walls, Rect{float64(c) * ts, float64(r) * ts, float64(w) * ts, float64(h) * ts})
		}
	}
}

// SolidAt reports whether the world position x,y is inside a wall; outside the grid is solid.
func (m *Map) SolidAt(x, y float64) bool {
	if !(x >= 0 && y >= 0 && x < m.Width && y < m.Height) {
		return true
	}
	return m.solid[int(y/m.TileSize)*m.Cols+int(x/m.TileSize)]
}

// tileSolid reports whether tile c,r is a wall; outside the grid is solid.
func (m *Map) tileSolid(c, r int) bool {
	if c < 0 || r < 0 || c >= m.Cols || r >= m.Rows {
		return true
	}
	return m.solid[r*m.Cols+c]
}
