package synth

import (
	"math"

	"github.com/stmotion/stmotion/court"
)

// zoneRuleDoc documents shotZone; it is repeated in truth.json.
const zoneRuleDoc = "zone 1-14 from the shooter's position relative to the attacked hoop (hoop_player_x/y, metres, d = distance to the rim centre, " +
	"a = atan2(x, y) in degrees, 0 toward center court, +90 along +x): " +
	"1 restricted area (d < 1.22 m); 2 rest of the key (|x| ≤ key width/2 and y ≤ free-throw line); " +
	"two-point elsewhere by angle: 3 a < -54, 4 -54 ≤ a < -18, 5 -18 ≤ a ≤ 18, 6 18 < a ≤ 54, 7 a > 54; " +
	"three-point (template arc and corner lines): 8 corner x < 0, 9 wing x < 0 (a < -18), 10 top (|a| ≤ 18), 11 wing x > 0, 12 corner x > 0, " +
	"13 deep (d > arc radius + 2.5 m, own half), 14 beyond the half-court line. " +
	"Corners are the straight part of the line: |x| ≥ corner distance and y below where the corner line meets the arc."

// hoopFrame holds what is needed to place a shot relative to a hoop.
type hoopFrame struct {
	t court.Template
}

// is3 reports whether a shot from (x, y) (hoop frame, metres) is worth three.
func (h hoopFrame) is3(x, y float64) bool {
	R, C := h.t.ThreePointRadius_m, h.t.ThreePointCorner_m
	yb := math.Sqrt(math.Max(R*R-C*C, 0)) // where the corner line meets the arc
	if y <= yb {
		return math.Abs(x) >= C
	}
	return math.Hypot(x, y) >= R
}

// zone is the shot zone by the rule in zoneRuleDoc.
func (h hoopFrame) zone(x, y float64) int {
	d := math.Hypot(x, y)
	a := math.Atan2(x, y) * 180 / math.Pi
	ftY := h.t.FreeThrowLine_m - h.t.HoopFromBaseline_m
	if y > h.t.Length_m/2-h.t.HoopFromBaseline_m {
		return 14
	}
	if !h.is3(x, y) {
		switch {
		case d < 1.22:
			return 1
		case math.Abs(x) <= h.t.KeyWidth_m/2 && y <= ftY:
			return 2
		case a < -54:
			return 3
		case a < -18:
			return 4
		case a <= 18:
			return 5
		case a <= 54:
			return 6
		}
		return 7
	}
	R, C := h.t.ThreePointRadius_m, h.t.ThreePointCorner_m
	yb := math.Sqrt(math.Max(R*R-C*C, 0))
	switch {
	case d > R+2.5:
		return 13
	case y <= yb && x < 0:
		return 8
	case y <= yb:
		return 12
	case a < -18:
		return 9
	case a <= 18:
		return 10
	}
	return 11
}
