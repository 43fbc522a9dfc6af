package tanks

import "math"

// tankGrid buckets living tanks by position so shells and tank pairs only test nearby tanks.
// It is rebuilt from scratch when needed (linked lists in flat arrays: no allocation per step).
type tankGrid struct {
	cell       float64
	cols, rows int
	head       []int32 // per cell, first tank index or -1
	next       []int32 // per tank, next tank index in the same cell or -1
}

// init sizes the grid for map m with cells at least minCell wide, so one query touches few cells.
func (g *tankGrid) init(m *Map, minCell float64) {
	g.cell = math.Max(minCell, 64)
	g.cols = int(math.Ceil(m.Width/g.cell)) + 1
	g.rows = int(math.Ceil(m.Height/g.cell)) + 1
	g.head = resize(g.head, g.cols*g.rows)
}

func (g *tankGrid) cellOf(x, y float64) (int, int) {
	c := int(x / g.cell)
	r := int(y / g.cell)
	return min(max(c, 0), g.cols-1), min(max(r, 0), g.rows-1)
}

// build indexes every living tank.
func (g *tankGrid) build(tanks []tank) {
	for i := range g.head {
		g.head[i] = -1
	}
	if cap(g.next) < len(tanks) {
		g.next = make([]int32, len(tanks), cap(tanks))
	}
	g.next = g.next[:len(tanks)]
	for i := range tanks {
		if !tanks[i].alive {
			continue
		}
		c, r := g.cellOf(tanks[i].X, tanks[i].Y)
		g.next[i] = g.head[r*g.cols+c]
		g.head[r*g.cols+c] = int32(i)
	}
}

// visit calls fn with the index of every indexed tank whose cell overlaps the box x0,y0-x1,y1.
func (g *tankGrid) visit(x0, y0, x1, y1 float64, fn func(i int32)) {
	c0, r0 := g.cellOf(x0, y0)
	c1, r1 := g.cellOf(x1, y1)
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			for i := g.head[r*g.cols+c]; i >= 0; i = g.next[i] {
				fn(i)
			}
		}
	}
}
