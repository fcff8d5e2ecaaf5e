package geom

import "math"

// Grid is a regular grid of NX × NY square cells of side Cell_m whose lower
// left corner is (MinX_m, MinY_m). Cell (ix, iy) covers the half-open box
//
//	[MinX_m + ix·Cell_m, MinX_m + (ix+1)·Cell_m) × [MinY_m + iy·Cell_m, MinY_m + (iy+1)·Cell_m)
//
// and its flat index is iy·NX + ix (row-major, rows along y). A Grid is a
// value; none of its methods allocate.
type Grid struct {
	MinX_m, MinY_m, Cell_m float64
	NX, NY                 int
}

// NewGrid returns the smallest grid of cell_m cells starting at (minX_m,
// minY_m) that covers up to (maxX_m, maxY_m): NX = ⌈(maxX_m − minX_m)/cell_m⌉,
// likewise NY. It returns a zero-cell grid for an empty or invalid box.
func NewGrid(minX_m, minY_m, maxX_m, maxY_m, cell_m float64) Grid {
	g := Grid{MinX_m: minX_m, MinY_m: minY_m, Cell_m: cell_m}
	if !(cell_m > 0) || !(maxX_m > minX_m) || !(maxY_m > minY_m) {
		return g
	}
	g.NX = int(math.Ceil((maxX_m - minX_m) / cell_m))
	g.NY = int(math.Ceil((maxY_m - minY_m) / cell_m))
	return g
}

// Len returns the number of cells, NX·NY.
func (g Grid) Len() int { return g.NX * g.NY }

// Cell returns the cell that holds (x_m, y_m): ix = ⌊(x_m − MinX_m)/Cell_m⌋,
// iy likewise. ok is false for points outside the grid and for NaN.
func (g Grid) Cell(x_m, y_m float64) (ix, iy int, ok bool) {
	fx := (x_m - g.MinX_m) / g.Cell_m
	fy := (y_m - g.MinY_m) / g.Cell_m
	// The negated comparisons also reject NaN.
	if !(fx >= 0 && fx < float64(g.NX) && fy >= 0 && fy < float64(g.NY)) {
		return 0, 0, false
	}
	return int(fx), int(fy), true
}

// Center returns the centre of cell (ix, iy):
// (MinX_m + (ix + ½)·Cell_m, MinY_m + (iy + ½)·Cell_m). It does not check
// the range.
func (g Grid) Center(ix, iy int) (x_m, y_m float64) {
	return g.MinX_m + (float64(ix)+0.5)*g.Cell_m, g.MinY_m + (float64(iy)+0.5)*g.Cell_m
}

// Index returns the flat index iy·NX + ix of cell (ix, iy), or −1 when the
// cell is outside the grid.
func (g Grid) Index(ix, iy int) int {
	if ix < 0 || ix >= g.NX || iy < 0 || iy >= g.NY {
		return -1
	}
	return iy*g.NX + ix
}

// IndexOf returns the flat index of the cell that holds (x_m, y_m), or −1.
func (g Grid) IndexOf(x_m, y_m float64) int {
	ix, iy, ok := g.Cell(x_m, y_m)
	if !ok {
		return -1
	}
	return iy*g.NX + ix
}

// CellOf returns the (ix, iy) of flat index i; i must be in [0, Len()).
func (g Grid) CellOf(i int) (ix, iy int) { return i % g.NX, i / g.NX }
