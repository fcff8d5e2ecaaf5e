package court

import (
	"math"

	"github.com/stmotion/stmotion/geom"
)

// ShapeKind tells which fields of a Shape are set.
type ShapeKind uint8

const (
	Line   ShapeKind = iota + 1 // P0–P1
	Arc                         // C, R_m, From_rad..To_rad
	Circle                      // C, R_m
)

// Shape is one court marking in the canonical frame, metres, seen from
// above. Lines are drawn along their centre line (the renderer picks a
// width); arcs run counterclockwise from From_rad to To_rad (From_rad <
// To_rad, angles from +x, To_rad may exceed π).
type Shape struct {
	Kind             ShapeKind
	Name             string // e.g. "sideline-north", "three-point-arc-east"
	P0, P1           geom.Vec2
	C                geom.Vec2
	R_m              float64
	From_rad, To_rad float64
	Z_m              float64 // height: 0 for floor lines, rim height for rims and backboards
	Dashed           bool    // the inner half of a free-throw circle
}

// Markings returns the lines of a court of template t: sidelines,
// baselines, half-court line, centre circle and, at each end, the key, the
// free-throw circle, the three-point line, the restricted-area arc, the
// backboard and the rim. The slice is new on every call; the caller owns it.
func Markings(t Template) []Shape {
	hl, hw := t.Length_m/2, t.Width_m/2
	line := func(name string, x0, y0, x1, y1 float64) Shape {
		return Shape{Kind: Line, Name: name, P0: geom.Vec2{X: x0, Y: y0}, P1: geom.Vec2{X: x1, Y: y1}}
	}
	arc := func(name string, cx, r, from, to float64) Shape {
		return Shape{Kind: Arc, Name: name, C: geom.Vec2{X: cx}, R_m: r, From_rad: from, To_rad: to}
	}
	s := []Shape{
		line("sideline-north", -hl, hw, hl, hw),
		line("sideline-south", -hl, -hw, hl, -hw),
		line("baseline-east", hl, -hw, hl, hw),
		line("baseline-west", -hl, -hw, -hl, hw),
		line("half-court-line", 0, -hw, 0, hw),
		{Kind: Circle, Name: "center-circle", R_m: t.CenterCircleRadius_m},
	}
	for _, end := range []int{West, East} {
		e, sfx := sign(end), "-east"
		if end == West {
			sfx = "-west"
		}
		// Angles facing center court from this end: the east end faces −x
		// (π/2..3π/2), the west end +x (−π/2..π/2).
		front := func(half float64) (float64, float64) {
			if end == East {
				return math.Pi - half, math.Pi + half
			}
			return -half, half
		}
		hx := t.HoopX_m(end)
		ft := e * (hl - t.FreeThrowLine_m)
		k := t.KeyWidth_m / 2
		s = append(s,
			line("lane-north"+sfx, e*hl, k, ft, k),
			line("lane-south"+sfx, e*hl, -k, ft, -k),
			line("free-throw-line"+sfx, ft, -k, ft, k),
		)
		from, to := front(math.Pi / 2)
		s = append(s, arc("free-throw-circle"+sfx, ft, t.FreeThrowRadius_m, from, to))
		in := arc("free-throw-circle-inner"+sfx, ft, t.FreeThrowRadius_m, from+math.Pi, to+math.Pi)
		in.Dashed = true
		s = append(s, in)

		c, brk := t.ThreePointCorner_m, t.ThreeBreak_m()
		// The corner segments run from the baseline to where the arc starts
		// (to the hoop's x when the line is all arc, brk == 0).
		s = append(s,
			line("three-point-corner-north"+sfx, e*hl, c, e*(math.Abs(hx)-brk), c),
			line("three-point-corner-south"+sfx, e*hl, -c, e*(math.Abs(hx)-brk), -c),
		)
		from, to = front(math.Atan2(c, brk))
		s = append(s, arc("three-point-arc"+sfx, hx, t.ThreePointRadius_m, from, to))

		board := e * (hl - t.BackboardFromBaseline_m)
		if r := t.RestrictedRadius_m; r > 0 {
			from, to = front(math.Pi / 2)
			s = append(s,
				arc("restricted-arc"+sfx, hx, r, from, to),
				line("restricted-north"+sfx, hx, r, board, r),
				line("restricted-south"+sfx, hx, -r, board, -r),
			)
		}
		bb := line("backboard"+sfx, board, -t.BackboardWidth_m/2, board, t.BackboardWidth_m/2)
		bb.Z_m = t.RimHeight_m
		s = append(s, bb, Shape{Kind: Circle, Name: "rim" + sfx, C: geom.Vec2{X: hx}, R_m: t.RimRadius_m, Z_m: t.RimHeight_m})
	}
	return s
}
