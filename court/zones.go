package court

import (
	"math"
	"strconv"
)

// Zone is a ShotTracker shot zone, 1–14; 0 is no zone. The seed numbers the
// zones but its map is missing, so StandardZones defines one from the
// three-point line, the key and the rim (docs/zones.md, and the package doc,
// draw it). Shots from a feed carry ShotTracker's own zone numbers; this
// map is for positions that have none (every tracked sample, simulated
// shots) and can be replaced with any ZoneMap.
type Zone uint8

// The zones of StandardZones. "Left" and "right" are as drawn on a shot
// chart (hoop at the bottom): left is −hx in the hoop frame, which is the
// shooter's right when facing the basket.
const (
	ZoneNone Zone = iota
	ZoneAtRim
	ZonePaintLeft
	ZonePaintRight
	ZoneMidLeftBaseline
	ZoneMidLeftWing
	ZoneMidTop
	ZoneMidRightWing
	ZoneMidRightBaseline
	ZoneThreeLeftCorner
	ZoneThreeLeftWing
	ZoneThreeTop
	ZoneThreeRightWing
	ZoneThreeRightCorner
	ZoneBackcourt

	NumZones = 14
)

var zoneNames = [...]string{
	"none", "at-rim", "paint-left", "paint-right",
	"mid-left-baseline", "mid-left-wing", "mid-top", "mid-right-wing", "mid-right-baseline",
	"three-left-corner", "three-left-wing", "three-top", "three-right-wing", "three-right-corner",
	"backcourt",
}

// String returns the zone's name, e.g. "three-left-corner".
func (z Zone) String() string {
	if int(z) < len(zoneNames) {
		return zoneNames[z]
	}
	return "zone(" + strconv.Itoa(int(z)) + ")"
}

// IsThree reports whether the zone lies beyond the three-point line in
// StandardZones.
func (z Zone) IsThree() bool { return z >= ZoneThreeLeftCorner && z <= ZoneBackcourt }

// ZoneMap classifies a position given in the hoop frame of a template
// (metres; +hy from the hoop toward center court, +hx to the chart's right)
// into a zone.
type ZoneMap interface {
	Zone(t Template, hx_m, hy_m float64) Zone
}

// ZoneFunc adapts a function to a ZoneMap.
type ZoneFunc func(t Template, hx_m, hy_m float64) Zone

// Zone calls f.
func (f ZoneFunc) Zone(t Template, hx_m, hy_m float64) Zone { return f(t, hx_m, hy_m) }

// Angles of StandardZones, measured at the hoop from +hy (straight toward
// center court), positive toward +hx: |α| ≤ TopAngle_deg is "top",
// |α| > BaselineAngle_deg is "baseline" (for two-point shots; three-point
// corners are the corner segments of the line). 22.5° and 67.5° split the
// half plane in front of the hoop into a 45° top, two 45° wings and two
// 22.5°-plus baselines; on an NBA court the corner three begins at 67.9°.
const (
	TopAngle_deg      = 22.5
	BaselineAngle_deg = 67.5
)

// AtRimRadius_m returns the radius of zone 1: the restricted-area radius,
// or 4 ft (1.219 m) on a template without a restricted area.
func (t Template) AtRimRadius_m() float64 {
	if t.RestrictedRadius_m > 0 {
		return t.RestrictedRadius_m
	}
	return 1.2192
}

// StandardZones is stmotion's zone map. In order of precedence, for a point
// at floor distance r and angle α (see TopAngle_deg) from the hoop:
//
//	14 backcourt            hy > H (past the half-court line; only for shots)
//	 1 at-rim               r ≤ AtRimRadius_m
//	 2, 3 paint left/right  in the key, by the sign of hx
//	 4–8 mid-range          two-point: baseline |α| > 67.5°, wing, top |α| ≤ 22.5°
//	 9, 13 corner three     three-point and |hx| > c, hy ≤ ThreeBreak_m
//	10–12 three             three-point: wing, top |α| ≤ 22.5°
var StandardZones ZoneMap = ZoneFunc(standardZone)

func standardZone(t Template, hx, hy float64) Zone {
	if hy > t.Length_m/2-t.HoopFromBaseline_m {
		return ZoneBackcourt
	}
	r := math.Hypot(hx, hy)
	if r <= t.AtRimRadius_m() {
		return ZoneAtRim
	}
	left := hx < 0
	pick := func(l, rt Zone) Zone {
		if left {
			return l
		}
		return rt
	}
	a := math.Abs(math.Atan2(hx, hy)) * 180 / math.Pi
	if t.IsThreeFromHoop(hx, hy) {
		switch {
		case math.Abs(hx) > t.ThreePointCorner_m && hy <= t.ThreeBreak_m():
			return pick(ZoneThreeLeftCorner, ZoneThreeRightCorner)
		case a <= TopAngle_deg:
			return ZoneThreeTop
		default:
			return pick(ZoneThreeLeftWing, ZoneThreeRightWing)
		}
	}
	if t.InPaintFromHoop(hx, hy) {
		return pick(ZonePaintLeft, ZonePaintRight)
	}
	switch {
	case a <= TopAngle_deg:
		return ZoneMidTop
	case a > BaselineAngle_deg:
		return pick(ZoneMidLeftBaseline, ZoneMidRightBaseline)
	default:
		return pick(ZoneMidLeftWing, ZoneMidRightWing)
	}
}

// ZoneAt classifies court position (x_m, y_m) relative to the nearest hoop
// with zm (StandardZones when nil) and returns the zone and that hoop's end.
// ZoneBackcourt cannot occur here: the nearest hoop is always in the same
// half.
func (t Template) ZoneAt(zm ZoneMap, x_m, y_m float64) (Zone, int) {
	if zm == nil {
		zm = StandardZones
	}
	end := t.Half(x_m)
	hx, hy := t.ToHoopFrame(end, x_m, y_m)
	return zm.Zone(t, hx, hy), end
}

// ShotZone classifies a shot by its hoop_player_x/y (mm) with zm
// (StandardZones when nil).
func (t Template) ShotZone(zm ZoneMap, hoopPlayerX_mm, hoopPlayerY_mm float64) Zone {
	if zm == nil {
		zm = StandardZones
	}
	return zm.Zone(t, hoopPlayerX_mm/1000, hoopPlayerY_mm/1000)
}
