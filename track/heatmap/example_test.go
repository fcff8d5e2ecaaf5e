package heatmap_test

import (
	"fmt"

	"github.com/stmotion/stmotion/track/heatmap"
)

// A player stands 2 s near the east hoop and 1 s at center court, sampled
// at 10 Hz; 1 m cells.
func Example() {
	a := heatmap.New(heatmap.Options{Cell_m: 1})
	for i := range 30 {
		x := 12.5
		if i >= 20 {
			x = 0.2
		}
		a.AddPlayer(23, 1, 1, x, 0.3, 0.1, true)
	}
	for _, c := range a.Cells(nil) {
		fmt.Printf("%s %d cell (%d,%d) at (%.1f, %.1f) m: %.1f s\n", c.Scope, c.ID, c.IX, c.IY, c.X_m, c.Y_m, c.Seconds)
	}
	// Output:
	// player 23 cell (16,9) at (0.5, 0.5) m: 1.0 s
	// player 23 cell (28,9) at (12.5, 0.5) m: 2.0 s
	// team 1 cell (16,9) at (0.5, 0.5) m: 1.0 s
	// team 1 cell (28,9) at (12.5, 0.5) m: 2.0 s
}

// EachGrid reads every map without copying it: here the seconds each map
// holds inside the grid and outside it. The grid passed to the function is
// reused for the next one.
func ExampleAccumulator_EachGrid() {
	a := heatmap.New(heatmap.Options{})
	a.AddPlayer(23, 1, 1, 3.2, -1.1, 2, true)
	a.AddPlayer(24, 1, 1, 40, 0, 0.5, true) // outside the grid
	a.AddBall(99, 0, 1, 3.4, -1, 1.5, true)
	a.EachGrid(func(g *heatmap.Grid) {
		fmt.Printf("%s %d: %.1f s in %d cells, %.1f s outside\n", g.Scope, g.ID, g.Sum(), g.NonEmpty(), g.Out_s)
	})
	// Output:
	// player 23: 2.0 s in 1 cells, 0.0 s outside
	// player 24: 0.0 s in 0 cells, 0.5 s outside
	// team 1: 2.0 s in 1 cells, 0.5 s outside
	// ball 99: 1.5 s in 1 cells, 0.0 s outside
}
