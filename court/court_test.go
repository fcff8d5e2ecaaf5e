package court

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/geom"
)

// place returns the map court m → sensor mm that turns the court by
// theta_deg and puts center court at (tx, ty) mm, mirrored if asked.
func place(theta_deg, tx_mm, ty_mm float64, mirror bool) geom.Similarity2 {
	m := geom.NewSimilarity2(1000, theta_deg*math.Pi/180, geom.Vec2{X: tx_mm, Y: ty_mm})
	m.Reflect = mirror
	return m
}

// wire runs a body through JSON as the API would send it.
func wire(t *testing.T, b Body) *Body {
	t.Helper()
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseBody(data)
	if err != nil {
		t.Fatalf("ParseBody(%s): %v", data, err)
	}
	return got
}

func TestRoundTripRandomPlacements(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 300 {
		tmpl := Templates()[i%5]
		theta := -180 + 360*r.Float64() // all quadrants
		if i < 8 {
			theta = float64(i) * 45 // and the exact axes and diagonals
		}
		place := place(theta, r.NormFloat64()*20000, r.NormFloat64()*20000, false)
		b := wire(t, BodyFor(tmpl, place))
		c, err := New(b, Options{})
		if err != nil {
			t.Fatalf("%s at %.2f°: New(%+v): %v", tmpl.Name, theta, b, err)
		}
		if c.Custom || c.Template.Length_m != tmpl.Length_m || c.Template.Width_m != tmpl.Width_m {
			t.Fatalf("%s at %.2f°: matched %+v (custom %v)", tmpl.Name, theta, c.Matches, c.Custom)
		}
		if d := math.Remainder(c.Rotation_deg-theta, 360); math.Abs(d) > 0.01 {
			t.Fatalf("%s: rotation got %.4f want %.4f", tmpl.Name, c.Rotation_deg, theta)
		}
		if c.Residual_mm > 1 || c.HoopError_mm > 2 || len(c.Hoops) != 2 {
			t.Fatalf("%s at %.2f°: residual %.2f mm, hoop error %.2f mm, hoops %v", tmpl.Name, theta, c.Residual_mm, c.HoopError_mm, c.Hoops)
		}
		for range 20 {
			want := geom.Vec3{X: (r.Float64() - 0.5) * 32, Y: (r.Float64() - 0.5) * 18, Z: r.Float64() * 4}
			s := place.Apply(want.XY())
			x, y, z := c.ToCourt(s.X, s.Y, want.Z*1000)
			if got := (geom.Vec3{X: x, Y: y, Z: z}); got.Dist(want) > 0.001 {
				t.Fatalf("%s at %.2f°: sensor %v → court %v want %v", tmpl.Name, theta, s, got, want)
			}
			sx, sy, sz := c.ToSensor(x, y, z)
			if d := (geom.Vec3{X: sx, Y: sy, Z: sz}).Dist(geom.Vec3{X: s.X, Y: s.Y, Z: want.Z * 1000}); d > 1 {
				t.Fatalf("round trip off by %.3f mm", d)
			}
		}
	}
}

func TestMirrored(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 50 {
		theta := -180 + 360*r.Float64()
		place := place(theta, r.NormFloat64()*5000, r.NormFloat64()*5000, true)
		b := wire(t, BodyFor(NBA, place))
		_, err := New(b, Options{})
		var ce *CheckError
		if !errors.Is(err, ErrMirrored) || !errors.As(err, &ce) || ce.Check != "mirror" || !strings.Contains(err.Error(), "AllowMirrored") {
			t.Fatalf("mirrored at %.1f°: err %v", theta, err)
		}
		c, err := New(b, Options{AllowMirrored: true})
		if err != nil || !c.Mirrored {
			t.Fatalf("AllowMirrored at %.1f°: %v, %+v", theta, err, c)
		}
		want := geom.Vec2{X: 10, Y: 5}
		s := place.Apply(want)
		if x, y, _ := c.ToCourt(s.X, s.Y, 0); (geom.Vec2{X: x, Y: y}).Dist(want) > 0.001 {
			t.Fatalf("mirrored %d: got (%v, %v) want %v", i, x, y, want)
		}
	}
}

func TestCornerNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 200 {
		tmpl := Templates()[i%5]
		place := place(-180+360*r.Float64(), r.NormFloat64()*10000, r.NormFloat64()*10000, false)
		b := BodyFor(tmpl, place)
		for _, v := range []*float64{&b.XNE, &b.YNE, &b.XSE, &b.YSE, &b.XSW, &b.YSW, &b.XNW, &b.YNW} {
			*v += math.Round(r.NormFloat64() * 30) // σ = 3 cm
		}
		c, err := New(&b, Options{})
		if err != nil {
			t.Fatalf("%s with 3 cm noise: %v", tmpl.Name, err)
		}
		if c.Template.Length_m != tmpl.Length_m || c.Template.Width_m != tmpl.Width_m {
			t.Fatalf("%s with noise: matched %v", tmpl.Name, c.Matches)
		}
		// Center court and a corner land within a few cm of the truth.
		for _, want := range []geom.Vec2{{}, {X: tmpl.Length_m / 2, Y: tmpl.Width_m / 2}} {
			s := place.Apply(want)
			if x, y, _ := c.ToCourt(s.X, s.Y, 0); (geom.Vec2{X: x, Y: y}).Dist(want) > 0.10 {
				t.Fatalf("%s: %v maps to (%.3f, %.3f)", tmpl.Name, want, x, y)
			}
		}
	}
}

func TestTemplates(t *testing.T) {
	for _, tmpl := range Templates() {
		c, err := New(new(BodyFor(tmpl, place(30, 1, 2, false))), Options{Template: tmpl.Name})
		if err != nil || c.Template != tmpl {
			t.Errorf("forced %s: got %+v, %v", tmpl.Name, c, err)
		}
	}
	want := map[string][]string{"nba": {"nba", "wnba", "ncaa", "hs94"}, "hs": {"hs"}, "fiba": {"fiba"}}
	for name, matches := range want {
		tmpl, _ := TemplateByName(name)
		c, err := New(new(BodyFor(tmpl, place(-100, 0, 0, false))), Options{})
		if err != nil || c.Template.Name != name || strings.Join(c.Matches, ",") != strings.Join(matches, ",") {
			t.Errorf("%s: got template %q matches %v err %v; want %v", name, c.Template.Name, c.Matches, err, matches)
		}
	}
	// A court of no known size is Custom, with the nearest markings.
	custom := NBA
	custom.Length_m, custom.Width_m = 26.5, 14.3
	c, err := New(new(BodyFor(custom, place(10, 0, 0, false))), Options{})
	if err != nil || !c.Custom || c.Template.Name != "custom" || math.Abs(c.Template.Length_m-26.5) > 0.001 {
		t.Errorf("custom: got %+v, %v", c, err)
	}
}

func TestSensorFrame(t *testing.T) {
	c := SensorFrame()
	x, y, z := c.ToCourt(1000, -2500, 3048)
	if !c.IsSensorFrame() || x != 1 || y != -2.5 || z != 3.048 {
		t.Errorf("sensor frame: got %v %v %v", x, y, z)
	}
	if sx, sy, sz := c.ToSensor(x, y, z); sx != 1000 || sy != -2500 || sz != 3048 {
		t.Errorf("sensor frame back: got %v %v %v", sx, sy, sz)
	}
	// Without a court, things placed by the court's lines go on an NBA
	// court's; a court of its own keeps its template's.
	var none *Court
	if c.Markings().Name != NBA.Name || none.Markings().Name != NBA.Name {
		t.Errorf("sensor frame markings %q, nil court's %q, want %q", c.Markings().Name, none.Markings().Name, NBA.Name)
	}
	b := BodyFor(FIBA, place(17, 3000, -9000, false))
	fiba, err := New(&b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if fiba.Markings().Name != FIBA.Name {
		t.Errorf("FIBA court's markings %q", fiba.Markings().Name)
	}
}

// seedBody is the example of GET /court in the seed.
const seedBody = `{"xne": 0, "yne": 0, "xse": 2, "yse": 2, "xsw": 4, "ysw": 4, "xnw": 6, "ynw": 6,
  "hoops": [{"x": 0, "y": 0, "z": 13}, {"x": 10, "y": 10, "z": 23}]}`

func TestValidationFailures(t *testing.T) {
	good := func() Body { return BodyFor(NBA, place(17, 3000, -9000, false)) }
	cases := []struct {
		name  string
		body  func() Body
		opt   Options
		err   error
		check string
		words []string // the message must contain each
	}{
		{"seed example", func() Body { b, _ := ParseBody([]byte(seedBody)); return *b }, Options{}, ErrSize, "size",
			[]string{"0.005657 m long", "10–50 m", "mm"}},
		{"cm not mm", func() Body {
			b := good()
			for _, v := range []*float64{&b.XNE, &b.YNE, &b.XSE, &b.YSE, &b.XSW, &b.YSW, &b.XNW, &b.YNW} {
				*v /= 10
			}
			return b
		}, Options{}, ErrSize, "size", []string{"2.865 m long"}},
		{"labels turned 90°", func() Body {
			b := good()
			b.XNE, b.YNE, b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW = b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW, b.XNE, b.YNE
			return b
		}, Options{}, ErrAxes, "axes", []string{"baselines (28.65 m)", "sidelines (15.24 m)"}},
		{"mirrored", func() Body { return BodyFor(NBA, place(17, 3000, -9000, true)) }, Options{}, ErrMirrored, "mirror",
			[]string{"counterclockwise", "+436.6 m²", "AllowMirrored"}},
		{"north and south swapped", func() Body {
			b := good()
			b.XNE, b.YNE, b.XSE, b.YSE = b.XSE, b.YSE, b.XNE, b.YNE
			b.XNW, b.YNW, b.XSW, b.YSW = b.XSW, b.YSW, b.XNW, b.YNW
			return b
		}, Options{}, ErrMirrored, "mirror", []string{"north and south"}},
		{"not a rectangle", func() Body { b := good(); b.XNE += 600; return b }, Options{}, ErrNotRectangle, "rectangle",
			[]string{"mm RMS", "tolerance 100 mm", "worst corner"}},
		// A NaN tolerance is the default, not one every court passes.
		{"not a rectangle, NaN tolerance", func() Body { b := good(); b.XNE += 600; return b }, Options{RectangleTolerance_mm: math.NaN()},
			ErrNotRectangle, "rectangle", []string{"tolerance 100 mm"}},
		{"parallelogram", func() Body {
			b := BodyFor(NBA, place(0, 0, 0, false))
			b.YNE, b.YSE, b.YSW, b.YNW = b.YNE+300, b.YSE+300, b.YSW-300, b.YNW-300 // 1.2° off square
			return b
		}, Options{}, ErrNotRectangle, "rectangle", []string{"141 mm RMS", "diagonals ne–sw 32.737 m, nw–se 32.174 m"}},
		{"forced template", good, Options{Template: "fiba"}, ErrTemplate, "template",
			[]string{"28.65 × 15.24 m", "the fiba template (as named) is 28.00 × 15.00 m", "its size fits nba, wnba, ncaa, hs94", "off by 0.65 m"}},
		{"unknown template", good, Options{Template: "nbl"}, ErrTemplate, "", []string{`"nbl"`, "nba, wnba"}},
		{"required template", func() Body {
			c := NBA
			c.Length_m, c.Width_m = 26.5, 14.3
			return BodyFor(c, place(0, 0, 0, false))
		}, Options{RequireTemplate: true}, ErrTemplate, "template", []string{"26.50 × 14.30 m", "matches no template", "nearest is hs"}},
		// A surveyed half court was told its labels were turned 90°, and
		// relabelled as told, taken for a custom court.
		{"half court", func() Body { return BodyFor(halfOf(NBA), place(17, 3000, -9000, false)) }, Options{}, ErrHalfCourt, "half-court",
			[]string{"15.24 × 14.32 m", "half a court (NBA: 15.24 × 14.32 m)", "four corners of the whole court", "not supported"}},
		{"half court relabelled", func() Body {
			b := BodyFor(halfOf(NBA), place(17, 3000, -9000, false))
			b.XNE, b.YNE, b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW = b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW, b.XNE, b.YNE
			return b
		}, Options{}, ErrHalfCourt, "half-court", []string{"half a court (NBA"}},
		{"FIBA half court", func() Body { return BodyFor(halfOf(FIBA), place(0, 0, 0, false)) }, Options{}, ErrHalfCourt, "half-court",
			[]string{"half a court (FIBA: 15.00 × 14.00 m)"}},
		// ne and se swapped: a crossed quadrilateral, reported as a
		// "28.65 × 0.00 m rectangle".
		{"ne and se swapped", func() Body {
			b := good()
			b.XNE, b.YNE, b.XSE, b.YSE = b.XSE, b.YSE, b.XNE, b.YNE
			return b
		}, Options{}, ErrCrossed, "order", []string{"do not run round the court", "se–sw and nw–ne cross", "two labels are swapped",
			"with the labels ne and se swapped they form a valid 28.65 × 15.24 m court (nba)"}},
		{"ne and sw swapped", func() Body {
			b := good()
			b.XNE, b.YNE, b.XSW, b.YSW = b.XSW, b.YSW, b.XNE, b.YNE
			return b
		}, Options{}, ErrAxes, "axes", []string{"turned 90°", "with the labels ne and sw swapped they form a valid 28.65 × 15.24 m court (nba)"}},
		// One corner 300 mm off fails at what read "100 mm RMS (tolerance
		// 100 mm)".
		{"just beyond the rectangle tolerance", func() Body { b := BodyFor(NBA, place(0, 0, 0, false)); b.XNE += 300; return b }, Options{}, ErrNotRectangle, "rectangle",
			[]string{"100.1 mm RMS", "(tolerance 100 mm;"}},
		{"not finite", func() Body { b := good(); b.YSW = math.Inf(-1); return b }, Options{}, ErrNotFinite, "", []string{"ysw is -Inf"}},
	}
	for _, c := range cases {
		b := c.body()
		_, err := New(&b, c.opt)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: body %+v: got err %v, want %v", c.name, b, err, c.err)
			continue
		}
		var ce *CheckError
		if c.check != "" && (!errors.As(err, &ce) || ce.Check != c.check) {
			t.Errorf("%s: got %#v, want a %q CheckError", c.name, err, c.check)
		}
		if !strings.HasPrefix(err.Error(), "court: ") {
			t.Errorf("%s: message %q does not start with the package name", c.name, err)
		}
		for _, w := range c.words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: message %q lacks %q", c.name, err, w)
			}
		}
	}
	// The labels turned 90° have no swap of two to fix them.
	b := good()
	b.XNE, b.YNE, b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW = b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW, b.XNE, b.YNE
	if _, err := New(&b, Options{}); err == nil || strings.Contains(err.Error(), "swapped they form") {
		t.Errorf("labels turned 90°: %v", err)
	}
	b = good()
	b.Hoops = nil
	if c, err := New(&b, Options{}); err != nil || len(c.Hoops) != 0 || c.HoopCheck != nil || c.Warnings() != nil {
		t.Errorf("no hoops: %v", err)
	}
}

// One mistyped corner (a sign flipped, a digit dropped) can make a
// concave quadrilateral that fails the axes check with its labels as
// given and with two of them swapped: New hinted at the swap by calling
// New on it, whose hint swapped them back, without end (a fatal stack
// overflow that killed analyze and live). Such a court is a *CheckError
// like any other.
func TestMistypedCorner(t *testing.T) {
	// A stack overflow is fatal, not a failure the test can catch: keep
	// the old bug's crash quick and small.
	defer debug.SetMaxStack(debug.SetMaxStack(64 << 20))
	sportvu := Body{XNE: 25944, YNE: 13951, XSE: 30399, YSE: -623, XSW: 3000, YSW: -9000, XNW: -1456, YNW: 5574}
	for _, c := range []struct {
		name string
		body func() Body
	}{
		{"xne sign flipped", func() Body { b := sportvu; b.XNE = -b.XNE; return b }},
		{"xse digit dropped", func() Body { b := sportvu; b.XSE = 3039; return b }},
		{"fuzzer's crasher", func() Body {
			return Body{XNE: 14471, YNE: 2475, XSE: 18927, YSE: -12099, XSW: -8471, YSW: -20475, XNW: 12927, YNW: -5901}
		}},
	} {
		b := c.body()
		_, err := New(&b, Options{})
		var ce *CheckError
		if !errors.As(err, &ce) || ce.Check != "axes" || !strings.HasPrefix(err.Error(), "court: axes check failed") || !strings.Contains(err.Error(), "or a corner is wrong: opposite sides differ by") {
			t.Errorf("%s: body %+v: got %v, want an axes CheckError that says a corner may be wrong", c.name, b, err)
		}
	}
	if _, err := New(&sportvu, Options{}); err != nil {
		t.Fatalf("the unaltered court: %v", err)
	}
	// Every single-coordinate slip of the court ends, whatever the
	// options, in a court or a message.
	for k := range 8 {
		for _, f := range []func(float64) float64{
			func(v float64) float64 { return -v },
			func(v float64) float64 { return math.Trunc(v / 10) },
			func(v float64) float64 { return v * 10 },
			func(v float64) float64 { return v + 20000 },
			func(v float64) float64 { return v - 20000 },
		} {
			for _, opt := range []Options{{}, {AllowMirrored: true}, {RequireTemplate: true}, {Template: "fiba"}} {
				b := sportvu
				v := [8]*float64{&b.XNE, &b.YNE, &b.XSE, &b.YSE, &b.XSW, &b.YSW, &b.XNW, &b.YNW}[k]
				*v = f(*v)
				if _, err := New(&b, opt); err != nil && !strings.HasPrefix(err.Error(), "court: ") {
					t.Errorf("body %+v, %+v: bad message %q", b, opt, err)
				}
			}
		}
	}
}

// halfOf is t's half court as a template: t.Width_m long, t.Length_m/2
// wide (its hoop, which BodyFor lists, dropped by the caller's check).
func halfOf(t Template) Template {
	h := t
	h.Length_m, h.Width_m = t.Width_m, t.Length_m/2
	return h
}

// Hoops that fail their check failed the whole court, though they drive
// nothing (the corners place the court, the template the hoops analysis
// uses), and the message named a Go option no command has
// (Options.IgnoreHoopHeight). They are dropped, the court kept, and
// Warnings says so.
func TestHoopsDropped(t *testing.T) {
	good := func() Body { return BodyFor(NBA, place(17, 3000, -9000, false)) }
	cases := []struct {
		name  string
		body  func() Body
		opt   Options
		err   error
		check string
		words []string
	}{
		{"hoop off axis", func() Body { b := good(); b.Hoops[1].X += 800; return b }, Options{}, ErrHoop, "hoop",
			[]string{"hoops[1]", "from the east nba hoop", "tolerance 300 mm"}},
		{"two hoops at one end", func() Body { b := good(); b.Hoops[0] = b.Hoops[1]; return b }, Options{}, ErrHoop, "hoop",
			[]string{"second hoop at the east end"}},
		{"three hoops", func() Body { b := good(); b.Hoops = append(b.Hoops, b.Hoops[0]); return b }, Options{}, ErrHoop, "hoop",
			[]string{"3 hoops"}},
		{"hoop z in m", func() Body { b := good(); b.Hoops[0].Z = 3.048; return b }, Options{}, ErrHoopHeight, "hoop-height",
			[]string{"hoops[0] has z = 3 mm", "off by 3045 mm"}},
		{"hoops on the floor", func() Body { b := good(); b.Hoops[0].Z, b.Hoops[1].Z = 0, 0; return b }, Options{}, ErrHoopHeight, "hoop-height",
			[]string{"hoops[0] has z = 0 mm", "rim centre's height above the floor"}},
		{"just beyond the height tolerance", func() Body { b := good(); b.Hoops[1].Z += 150.2; return b }, Options{}, ErrHoopHeight, "hoop-height",
			[]string{"off by 150.2 mm (tolerance 150 mm)"}},
	}
	for _, c := range cases {
		b := c.body()
		ct, err := New(&b, c.opt)
		if err != nil {
			t.Errorf("%s: %v: want the court kept", c.name, err)
			continue
		}
		if ct.HoopCheck == nil || !errors.Is(ct.HoopCheck, c.err) || ct.HoopCheck.Check != c.check || ct.Hoops != nil || ct.HoopError_mm != 0 {
			t.Errorf("%s: HoopCheck %v, hoops %v, hoop error %g mm: want the hoops dropped by the %q check", c.name, ct.HoopCheck, ct.Hoops, ct.HoopError_mm, c.check)
			continue
		}
		ws := ct.Warnings()
		if len(ws) != 1 {
			t.Errorf("%s: warnings %q, want one", c.name, ws)
			continue
		}
		for _, w := range append(c.words, "court: hoop check failed, the hoops are not used", "the court is kept", `remove "hoops"`) {
			if !strings.Contains(ws[0], w) {
				t.Errorf("%s: warning %q lacks %q", c.name, ws[0], w)
			}
		}
		if strings.Contains(ws[0], "Options.") {
			t.Errorf("%s: warning %q names a Go option", c.name, ws[0])
		}
		// The same court as without its hoops.
		nb := b
		nb.Hoops = nil
		bare, err := New(&nb, c.opt)
		if err != nil || bare.SensorToCourt() != ct.SensorToCourt() || bare.Template.Name != ct.Template.Name {
			t.Errorf("%s: the court differs from the one without hoops: %v", c.name, err)
		}
	}
	// IgnoreHoopHeight keeps hoops at another height.
	b := good()
	b.Hoops[0].Z = 0
	if c, err := New(&b, Options{IgnoreHoopHeight: true}); err != nil || c.HoopCheck != nil || len(c.Hoops) != 2 {
		t.Errorf("IgnoreHoopHeight: %v", err)
	}
}

// A custom court far from every template's size (the half court
// relabelled was accepted as "Custom 15.24 × 14.32 m (High school
// markings)" without a word) is warned of; one near a template is not.
func TestCustomFarWarning(t *testing.T) {
	f := func(L, W float64, warn bool) {
		t.Helper()
		tm := NBA
		tm.Length_m, tm.Width_m = L, W
		b := BodyFor(tm, place(0, 0, 0, false))
		b.Hoops = nil
		c, err := New(&b, Options{})
		if err != nil {
			t.Fatalf("%g × %g m: %v", L, W, err)
		}
		ws := c.Warnings()
		if got := len(ws) == 1 && strings.Contains(ws[0], "custom court with") && strings.Contains(ws[0], "off the nearest template's size"); got != warn || len(ws) > 1 {
			t.Errorf("%g × %g m (custom %v, %.2f m off): warnings %q, want a custom-court warning %v", L, W, c.Custom, c.CustomOff_m, ws, warn)
		}
	}
	f(28.65, 15.24, false) // NBA
	f(29.0, 15.24, false)  // custom, 0.35 m off NBA
	f(26.0, 14.0, true)    // 1.24 m off high school
	f(20.0, 12.0, true)
}

func TestParseBody(t *testing.T) {
	b, err := ParseBody([]byte(`{"xne": 25944, "yne": 13951.5, "xse": 1, "yse": 2, "xsw": 3, "ysw": 4, "xnw": 5, "ynw": 6,
		"hoops": [{"x": 1, "y": 2, "z": 3048}], "extra": true}`))
	if err != nil || b.XNE != 25944 || b.YNE != 13951.5 || b.YNW != 6 || len(b.Hoops) != 1 || b.Hoops[0].Z != 3048 {
		t.Errorf("got %+v, %v", b, err)
	}
	// A key given twice takes its last value, as in the decode package; a
	// key in other case is another key, ignored.
	b, err = ParseBody([]byte(`{"xne": 1, "xne": 7, "XNE": 0, "yne": 0, "xse": 0, "yse": 0, "xsw": 0, "ysw": 0, "xnw": 0, "ynw": 0,
		"hoops": [{"x": 1, "y": 2, "z": 3048, "Z": 0}]}`))
	if err != nil || b.XNE != 7 || b.Hoops[0].Z != 3048 {
		t.Errorf("repeated and upper-case keys: got %+v, %v", b, err)
	}
	bad := []struct{ in, want string }{
		{`{"xne": 0}`, `no "yne"`},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0}`, `no "ynw"`},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":null}`, `"ynw" is null, want a number`},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0,"hoops":[{"x":1,"y":2}]}`, `no "hoops[0].z"`},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0,"hoops":[{"x":1,"y":2,"z":3},{"x":1,"y":"2","z":3}]}`,
			`"hoops[1].y" is a string`},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0,"hoops":{"x":1}}`, `"hoops" is an object, want an array`},
		{`{"xne":1e400,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0}`, `"xne" is a number out of range`},
		{`{"xne": "12"}`, `"xne" is a string, want a number`},
		// The wire's keys are lower case: encoding/json's case-insensitive
		// match must not take XNE for xne.
		{`{"XNE":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0}`, `no "xne"`},
		{`[1, 2]`, "a JSON array, want an object"},
		{`null`, "null, want an object"},
		{`{"xne": 1, x}`, "not JSON at offset 12"},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0} garbage`, "more after its object"},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0}]`, "more after its object"},
		{`{"xne":0,"yne":0,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0}{"xne":1}`, "more after its object"},
		{``, "empty"},
	}
	for _, c := range bad {
		_, err := ParseBody([]byte(c.in))
		if !errors.Is(err, ErrBody) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseBody(%s): got %v, want ErrBody with %q", c.in, err, c.want)
		}
	}
}

func FuzzParseBody(f *testing.F) {
	f.Add([]byte(seedBody))
	good, _ := json.Marshal(BodyFor(NBA, place(17, 3000, -9000, false)))
	f.Add(good)
	f.Add([]byte(`{"xne":1e308,"yne":-1e308,"xse":0,"yse":0,"xsw":0,"ysw":0,"xnw":0,"ynw":0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBody(data)
		if err != nil {
			if !errors.Is(err, ErrBody) {
				t.Fatalf("error %v does not wrap ErrBody", err)
			}
			return
		}
		// A parsed body either fits or says why; it never panics, and a
		// court it accepts maps its own corners onto the rectangle.
		c, err := New(b, Options{AllowMirrored: true})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "court: ") {
				t.Fatalf("bad message %q", err)
			}
			return
		}
		x, y, _ := c.ToCourt(b.XNE, b.YNE, 0)
		if math.Abs(x-c.Length_m/2) > 0.5 || math.Abs(y-c.Width_m/2) > 0.5 {
			t.Fatalf("accepted %+v but ne maps to (%v, %v) on a %v × %v court", b, x, y, c.Length_m, c.Width_m)
		}
	})
}

func TestToCourtSlices(t *testing.T) {
	c, err := New(new(BodyFor(FIBA, place(-123, 500, 700, false))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	const n = 37
	x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], z[i] = r.NormFloat64()*1e4, r.NormFloat64()*1e4, r.Float64()*3000
	}
	dx, dy, dz := make([]float64, n), make([]float64, n), make([]float64, n)
	c.ToCourtSlices(dx, dy, dz, x, y, z)
	for i := range x {
		wx, wy, wz := c.ToCourt(x[i], y[i], z[i])
		if math.Abs(dx[i]-wx) > 1e-12 || math.Abs(dy[i]-wy) > 1e-12 || dz[i] != wz {
			t.Fatalf("i=%d: got (%v,%v,%v) want (%v,%v,%v)", i, dx[i], dy[i], dz[i], wx, wy, wz)
		}
	}
	c.ToCourtSlices(dx, dy, nil, x, y, nil) // z may be skipped
	if a := testing.AllocsPerRun(100, func() { c.ToCourtSlices(dx, dy, dz, x, y, z) }); a != 0 {
		t.Errorf("ToCourtSlices allocates %v times", a)
	}
	var sink float64
	if a := testing.AllocsPerRun(100, func() { a, b, c := c.ToCourt(x[3], y[3], z[3]); sink += a + b + c }); a != 0 {
		t.Errorf("ToCourt allocates %v times", a)
	}
	for _, bad := range [][6][]float64{
		{dx[:1], dy, dz, x, y, z},
		{dx, dy, dz[:3], x, y, z},
		{dx, dy, nil, x, y, z},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("lengths %d %d %d %d %d %d did not panic", len(bad[0]), len(bad[1]), len(bad[2]), len(bad[3]), len(bad[4]), len(bad[5]))
				}
			}()
			c.ToCourtSlices(bad[0], bad[1], bad[2], bad[3], bad[4], bad[5])
		}()
	}
}

// A nil *Court is SensorFrame to every method (track.Meta.Court nil means
// the sensor frame): logging or converting through one must not panic.
func TestNilCourtIsSensorFrame(t *testing.T) {
	var c *Court
	sf := SensorFrame()
	if !c.IsSensorFrame() {
		t.Error("nil: IsSensorFrame false")
	}
	if got, want := c.String(), sf.String(); got != want {
		t.Errorf("nil: String %q, want %q", got, want)
	}
	x, y, z := c.ToCourt(1000, 2000, 3000)
	if x != 1 || y != 2 || z != 3 {
		t.Errorf("nil: ToCourt(1000, 2000, 3000 mm) = %g %g %g m, want 1 2 3", x, y, z)
	}
	if xs, ys, zs := c.ToSensor(1, 2, 3); xs != 1000 || ys != 2000 || zs != 3000 {
		t.Errorf("nil: ToSensor(1, 2, 3 m) = %g %g %g mm, want 1000 2000 3000", xs, ys, zs)
	}
	if c.SensorToCourt() != sf.SensorToCourt() || c.CourtToSensor() != sf.CourtToSensor() {
		t.Error("nil: transforms differ from SensorFrame's")
	}
	dx, dy := make([]float64, 1), make([]float64, 1)
	c.ToCourtSlices(dx, dy, nil, []float64{1000}, []float64{2000}, nil)
	if dx[0] != 1 || dy[0] != 2 {
		t.Errorf("nil: ToCourtSlices = %g %g, want 1 2", dx[0], dy[0])
	}
	if c.Markings().Name != NBA.Name {
		t.Errorf("nil: Markings %q, want NBA's", c.Markings().Name)
	}
}
