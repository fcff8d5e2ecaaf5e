package geom_test

import (
	"fmt"
	"math"

	"github.com/stmotion/stmotion/geom"
)

// Fit the transform that carries a rectangle's corners onto measured ones
// and apply it to a batch of points.
func ExampleFitRigid2() {
	court := []geom.Vec2{{14, 7}, {14, -7}, {-14, -7}, {-14, 7}}
	truth := geom.NewSimilarity2(1, 30*math.Pi/180, geom.Vec2{X: 3, Y: -9})
	measured := make([]geom.Vec2, len(court))
	for i, p := range court {
		measured[i] = truth.Apply(p)
	}
	m, rms, err := geom.FitRigid2(measured, court)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("angle %.1f°, shift (%.1f, %.1f), rms %.3f\n", m.Angle_rad()*180/math.Pi, m.T.X, m.T.Y, rms)

	// Mirrored corners are detected.
	mirrored := []geom.Vec2{measured[3], measured[2], measured[1], measured[0]}
	_, _, err = geom.FitRigid2(mirrored, court)
	fmt.Println(err != nil)
	// Output:
	// angle 30.0°, shift (3.0, -9.0), rms 0.000
	// true
}

func ExampleSimilarity2_ApplySlices() {
	toM := geom.NewSimilarity2(0.001, math.Pi/2, geom.Vec2{}) // mm → m, turned 90°
	x := []float64{1000, 0}
	y := []float64{0, 2000}
	dx, dy := make([]float64, 2), make([]float64, 2)
	toM.ApplySlices(dx, dy, x, y)
	fmt.Printf("(%.1f, %.1f) (%.1f, %.1f)\n", dx[0], dy[0], dx[1], dy[1])
	back := toM.Inverse().Apply(geom.Vec2{X: dx[1], Y: dy[1]})
	fmt.Printf("(%.0f, %.0f)\n", back.X, back.Y)
	// Output:
	// (0.0, 1.0) (-2.0, 0.0)
	// (0, 2000)
}

func ExampleGrid() {
	g := geom.NewGrid(-14.325, -7.62, 14.325, 7.62, 1) // a 1 m heatmap over an NBA court
	ix, iy, ok := g.Cell(0.4, -0.2)
	x, y := g.Center(ix, iy)
	fmt.Println(g.NX, g.NY, ix, iy, ok, g.Index(ix, iy))
	fmt.Printf("centre (%.3f, %.3f)\n", x, y)
	// Output:
	// 29 16 14 7 true 217
	// centre (0.175, -0.120)
}
