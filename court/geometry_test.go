package court

import (
	"math"
	"testing"

	"github.com/stmotion/stmotion/geom"
)

func TestHoopFrame(t *testing.T) {
	h := NBA.HoopX_m(East) // 12.7248
	cases := []struct {
		end      int
		x, y     float64 // court m
		hx, hy   float64 // hoop frame m
		comment  string
		distance float64
	}{
		{East, h, 0, 0, 0, "the hoop itself", 0},
		{East, h - 1, 0, 0, 1, "1 m toward center court", 1},
		{East, h, 2, 2, 0, "north of the east hoop is its right", 2},
		{West, -h, 2, -2, 0, "north of the west hoop is its left", 2},
		{West, -h + 3, -1, 1, 3, "south of the west hoop is its right", math.Hypot(3, 1)},
		{East, 0, 0, 0, h, "center court", h},
	}
	for _, c := range cases {
		hx, hy := NBA.ToHoopFrame(c.end, c.x, c.y)
		if math.Abs(hx-c.hx) > 1e-9 || math.Abs(hy-c.hy) > 1e-9 {
			t.Errorf("%s: ToHoopFrame(%d, %v, %v) = (%v, %v) want (%v, %v)", c.comment, c.end, c.x, c.y, hx, hy, c.hx, c.hy)
		}
		x, y := NBA.FromHoopFrame(c.end, hx, hy)
		if math.Abs(x-c.x) > 1e-9 || math.Abs(y-c.y) > 1e-9 {
			t.Errorf("%s: FromHoopFrame back gives (%v, %v)", c.comment, x, y)
		}
		if d := NBA.DistanceToHoop(c.x, c.y, c.end); math.Abs(d-c.distance) > 1e-9 {
			t.Errorf("%s: distance %v want %v", c.comment, d, c.distance)
		}
		sx, sy := NBA.CourtToShot(c.end, c.x, c.y)
		if x, y := NBA.ShotToCourt(c.end, sx, sy); math.Abs(x-c.x) > 1e-9 || math.Abs(y-c.y) > 1e-9 || math.Abs(sx-c.hx*1000) > 1e-6 {
			t.Errorf("%s: shot mm (%v, %v) → (%v, %v)", c.comment, sx, sy, x, y)
		}
	}
	// The hoop frame is a proper rotation: +hx × +hy = +z.
	for _, end := range []int{East, West} {
		ox, oy := NBA.FromHoopFrame(end, 0, 0)
		ax, ay := NBA.FromHoopFrame(end, 1, 0)
		bx, by := NBA.FromHoopFrame(end, 0, 1)
		if cross := (geom.Vec2{X: ax - ox, Y: ay - oy}).Cross(geom.Vec2{X: bx - ox, Y: by - oy}); cross != 1 {
			t.Errorf("end %d: hx × hy = %v, want +1", end, cross)
		}
	}
}

func TestHalfAndBounds(t *testing.T) {
	if NBA.Half(-0.1) != West || NBA.Half(0) != East || NBA.Half(5) != East {
		t.Error("Half is wrong")
	}
	cases := []struct {
		x, y, margin float64
		want         bool
	}{
		{0, 0, 0, true},
		{14.325, 7.62, 0, true},
		{14.4, 0, 0, false},
		{14.4, 0, 0.1, true},
		{0, -7.7, 0.05, false},
		{14.0, 0, -0.5, false},
	}
	for _, c := range cases {
		if got := NBA.InBounds(c.x, c.y, c.margin); got != c.want {
			t.Errorf("InBounds(%v, %v, %v) = %v want %v", c.x, c.y, c.margin, got, c.want)
		}
	}
}

func TestThreePointAndAreas(t *testing.T) {
	type pt struct {
		tmpl         Template
		hx, hy       float64
		three, ra, p bool
		comment      string
	}
	cases := []pt{
		{NBA, 6.80, 1.0, true, false, false, "NBA corner three (22 ft = 6.706 m)"},
		{NBA, -6.60, 1.0, false, false, false, "NBA corner long two"},
		{NBA, 6.706, 2.0, false, false, false, "on the corner line is two"},
		{NBA, 0, 7.30, true, false, false, "NBA top of the key three (23.75 ft = 7.239 m)"},
		{NBA, 0, 7.20, false, false, false, "NBA top long two"},
		{NBA, 5.0, 5.0, false, false, false, "NBA wing, r = 7.07 m"},
		{NBA, 5.2, 5.2, true, false, false, "NBA wing, r = 7.35 m"},
		{NBA, 0.5, 1.0, false, true, true, "restricted area"},
		{NBA, 1.1, -0.3, false, true, true, "restricted strip beside the rim"},
		{NBA, 0.2, -0.5, false, false, true, "behind the backboard: paint, not restricted"},
		{NBA, 1.0, 1.0, false, false, true, "paint outside the restricted arc"},
		{NBA, 2.3, 3.0, false, false, true, "inside the 16 ft lane"},
		{NCAA, 2.3, 3.0, false, false, false, "outside the 12 ft lane"},
		{NCAA, 0, 6.80, true, false, false, "NCAA three (6.75 m)"},
		{HighSchool, 0, 6.10, true, false, false, "HS three (19 ft 9 in)"},
		{HighSchool, 6.10, 0, true, false, false, "HS corner"},
		{HighSchool, 0.3, 0.3, false, false, true, "HS has no restricted area"},
		{FIBA, 6.65, 0.5, true, false, false, "FIBA corner three (6.60 m)"},
		{FIBA, 1.2, 0.3, false, true, true, "FIBA restricted 1.25 m"},
	}
	for _, c := range cases {
		if got := c.tmpl.IsThreeFromHoop(c.hx, c.hy); got != c.three {
			t.Errorf("%s (%s, %v, %v): three %v want %v", c.comment, c.tmpl.Name, c.hx, c.hy, got, c.three)
		}
		if got := c.tmpl.InRestrictedAreaFromHoop(c.hx, c.hy); got != c.ra {
			t.Errorf("%s (%s, %v, %v): restricted %v want %v", c.comment, c.tmpl.Name, c.hx, c.hy, got, c.ra)
		}
		if got := c.tmpl.InPaintFromHoop(c.hx, c.hy); got != c.p {
			t.Errorf("%s (%s, %v, %v): paint %v want %v", c.comment, c.tmpl.Name, c.hx, c.hy, got, c.p)
		}
		// The court-frame versions agree at both ends.
		for _, end := range []int{East, West} {
			x, y := c.tmpl.FromHoopFrame(end, c.hx, c.hy)
			if c.tmpl.IsThree(x, y) != c.three || c.tmpl.InRestrictedArea(x, y) != c.ra || c.tmpl.InPaint(x, y) != c.p {
				t.Errorf("%s: court-frame tests at end %d disagree", c.comment, end)
			}
		}
	}
}

func TestZones(t *testing.T) {
	cases := []struct {
		tmpl   Template
		hx, hy float64
		want   Zone
	}{
		{NBA, 0.685, -0.475, ZoneAtRim}, // the seed's example shot: zone 1
		{NBA, 0, 1.0, ZoneAtRim},
		{NBA, -1.5, 0.5, ZonePaintLeft},
		{NBA, 1.5, 3.5, ZonePaintRight},
		{NBA, -4.0, 0.5, ZoneMidLeftBaseline},
		{NBA, -3.5, 3.5, ZoneMidLeftWing},
		{NBA, 0.5, 5.5, ZoneMidTop}, // free-throw line extended
		{NBA, 3.5, 3.5, ZoneMidRightWing},
		{NBA, 4.0, -0.5, ZoneMidRightBaseline},
		{NBA, -7.0, 0.5, ZoneThreeLeftCorner},
		{NBA, -5.5, 5.5, ZoneThreeLeftWing},
		{NBA, 1.0, 8.0, ZoneThreeTop},
		{NBA, 5.5, 5.5, ZoneThreeRightWing},
		{NBA, 7.0, 2.0, ZoneThreeRightCorner},
		{NBA, 0, 13.5, ZoneBackcourt},     // past the half-court line (12.72 m from the hoop)
		{HighSchool, 0.8, 0.8, ZoneAtRim}, // no restricted area: 4 ft
		{HighSchool, 0.9, 0.9, ZonePaintRight},
		{HighSchool, 0, 6.1, ZoneThreeTop},
		{HighSchool, -6.1, -0.5, ZoneThreeLeftCorner}, // all arc: corners only below the hoop
		{HighSchool, -6.1, 0.2, ZoneThreeLeftWing},
	}
	for _, c := range cases {
		if got := c.tmpl.ShotZone(nil, c.hx*1000, c.hy*1000); got != c.want {
			t.Errorf("%s (%v, %v): got zone %d %v want %d %v", c.tmpl.Name, c.hx, c.hy, got, got, c.want, c.want)
		}
		if c.want == ZoneBackcourt {
			continue
		}
		for _, end := range []int{East, West} {
			x, y := c.tmpl.FromHoopFrame(end, c.hx, c.hy)
			if got, gotEnd := c.tmpl.ZoneAt(StandardZones, x, y); got != c.want || gotEnd != end {
				t.Errorf("%s court (%v, %v): got %v at %d want %v at %d", c.tmpl.Name, x, y, got, gotEnd, c.want, end)
			}
		}
	}
	// Every zone is reachable, and a three zone is exactly a three.
	seen := map[Zone]bool{}
	for hx := -7.6; hx <= 7.6; hx += 0.1 {
		for hy := -1.6; hy <= 14; hy += 0.1 {
			z := NBA.ShotZone(StandardZones, hx*1000, hy*1000)
			seen[z] = true
			if z != ZoneBackcourt && z.IsThree() != NBA.IsThreeFromHoop(hx, hy) {
				t.Fatalf("(%v, %v): zone %v but IsThree %v", hx, hy, z, NBA.IsThreeFromHoop(hx, hy))
			}
		}
	}
	if len(seen) != NumZones || seen[ZoneNone] {
		t.Errorf("zones reached: %v", seen)
	}
	// A replacement map is used as given.
	half := ZoneFunc(func(t Template, hx, hy float64) Zone {
		if hx < 0 {
			return 1
		}
		return 2
	})
	if z, _ := NBA.ZoneAt(half, 10, 1); z != 2 {
		t.Errorf("custom map: got %v", z)
	}
	if ZoneThreeTop.String() != "three-top" || Zone(20).String() != "zone(20)" {
		t.Error("zone names")
	}
}

func TestMarkings(t *testing.T) {
	for _, tmpl := range Templates() {
		m := Markings(tmpl)
		byName := map[string]Shape{}
		for _, s := range m {
			if _, dup := byName[s.Name]; dup {
				t.Errorf("%s: duplicate shape %q", tmpl.Name, s.Name)
			}
			byName[s.Name] = s
			// Everything lies on the court.
			for _, p := range []geom.Vec2{s.P0, s.P1, s.C} {
				if !tmpl.InBounds(p.X, p.Y, 1e-9) {
					t.Errorf("%s: %s point %v off the court", tmpl.Name, s.Name, p)
				}
			}
			if s.Kind == Arc && !(s.From_rad < s.To_rad) {
				t.Errorf("%s: %s arc runs %v..%v", tmpl.Name, s.Name, s.From_rad, s.To_rad)
			}
		}
		wantRA := tmpl.RestrictedRadius_m > 0
		if _, ok := byName["restricted-arc-east"]; ok != wantRA {
			t.Errorf("%s: restricted arc present %v want %v", tmpl.Name, ok, wantRA)
		}
		// The three-point arc meets its corner segments, and its middle
		// faces center court at R from the hoop.
		for _, sfx := range []string{"-east", "-west"} {
			arc := byName["three-point-arc"+sfx]
			at := func(a float64) geom.Vec2 { return arc.C.Add(geom.Vec2{X: arc.R_m}.Rotate(a)) }
			ends := []geom.Vec2{at(arc.From_rad), at(arc.To_rad)}
			// East arcs run from north (π−β) to south, west ones from south (−β).
			corners := []geom.Vec2{byName["three-point-corner-north"+sfx].P1, byName["three-point-corner-south"+sfx].P1}
			if sfx == "-west" {
				corners[0], corners[1] = corners[1], corners[0]
			}
			for i := range ends {
				if ends[i].Dist(corners[i]) > 1e-9 {
					t.Errorf("%s%s: arc end %v, corner segment ends at %v", tmpl.Name, sfx, ends[i], corners[i])
				}
			}
			mid := at((arc.From_rad + arc.To_rad) / 2)
			if math.Abs(math.Abs(mid.X)-(math.Abs(arc.C.X)-tmpl.ThreePointRadius_m)) > 1e-9 || math.Abs(mid.Y) > 1e-9 {
				t.Errorf("%s%s: arc middle at %v", tmpl.Name, sfx, mid)
			}
			rim := byName["rim"+sfx]
			if rim.Kind != Circle || rim.Z_m != tmpl.RimHeight_m || rim.C != (geom.Vec2{X: arc.C.X}) {
				t.Errorf("%s%s: rim %+v", tmpl.Name, sfx, rim)
			}
		}
	}
}

// A shot from the three-point line itself is two points (a foot on the
// line): hoop-frame positions in whole mm, as the feed's
// hoop_player_x/y are, that lie exactly on the arc (the top of the key,
// and a 3-4-5 point of the arc where the radius allows one) read two,
// and 1 mm beyond them three.
func TestThreePointArcIsTwo(t *testing.T) {
	cases := []struct {
		tmpl   Template
		hx_mm  float64
		hy_mm  float64
		beyond [2]float64 // 1 mm further out
	}{
		{NBA, 0, 7239, [2]float64{0, 7240}},
		{FIBA, 0, 6750, [2]float64{0, 6751}},
		{FIBA, 4050, 5400, [2]float64{4051, 5401}},
		{FIBA, -4050, 5400, [2]float64{-4051, 5401}},
		{HighSchool, 3612, 4816, [2]float64{3613, 4817}},
	}
	for _, c := range cases {
		if c.tmpl.IsThreeFromHoop(c.hx_mm/1000, c.hy_mm/1000) {
			t.Errorf("%s: a shot on the arc at (%v, %v) mm counts three, want two", c.tmpl.Name, c.hx_mm, c.hy_mm)
		}
		if !c.tmpl.IsThreeFromHoop(c.beyond[0]/1000, c.beyond[1]/1000) {
			t.Errorf("%s: a shot 1 mm beyond the arc at %v mm counts two, want three", c.tmpl.Name, c.beyond)
		}
	}
}
