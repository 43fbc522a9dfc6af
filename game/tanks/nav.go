package tanks

// navScratch is reusable breadth-first-search memory for bot path finding, sized to the map
// once so planning a path never allocates.
type navScratch struct {
	from  []int32 // per tile: the tile we reached it from, -1 unvisited
	queue []int32
}

func (n *navScratch) init(m *Map) {
	n.from = resize(n.from, m.Cols*m.Rows)
	n.queue = resize(n.queue, m.Cols*m.Rows)[:0]
}

// nextWaypoint returns the centre of the next tile on the shortest 4-connected floor path from
// (x,y) to (tx,ty), or the target itself when there is no path or both share a tile. The search
// runs from the target outwards and stops once it reaches the bot's tile.
func (n *navScratch) nextWaypoint(m *Map, x, y, tx, ty float64) Point {
	cols := m.Cols
	start := tileIndex(m, x, y)
	goal := tileIndex(m, tx, ty)
	if start < 0 || goal < 0 || start == goal {
		return Point{tx, ty}
	}
	for i := range n.from {
		n.from[i] = -1
	}
	n.queue = append(n.queue[:0], goal)
	n.from[goal] = goal
	for head := 0; head < len(n.queue); head++ {
		cur := n.queue[head]
		if cur == start {
			next := n.from[start]
			return Point{(float64(int(next)%cols) + 0.5) * m.TileSize, (float64(int(next)/cols) + 0.5) * m.TileSize}
		}
		c, r := int(cur)%cols, int(cur)/cols
		for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			nc, nr := c+d[0], r+d[1]
			if m.tileSolid(nc, nr) {
				continue
			}
			ni := int32(nr*cols + nc)
			if n.from[ni] < 0 {
				n.from[ni] = cur
				n.queue = append(n.queue, ni)
			}
		}
	}
	return Point{tx, ty}
}

// tileIndex returns the tile index under x,y, or -1 outside the map.
func tileIndex(m *Map, x, y float64) int32 {
	if !(x >= 0 && y >= 0 && x < m.Width && y < m.Height) {
		return -1
	}
	return int32(int(y/m.TileSize)*m.Cols + int(x/m.TileSize))
}

// resize returns s with length n, reusing its memory when it is large enough (a map switch
// between rounds).
func resize(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
