package chart

import (
	"math"

	"github.com/stmotion/stmotion/court"
)

// pt is a point in metres (canonical frame) or pixels, by context.
type pt struct{ x, y float64 }

// markings returns the court's lines as polylines in metres (canonical
// frame): boundary, center line and circle, and at each end the lane, the
// free-throw circle, the three-point line, the restricted-area arc, the
// backboard and the rim. Arcs are polylines of ~5 cm chords.
//
// TODO(court): replace with court.Markings once package court provides it.
func markings(t court.Template) [][]pt {
	L2, W2 := t.Length_m/2, t.Width_m/2
	var out [][]pt
	out = append(out,
		[]pt{{-L2, -W2}, {L2, -W2}, {L2, W2}, {-L2, W2}, {-L2, -W2}},
		[]pt{{0, -W2}, {0, W2}},
		arc(pt{0, 0}, t.CenterCircleRadius_m, 0, 2*math.Pi),
	)
	for _, s := range []float64{-1, 1} {
		base := s * L2
		hoop := pt{t.HoopX_m(int(s)), 0}
		ft := base - s*t.FreeThrowLine_m
		k := t.KeyWidth_m / 2
		out = append(out,
			[]pt{{base, -k}, {ft, -k}, {ft, k}, {base, k}},
			arc(pt{ft, 0}, t.FreeThrowRadius_m, 0, 2*math.Pi),
			// Backboard: 1.83 m wide, 1.22 m in from the baseline.
			[]pt{{base - s*1.22, -0.915}, {base - s*1.22, 0.915}},
			arc(hoop, t.RimRadius_m, 0, 2*math.Pi),
		)
		// Three-point line: straight from the baseline at ±corner until it
		// meets the arc around the hoop.
		R, C := t.ThreePointRadius_m, t.ThreePointCorner_m
		if C > R {
			C = R
		}
		phi := math.Asin(C / R)
		mid := math.Pi // the arc faces center court
		if s < 0 {
			mid = 0
		}
		a := arc(hoop, R, mid-phi, mid+phi)
		line := append([]pt{{base, a[0].y}}, a...)
		line = append(line, pt{base, a[len(a)-1].y})
		out = append(out, line)
		if t.RestrictedRadius_m > 0 {
			out = append(out, arc(hoop, t.RestrictedRadius_m, mid-math.Pi/2, mid+math.Pi/2))
		}
	}
	return out
}

// arc returns points on the circle of radius r around c from angle a0 to
// a1 (radians, counter-clockwise).
func arc(c pt, r, a0, a1 float64) []pt {
	n := int(math.Ceil(math.Abs(a1-a0) * r / 0.05))
	if n < 8 {
		n = 8
	}
	out := make([]pt, n+1)
	for i := range out {
		a := a0 + (a1-a0)*float64(i)/float64(n)
		out[i] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	return out
}
