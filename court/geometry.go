package court

import (
	"math"

	"github.com/stmotion/stmotion/geom"
)

// Court geometry in the canonical frame (metres, origin at center court, +x
// east, +y north) and in the hoop frame that shots use.
//
// The hoop frame of the hoop at end e (East = +1, West = −1, hoop at
// (e·H, 0) with H = Length_m/2 − HoopFromBaseline_m) is the view of a
// standard half-court shot chart: the hoop at the bottom, the viewer behind
// the baseline looking toward center court. Its +y runs from the hoop toward
// center court and its +x to the right of that viewer (the right hand of
// someone standing under the hoop facing the court). It is a proper
// rotation of the court frame, no mirror:
//
//	hx = e·y,      hy = H − e·x        (court → hoop frame)
//	x  = e·(H − hy), y = e·hx          (hoop frame → court)
//
// So at the east hoop +hx points north, at the west hoop south. A shot's
// hoop_player_x/hoop_player_y are hx, hy in mm.

// Hoop returns the centre of the rim at end (East or West): (±H, 0,
// RimHeight_m).
func (t Template) Hoop(end int) geom.Vec3 {
	return geom.Vec3{X: t.HoopX_m(end), Z: t.RimHeight_m}
}

// Half returns the end (East or West) whose half of the court holds x_m:
// East for x_m ≥ 0. That end's hoop is the nearest one, and the basket a
// player there attacks or defends.
func (t Template) Half(x_m float64) int {
	if x_m < 0 {
		return West
	}
	return East
}

// InBounds reports whether (x_m, y_m) lies on the court grown by margin_m
// on every side (a negative margin shrinks it): |x| ≤ L/2 + margin and
// |y| ≤ W/2 + margin.
func (t Template) InBounds(x_m, y_m, margin_m float64) bool {
	return math.Abs(x_m) <= t.Length_m/2+margin_m && math.Abs(y_m) <= t.Width_m/2+margin_m
}

// DistanceToHoop returns the floor distance from (x_m, y_m) to the point
// under the rim centre at end: √((x − e·H)² + y²).
func (t Template) DistanceToHoop(x_m, y_m float64, end int) float64 {
	return math.Hypot(x_m-t.HoopX_m(end), y_m)
}

// ToHoopFrame maps a court position into the hoop frame of end (see the
// formulas above).
func (t Template) ToHoopFrame(end int, x_m, y_m float64) (hx_m, hy_m float64) {
	e := sign(end)
	h := t.Length_m/2 - t.HoopFromBaseline_m
	return e * y_m, h - e*x_m
}

// FromHoopFrame maps a hoop-frame position of end back into the court frame.
func (t Template) FromHoopFrame(end int, hx_m, hy_m float64) (x_m, y_m float64) {
	e := sign(end)
	h := t.Length_m/2 - t.HoopFromBaseline_m
	return e * (h - hy_m), e * hx_m
}

// ShotToCourt maps a shot's hoop_player_x/y (mm, hoop frame of end) to a
// court position in metres.
func (t Template) ShotToCourt(end int, hoopPlayerX_mm, hoopPlayerY_mm float64) (x_m, y_m float64) {
	return t.FromHoopFrame(end, hoopPlayerX_mm/1000, hoopPlayerY_mm/1000)
}

// CourtToShot maps a court position to the hoop_player_x/y (mm) a shot from
// there at end's hoop would carry.
func (t Template) CourtToShot(end int, x_m, y_m float64) (hoopPlayerX_mm, hoopPlayerY_mm float64) {
	hx, hy := t.ToHoopFrame(end, x_m, y_m)
	return hx * 1000, hy * 1000
}

// ThreeBreak_m returns how far toward center court from the hoop the
// straight corner segments of the three-point line run before the arc
// starts: √(R² − c²) (0 when the line is all arc, as on a high-school court).
func (t Template) ThreeBreak_m() float64 {
	r, c := t.ThreePointRadius_m, t.ThreePointCorner_m
	return math.Sqrt(math.Max(r*r-c*c, 0))
}

// IsThreeFromHoop reports whether a shot from hoop-frame (hx_m, hy_m) is
// worth three: outside the line made of the corner segments |hx| = c for
// hy ≤ ThreeBreak_m and the arc of radius R beyond. A foot on the line is
// two points, so the line itself is inside.
func (t Template) IsThreeFromHoop(hx_m, hy_m float64) bool {
	c, r := t.ThreePointCorner_m, t.ThreePointRadius_m
	inside := math.Abs(hx_m) <= c && (hy_m <= t.ThreeBreak_m() || hx_m*hx_m+hy_m*hy_m <= r*r)
	return !inside
}

// IsThree reports whether a shot from court position (x_m, y_m) at the
// nearest hoop is worth three.
func (t Template) IsThree(x_m, y_m float64) bool {
	return t.IsThreeFromHoop(t.ToHoopFrame(t.Half(x_m), x_m, y_m))
}

// InRestrictedAreaFromHoop reports whether hoop-frame (hx_m, hy_m) is in the
// restricted area: the half disc of RestrictedRadius_m in front of the rim
// centre (hy ≥ 0) and the strip |hx| ≤ radius back to the backboard face.
// Always false on a template without one (RestrictedRadius_m == 0).
func (t Template) InRestrictedAreaFromHoop(hx_m, hy_m float64) bool {
	r := t.RestrictedRadius_m
	if r <= 0 {
		return false
	}
	if hy_m >= 0 {
		return hx_m*hx_m+hy_m*hy_m <= r*r
	}
	board := t.BackboardFromBaseline_m - t.HoopFromBaseline_m // ≤ 0
	return hy_m >= board && math.Abs(hx_m) <= r
}

// InRestrictedArea reports whether (x_m, y_m) is in the restricted area of
// the nearest hoop.
func (t Template) InRestrictedArea(x_m, y_m float64) bool {
	return t.InRestrictedAreaFromHoop(t.ToHoopFrame(t.Half(x_m), x_m, y_m))
}

// InPaintFromHoop reports whether hoop-frame (hx_m, hy_m) is in the key:
// |hx| ≤ KeyWidth_m/2, from the baseline (hy = −HoopFromBaseline_m) to the
// free-throw line (hy = FreeThrowLine_m − HoopFromBaseline_m).
func (t Template) InPaintFromHoop(hx_m, hy_m float64) bool {
	return math.Abs(hx_m) <= t.KeyWidth_m/2 && hy_m >= -t.HoopFromBaseline_m && hy_m <= t.FreeThrowLine_m-t.HoopFromBaseline_m
}

// InPaint reports whether (x_m, y_m) is in the key of the nearest hoop.
func (t Template) InPaint(x_m, y_m float64) bool {
	return t.InPaintFromHoop(t.ToHoopFrame(t.Half(x_m), x_m, y_m))
}

func sign(end int) float64 {
	if end < 0 {
		return -1
	}
	return 1
}
