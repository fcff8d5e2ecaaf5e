package court

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/stmotion/stmotion/geom"
)

// Default validation tolerances; see Options.
const (
	DefaultRectangleTolerance_mm  = 100
	DefaultSizeTolerance_m        = 0.20
	DefaultHoopTolerance_mm       = 300
	DefaultHoopHeightTolerance_mm = 150
)

// Bounds of the size check: the longer side of any court is within
// [MinLength_m, MaxLength_m], the shorter within [MinWidth_m, MaxWidth_m].
// They catch corners given in the wrong unit (cm, m) or garbage such as the
// seed's example body, long before the rectangle and template checks.
const (
	MinLength_m, MaxLength_m = 10.0, 50.0
	MinWidth_m, MaxWidth_m   = 5.0, 30.0
)

// Options tunes New. The zero value is the documented defaults; a
// tolerance of zero or less (or NaN) is its default.
type Options struct {
	// Template forces the template by name ("nba", "ncaa", "hs94", ...:
	// TemplateByName), over the body's own "template" (Body.Template); the
	// measured size must still match it within SizeTolerance_m, else New
	// fails the "template" check (ErrTemplate). Empty: the body's, and
	// without one the template is chosen by size, NBA first among the
	// equal-sized NBA, WNBA, NCAA and 94-ft high-school courts (see
	// Court.Alternatives).
	Template string
	// RequireTemplate makes a court whose size matches no template an
	// error instead of a Custom court.
	RequireTemplate bool
	// AllowMirrored accepts corners that run counterclockwise (ne, se, sw,
	// nw seen from above), treating the sensor frame as left-handed: the
	// transform then mirrors. Default: such corners are an ErrMirrored error.
	AllowMirrored bool
	// IgnoreHoopHeight skips the rim-height check of the hoops' z, so
	// that hoops at another height (the floor) are kept (Court.Hoops).
	IgnoreHoopHeight bool

	// RectangleTolerance_mm bounds the RMS distance of the corners from the
	// best-fitting rectangle. Default 100 mm: corner noise of σ = 50 mm per
	// coordinate passes (1 in 2000 rejected, measured), a parallelogram whose
	// corners are 0.9° off square (440 mm of shear along an NBA court) fails.
	RectangleTolerance_mm float64
	// SizeTolerance_m bounds |length − template| and |width − template|.
	// Default 0.20 m: lets a court measured to the outside instead of the
	// inside of its 5 cm lines, plus survey noise, still match, while the
	// closest templates (FIBA 28 m, NBA 28.65 m long) stay apart.
	SizeTolerance_m float64
	// HoopTolerance_mm bounds a hoop's floor distance from the template's
	// hoop at its end. Default 300 mm: hoops do not drive the fit, they
	// confirm it; this catches hoops off the long axis, at the wrong end,
	// in another unit or on a court of another template. Hoops that fail
	// it, or the others of their check, are dropped, and the court kept
	// (Court.HoopCheck).
	HoopTolerance_mm float64
	// HoopHeightTolerance_mm bounds |z − rim height|. Default 150 mm (6 in).
	HoopHeightTolerance_mm float64
}

func (o *Options) defaults() {
	if !(o.RectangleTolerance_mm > 0) { // NaN too: it would pass every check
		o.RectangleTolerance_mm = DefaultRectangleTolerance_mm
	}
	if !(o.SizeTolerance_m > 0) { // NaN too: it would pass every check
		o.SizeTolerance_m = DefaultSizeTolerance_m
	}
	if !(o.HoopTolerance_mm > 0) { // NaN too: it would pass every check
		o.HoopTolerance_mm = DefaultHoopTolerance_mm
	}
	if !(o.HoopHeightTolerance_mm > 0) { // NaN too: it would pass every check
		o.HoopHeightTolerance_mm = DefaultHoopHeightTolerance_mm
	}
}

// Court is a validated map between the sensor frame (mm) and the canonical
// court frame (metres, origin at center court, +x toward the east baseline
// ne/se, +y toward the north sideline nw/ne, z up), with the template whose
// markings the court has. A Court is immutable after New and safe for
// concurrent use. A nil *Court is SensorFrame to every method.
type Court struct {
	// Template is the matched (or forced) template. For a Custom court it
	// is the nearest template's markings on the measured Length_m ×
	// Width_m, named "custom". For SensorFrame it is a Template without
	// size or markings, named "sensor".
	Template Template
	Custom   bool     // size matched no template
	Matches  []string // every template name whose size matched, best first
	// TemplateFrom says how Template was chosen: FromOption
	// (Options.Template), FromBody (the body's "template") or FromSize
	// (the best size match, or the nearest for a Custom court).
	TemplateFrom string
	// Residual_mm is the RMS distance of the four corners from the fitted
	// rectangle.
	Residual_mm       float64
	Length_m, Width_m float64 // the fitted rectangle
	// Rotation_deg is the direction of the court's +x axis in the sensor
	// frame, counterclockwise from the sensor +x, in (−180, 180].
	Rotation_deg float64
	Mirrored     bool        // the sensor frame is left-handed (Options.AllowMirrored)
	Hoops        []geom.Vec3 // the body's hoops in the court frame, metres; nil when dropped (HoopCheck)
	// HoopError_mm is the largest floor distance of a body hoop from the
	// template's hoop at that end; 0 without hoops.
	HoopError_mm float64
	// HoopCheck is the hoop check the body's hoops failed ("hoop",
	// "hoop-height"): they were dropped (Hoops is nil) and the court
	// kept, since the corners alone place it and nothing reads the
	// hoops (the hoop positions analysis uses are the template's). nil
	// when they passed, or the body has none. Warnings says it.
	HoopCheck *CheckError
	// CustomOff_m is, for a Custom court, how far its size is from the
	// nearest template's (whose markings it has): the larger of the
	// length's and width's differences; 0 otherwise.
	CustomOff_m float64

	nearTitle string // the Title of a Custom court's nearest template

	toCourt  geom.Similarity2 // sensor mm → court m
	toSensor geom.Similarity2 // court m → sensor mm
	sensor   bool
}

// How a Court's template was chosen (Court.TemplateFrom).
const (
	FromOption = "option" // named by Options.Template
	FromBody   = "body"   // named by the body's "template" (Body.Template)
	FromSize   = "size"   // chosen by the measured size
)

// Alternatives lists the other templates whose size fits the court as
// well as the one chosen by size (FromSize), and whose markings (three-
// point line, lane, zones) differ: an NBA-sized court is also a WNBA,
// NCAA and 94-ft high-school court, which only a name tells apart. nil
// when the template was named (FromOption, FromBody), for a Custom
// court, and for SensorFrame.
func (c *Court) Alternatives() []string {
	if c == nil || c.sensor || c.Custom || c.TemplateFrom != FromSize || len(c.Matches) < 2 {
		return nil
	}
	var alt []string
	for _, name := range c.Matches[1:] {
		if t, ok := TemplateByName(name); ok && !sameMarkings(t, c.Template) {
			alt = append(alt, name)
		}
	}
	return alt
}

// sameMarkings reports whether a and b have the same size and lines.
func sameMarkings(a, b Template) bool {
	a.Name, a.Title, b.Name, b.Title = "", "", "", ""
	return a == b
}

// SensorFrame returns the fallback used when there is no court.json:
// positions are only converted from mm to metres, with no rotation and no
// shift, so the origin is the sensor system's. IsSensorFrame reports it,
// and its Template has no size or markings (only its Name, "sensor", and
// Title): court geometry (hoops, zones, halves) does not apply.
func SensorFrame() *Court {
	m := geom.NewSimilarity2(0.001, 0, geom.Vec2{})
	return &Court{toCourt: m, toSensor: m.Inverse(), sensor: true, Template: Template{Name: "sensor", Title: "Sensor frame (no court)"}}
}

// sensorFrame stands for a nil *Court: every method takes nil for
// SensorFrame, as track.Meta.Court and pipeline do.
var sensorFrame = SensorFrame()

// orSensor is c, or SensorFrame for nil.
func (c *Court) orSensor() *Court {
	if c == nil {
		return sensorFrame
	}
	return c
}

// IsSensorFrame reports whether c is the SensorFrame fallback (true for
// nil).
func (c *Court) IsSensorFrame() bool { return c.orSensor().sensor }

// Markings is the template that places and draws what is relative to the
// court's lines and hoops (a shot's hoop_player_x/y, a chart's court) on
// c: its own, or NBA's for SensorFrame, whose template has none (nil: no
// court, as SensorFrame).
func (c *Court) Markings() Template {
	if c == nil || c.sensor {
		return NBA
	}
	return c.Template
}

// SensorToCourt returns the plane transform sensor mm → court m (scale
// 0.001); z maps as z_m = z_mm/1000.
func (c *Court) SensorToCourt() geom.Similarity2 { return c.orSensor().toCourt }

// CourtToSensor returns the plane transform court m → sensor mm.
func (c *Court) CourtToSensor() geom.Similarity2 { return c.orSensor().toSensor }

// ToCourt maps a sensor position (mm) into the court frame (m). It does not
// allocate.
func (c *Court) ToCourt(x_mm, y_mm, z_mm float64) (x_m, y_m, z_m float64) {
	x_m, y_m = c.orSensor().toCourt.ApplyXY(x_mm, y_mm)
	return x_m, y_m, z_mm * 0.001
}

// ToSensor maps a court position (m) back into the sensor frame (mm).
func (c *Court) ToSensor(x_m, y_m, z_m float64) (x_mm, y_mm, z_mm float64) {
	x_mm, y_mm = c.orSensor().toSensor.ApplyXY(x_m, y_m)
	return x_mm, y_mm, z_m * 1000
}

// ToCourtSlices maps every sensor sample (x_mm[i], y_mm[i], z_mm[i]) into
// the court frame, writing (dstX[i], dstY[i], dstZ[i]):
//
//	x_m = A·x − B·y' + tx,  y_m = B·x + A·y' + ty,  z_m = z/1000
//
// with y' = y (−y when Mirrored) and A, B, t from SensorToCourt. dst may
// alias the input. z_mm and dstZ may both be empty to skip z. It panics if
// the lengths differ and never allocates.
func (c *Court) ToCourtSlices(dstX, dstY, dstZ, x_mm, y_mm, z_mm []float64) {
	n := len(x_mm)
	if len(y_mm) != n || len(dstX) != n || len(dstY) != n || len(dstZ) != len(z_mm) || (len(z_mm) != n && len(z_mm) != 0) {
		panic("court: ToCourtSlices: slice lengths differ")
	}
	c.orSensor().toCourt.ApplySlices(dstX, dstY, x_mm, y_mm)
	dstZ = dstZ[:len(z_mm)]
	for i, z := range z_mm {
		dstZ[i] = z * 0.001
	}
}

// CustomFarOff_m is how far from the nearest template's size a Custom
// court is warned of (Court.Warnings): its markings (three-point line,
// lane, zones) are that template's, a guess the farther the worse, and a
// court that far off may be no court at all (a half court surveyed with
// its labels turned, corners in the wrong places).
const CustomFarOff_m = 1.0

// Warnings says what a valid court holds that analysis cannot rely on,
// one sentence each, for a caller to warn of (naming the court file):
// hoops dropped for failing their check (HoopCheck), and a Custom court
// CustomFarOff_m or more from any template's size. nil for a court that
// has neither, and for SensorFrame.
func (c *Court) Warnings() []string {
	if c == nil || c.sensor {
		return nil
	}
	var ws []string
	if c.HoopCheck != nil {
		ws = append(ws, fmt.Sprintf("court: hoop check failed, the hoops are not used: %s; the court is kept, as its corners place it "+
			"(the hoops only confirm them: the hoop positions analysis uses are the %s template's); "+
			"fix or remove \"hoops\" in the court.json to silence this", c.HoopCheck.Detail, c.Template.Name))
	}
	if c.Custom && c.CustomOff_m >= CustomFarOff_m {
		ws = append(ws, fmt.Sprintf("court: the court measures %.2f × %.2f m, %.2f m off the nearest template's size: it is taken as a custom court with %s markings "+
			"(three-point line, lane, zones), which may not be its own; if it is not a whole court of that size, check the corners of the court.json",
			c.Length_m, c.Width_m, c.CustomOff_m, c.nearTitle))
	}
	return ws
}

// String summarises the court in one line.
func (c *Court) String() string {
	if c.IsSensorFrame() {
		return "sensor frame (no court.json): mm → m only"
	}
	name := c.Template.Name
	if c.Custom {
		name = c.Template.Title // "Custom 26.00 × 14.00 m (NBA markings)"
	}
	s := fmt.Sprintf("%s court %.2f × %.2f m, rotated %.1f°, corner residual %.0f mm", name, c.Length_m, c.Width_m, c.Rotation_deg, c.Residual_mm)
	if c.Mirrored {
		s += ", mirrored"
	}
	switch alt := c.Alternatives(); {
	case len(alt) > 0:
		s += fmt.Sprintf(" (template by size: also fits %s)", strings.Join(alt, ", "))
	case c.TemplateFrom == FromBody:
		s += " (template named by the court)"
	case c.TemplateFrom == FromOption:
		s += " (template as named)"
	}
	return s
}

// corner names in Body.Corners order.
var cornerNames = [4]string{"ne", "se", "sw", "nw"}

// New fits and validates the transform from a /court body. It fits a
// rectangle of free length and width to all four corners by least squares
// (rotation and shift; mm → m is fixed), then checks, in order:
//
//  1. every value is finite;
//  2. size: the corners span a court of MinLength_m..MaxLength_m by
//     MinWidth_m..MaxWidth_m (catches mm/cm/m mix-ups and the seed example);
//  3. order: no two edges of ne, se, sw, nw cross (else ErrCrossed: two
//     labels are swapped);
//  4. half court: the corners do not span half a template's court, its
//     width by half its length, within SizeTolerance_m (else
//     ErrHalfCourt: a court.json gives the whole court);
//  5. axes: the sidelines (ne–nw, se–sw) are longer than the baselines;
//  6. mirror: ne, se, sw, nw run clockwise seen from above, as they do on a
//     court in a right-handed frame (else ErrMirrored, unless AllowMirrored);
//  7. rectangle: RMS corner residual ≤ RectangleTolerance_mm;
//  8. template: length and width within SizeTolerance_m of a template (or
//     the forced one), else Custom (or an error with RequireTemplate).
//
// A failed check is a *CheckError naming the check and the amount (with
// the decimals it takes to read beyond its tolerance) and, where swapping
// two labels makes a valid court, which. Then the hoops: at most two, one
// per end, each within HoopTolerance_mm of the template's hoop on the
// long axis and HoopHeightTolerance_mm of rim height; hoops that fail are
// dropped, not the court (HoopCheck, Warnings).
func New(b *Body, opt Options) (*Court, error) {
	return newCourt(b, opt, true)
}

// newCourt is New; with hints false, a failed order or axes check gives
// no swap hint. swapHint calls it so, one level deep: a label-swapped
// body may fail the same checks again (a concave quadrilateral fails the
// axes check both ways), and hinting there would swap the labels back
// without end.
func newCourt(b *Body, opt Options, hints bool) (*Court, error) {
	if b == nil {
		return nil, fmt.Errorf("court: no /court body: %w", ErrBody)
	}
	opt.defaults()
	if err := checkFinite(b); err != nil {
		return nil, err
	}
	var src [4]geom.Vec2 // sensor corners in metres
	for i, p := range b.Corners() {
		src[i] = p.Scale(0.001)
	}
	ne, se, sw, nw := src[0], src[1], src[2], src[3]
	north, south := ne.Dist(nw), se.Dist(sw)
	east, west := ne.Dist(se), nw.Dist(sw)
	side, base := (north+south)/2, (east+west)/2
	long, short := math.Max(side, base), math.Min(side, base)
	sides := fmt.Sprintf("sidelines ne–nw %.4g m, se–sw %.4g m; baselines ne–se %.4g m, nw–sw %.4g m", north, south, east, west)
	switch {
	case long < MinLength_m || long > MaxLength_m:
		return nil, &CheckError{Check: "size", Got: long, Limit: clamp(long, MinLength_m, MaxLength_m), Unit: "m", Err: ErrSize,
			Detail: fmt.Sprintf("the court is %.4g m long (%s); a court is %g–%g m long: corners must be in mm of one court", long, sides, MinLength_m, MaxLength_m)}
	case short < MinWidth_m || short > MaxWidth_m:
		return nil, &CheckError{Check: "size", Got: short, Limit: clamp(short, MinWidth_m, MaxWidth_m), Unit: "m", Err: ErrSize,
			Detail: fmt.Sprintf("the court is %.4g m wide (%s); a court is %g–%g m wide: corners must be in mm of one court", short, sides, MinWidth_m, MaxWidth_m)}
	}
	if e, f := crossed(src); e != "" {
		return nil, &CheckError{Check: "order", Unit: "m", Err: ErrCrossed,
			Detail: fmt.Sprintf("the corners ne, se, sw, nw do not run round the court: its edges %s and %s cross (%s), so two labels are swapped%s", e, f, sides, swapHint(b, opt, hints))}
	}
	if t, ok := halfCourt(long, short, opt.SizeTolerance_m); ok {
		return nil, &CheckError{Check: "half-court", Got: long, Limit: t.Width_m, Unit: "m", Err: ErrHalfCourt,
			Detail: fmt.Sprintf("the corners span %.2f × %.2f m (%s), the size of half a court (%s: %.2f × %.2f m): a court.json gives the four corners of the whole court, "+
				"whose centre, baselines and hoops analysis places from them; a half-court installation is not supported", long, short, sides, t.Title, t.Width_m, t.Length_m/2)}
	}
	if base > side {
		why := "the corner labels are turned 90°; ne and se must be the ends of one baseline"
		// One mistyped number makes a quadrilateral whose opposite
		// sides differ, which no relabelling fixes: say so too.
		if skew := math.Max(math.Abs(north-south), math.Abs(east-west)); skew > axesSkew_m {
			why = fmt.Sprintf("the corner labels are turned 90° (ne and se must be the ends of one baseline), "+
				"or a corner is wrong: opposite sides differ by %.2f m, where a court's are equal", skew)
		}
		return nil, &CheckError{Check: "axes", Got: base, Limit: side, Unit: "m", Err: ErrAxes,
			Detail: fmt.Sprintf("the baselines (%.2f m) are longer than the sidelines (%.2f m) (%s): %s%s", base, side, sides, why, swapHint(b, opt, hints))}
	}

	// Shoelace area of ne→se→sw→nw: negative (clockwise) on a court seen
	// from above in a right-handed frame.
	var area float64
	for i := range src {
		area += src[i].Cross(src[(i+1)%4])
	}
	area /= 2
	mirrored := area > 0
	if mirrored && !opt.AllowMirrored {
		return nil, &CheckError{Check: "mirror", Got: area, Limit: 0, Unit: "m²", Err: ErrMirrored, Option: "Options.AllowMirrored",
			Detail: fmt.Sprintf("the corners ne, se, sw, nw run counterclockwise (signed area %+.1f m²) but run clockwise on a court seen from above: either north and south (or east and west) are swapped, or the sensor frame is left-handed and must be mirrored", area)}
	}

	fit, L, W, err := fitRectangle(src, side, base, mirrored)
	if err != nil {
		return nil, err
	}
	var dst [4]geom.Vec2
	rectCorners(&dst, L, W)
	var ss, worst float64
	worstAt := 0
	for i := range src {
		d := fit.Apply(src[i]).Dist(dst[i]) * 1000
		ss += d * d
		if d > worst {
			worst, worstAt = d, i
		}
	}
	residual := math.Sqrt(ss / 4)
	if residual > opt.RectangleTolerance_mm {
		got, limit := beyond(residual, opt.RectangleTolerance_mm, 0)
		return nil, &CheckError{Check: "rectangle", Got: residual, Limit: opt.RectangleTolerance_mm, Unit: "mm", Err: ErrNotRectangle,
			Detail: fmt.Sprintf("the corners are %s mm RMS from the best %.2f × %.2f m rectangle (tolerance %s mm; worst corner %s, %.0f mm off): %s; diagonals ne–sw %.3f m, nw–se %.3f m", got, L, W, limit, cornerNames[worstAt], worst, sides, ne.Dist(sw), nw.Dist(se))}
	}

	c := &Court{Residual_mm: residual, Length_m: L, Width_m: W, Mirrored: fit.Reflect}
	if err := c.matchTemplate(opt, b.Template); err != nil {
		return nil, err
	}
	c.toCourt = fit.Compose(geom.NewSimilarity2(0.001, 0, geom.Vec2{}))
	c.toSensor = c.toCourt.Inverse()
	c.Rotation_deg = c.toSensor.Angle_rad() * 180 / math.Pi
	c.checkHoops(b.Hoops, opt)
	return c, nil
}

// axesSkew_m is how much opposite sides may differ before a failed axes
// check also says a corner may be wrong: corners that pass the rectangle
// check (100 mm RMS) have opposite sides within a few tenths of a metre.
const axesSkew_m = 1.0

// Parse is ParseBody then New: the court of a /court response (a
// court.json), or the first error of either (wrapping ErrBody, or a
// *CheckError).
func Parse(data []byte, opt Options) (*Court, error) {
	b, err := ParseBody(data)
	if err != nil {
		return nil, err
	}
	return New(b, opt)
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

// crossed names two edges of the quadrilateral ne, se, sw, nw (corners
// in that order) that cross each other ("ne–se", "sw–nw"), or "", "" when
// none do: the labels of two corners are swapped, and the four do not
// run round the court either way.
func crossed(p [4]geom.Vec2) (string, string) {
	cross := func(a, b, c, d geom.Vec2) bool {
		d1, d2 := b.Sub(a).Cross(c.Sub(a)), b.Sub(a).Cross(d.Sub(a))
		d3, d4 := d.Sub(c).Cross(a.Sub(c)), d.Sub(c).Cross(b.Sub(c))
		return d1*d2 < 0 && d3*d4 < 0
	}
	edge := func(i int) string { return cornerNames[i] + "–" + cornerNames[(i+1)%4] }
	for i := range 2 {
		if cross(p[i], p[i+1], p[i+2], p[(i+3)%4]) {
			return edge(i), edge(i + 2)
		}
	}
	return "", ""
}

// halfCourt reports the template of which a court of long × short m is
// the half (long within tol of its width, short of half its length).
func halfCourt(long, short, tol float64) (Template, bool) {
	for _, t := range Templates() {
		if math.Abs(long-t.Width_m) <= tol && math.Abs(short-t.Length_m/2) <= tol {
			return t, true
		}
	}
	return Template{}, false
}

// swapHint is, for a body whose corners fail a check, "; with the labels
// ne and se swapped they form a valid … court" for each swap of two
// labels that makes a court New accepts with opt (hoops left out), or ""
// when none does or when enabled is false. It never recurses: each
// swapped body is checked by newCourt without hints.
func swapHint(b *Body, opt Options, enabled bool) string {
	if !enabled {
		return ""
	}
	var fixes []string
	for i := range 4 {
		for j := i + 1; j < 4; j++ {
			sb := Body{XNE: b.XNE, YNE: b.YNE, XSE: b.XSE, YSE: b.YSE, XSW: b.XSW, YSW: b.YSW, XNW: b.XNW, YNW: b.YNW}
			xy := [4][2]*float64{{&sb.XNE, &sb.YNE}, {&sb.XSE, &sb.YSE}, {&sb.XSW, &sb.YSW}, {&sb.XNW, &sb.YNW}}
			*xy[i][0], *xy[j][0] = *xy[j][0], *xy[i][0]
			*xy[i][1], *xy[j][1] = *xy[j][1], *xy[i][1]
			if c, err := newCourt(&sb, opt, false); err == nil {
				fixes = append(fixes, fmt.Sprintf("with the labels %s and %s swapped they form a valid %.2f × %.2f m court (%s)", cornerNames[i], cornerNames[j], c.Length_m, c.Width_m, c.Template.Name))
			}
		}
	}
	if len(fixes) == 0 {
		return ""
	}
	return "; " + strings.Join(fixes, "; ")
}

func checkFinite(b *Body) error {
	vals := [8]float64{b.XNE, b.YNE, b.XSE, b.YSE, b.XSW, b.YSW, b.XNW, b.YNW}
	keys := [8]string{"xne", "yne", "xse", "yse", "xsw", "ysw", "xnw", "ynw"}
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("court: %s is %v: %w", keys[i], v, ErrNotFinite)
		}
	}
	for i, h := range b.Hoops {
		if !(geom.Vec3{X: h.X, Y: h.Y, Z: h.Z}).Finite() {
			return fmt.Errorf("court: hoops[%d] is (%v, %v, %v): %w", i, h.X, h.Y, h.Z, ErrNotFinite)
		}
	}
	return nil
}

// rectCorners writes the canonical corners ne, se, sw, nw of an L × W court.
func rectCorners(dst *[4]geom.Vec2, L, W float64) {
	*dst = [4]geom.Vec2{{X: L / 2, Y: W / 2}, {X: L / 2, Y: -W / 2}, {X: -L / 2, Y: -W / 2}, {X: -L / 2, Y: W / 2}}
}

// fitRectangle finds the rigid map (metres → metres) and the rectangle size
// L × W minimising Σ|m(src[i]) − corner_i(L, W)|², alternating the closed-
// form rigid fit for a fixed size with the closed-form size for a fixed map
// (L = (x_ne + x_se − x_sw − x_nw)/2 of the mapped corners, W alike). It
// starts from the mean side lengths, which are already within the noise of
// the optimum, so a few rounds converge.
func fitRectangle(src [4]geom.Vec2, L, W float64, mirrored bool) (geom.Similarity2, float64, float64, error) {
	var dst [4]geom.Vec2
	var m geom.Similarity2
	for range 4 {
		rectCorners(&dst, L, W)
		var err error
		m, _, err = geom.Fit2(dst[:], src[:], geom.FitOptions{Rigid: true, AllowReflection: mirrored})
		if err != nil {
			return m, 0, 0, &CheckError{Check: "rectangle", Unit: "mm", Err: ErrNotRectangle,
				Detail: fmt.Sprintf("no rotation fits the corners to a court: %v", err)}
		}
		var p [4]geom.Vec2
		for i := range src {
			p[i] = m.Apply(src[i])
		}
		L = (p[0].X + p[1].X - p[2].X - p[3].X) / 2
		W = (p[0].Y - p[1].Y - p[2].Y + p[3].Y) / 2
	}
	return m, L, W, nil
}

// matchTemplate sets c's template: opt.Template's, else body's (the
// body's "template"), else the best match of c's size.
func (c *Court) matchTemplate(opt Options, body string) error {
	tol := opt.SizeTolerance_m
	off := func(t Template) float64 {
		return math.Max(math.Abs(c.Length_m-t.Length_m), math.Abs(c.Width_m-t.Width_m))
	}
	named, from, by := opt.Template, FromOption, "as named"
	if named == "" {
		named, from, by = body, FromBody, `as the body's "template" names it`
	}
	if named != "" {
		t, ok := TemplateByName(named)
		if !ok {
			return fmt.Errorf("court: unknown template %q, %s (known: %s): %w", named, by, strings.Join(TemplateNames(), ", "), ErrTemplate)
		}
		if d := off(t); d > tol {
			got, limit := beyond(d, tol, 2)
			fits := "no template (a custom court)"
			if m := c.fitting(tol, off); len(m) > 0 {
				fits = strings.Join(m, ", ")
			}
			return &CheckError{Check: "template", Got: d, Limit: tol, Unit: "m", Err: ErrTemplate,
				Detail: fmt.Sprintf("the court measures %.2f × %.2f m, the %s template (%s) is %.2f × %.2f m: off by %s m (tolerance %s m); its size fits %s", c.Length_m, c.Width_m, t.Name, by, t.Length_m, t.Width_m, got, limit, fits)}
		}
		c.Template, c.Matches, c.TemplateFrom = t, []string{t.Name}, from
		return nil
	}
	c.TemplateFrom = FromSize
	all := Templates()
	sort.SliceStable(all, func(i, j int) bool { return off(all[i]) < off(all[j]) })
	if c.Matches = c.fitting(tol, off); len(c.Matches) > 0 {
		c.Template = all[0]
		return nil
	}
	near := all[0]
	if opt.RequireTemplate {
		got, limit := beyond(off(near), tol, 2)
		return &CheckError{Check: "template", Got: off(near), Limit: tol, Unit: "m", Err: ErrTemplate,
			Detail: fmt.Sprintf("the court measures %.2f × %.2f m and matches no template; nearest is %s (%.2f × %.2f m), off by %s m (tolerance %s m)", c.Length_m, c.Width_m, near.Name, near.Length_m, near.Width_m, got, limit)}
	}
	c.Custom, c.CustomOff_m, c.nearTitle = true, off(near), near.Title
	c.Template = near
	c.Template.Name = "custom"
	c.Template.Title = fmt.Sprintf("Custom %.2f × %.2f m (%s markings)", c.Length_m, c.Width_m, near.Title)
	c.Template.Length_m, c.Template.Width_m = c.Length_m, c.Width_m
	return nil
}

// fitting lists the names of the templates whose size c fits within tol,
// best first.
func (c *Court) fitting(tol float64, off func(Template) float64) []string {
	all := Templates()
	sort.SliceStable(all, func(i, j int) bool { return off(all[i]) < off(all[j]) })
	var names []string
	for _, t := range all {
		if off(t) <= tol {
			names = append(names, t.Name)
		}
	}
	return names
}

// checkHoops places the body's hoops on the court (Hoops, HoopError_mm)
// and checks them: at most two, one per end, each within
// HoopTolerance_mm of the template's hoop at its end and, unless
// IgnoreHoopHeight, HoopHeightTolerance_mm of rim height. The hoops drive
// nothing (the corners place the court, and the template the hoops
// analysis uses), so hoops that fail are dropped, not the court: the
// first failure is HoopCheck, and Hoops is nil.
func (c *Court) checkHoops(hoops []Hoop, opt Options) {
	if c.HoopCheck = c.hoopCheck(hoops, opt); c.HoopCheck != nil {
		c.Hoops, c.HoopError_mm = nil, 0
	}
}

func (c *Court) hoopCheck(hoops []Hoop, opt Options) *CheckError {
	if len(hoops) > 2 {
		return &CheckError{Check: "hoop", Got: float64(len(hoops)), Limit: 2, Unit: "hoops", Err: ErrHoop,
			Detail: fmt.Sprintf("the body lists %d hoops; a court has one at each end", len(hoops))}
	}
	var seen [2]int // hoops per end: west, east
	t := c.Template
	for i, h := range hoops {
		x, y, z := c.ToCourt(h.X, h.Y, h.Z)
		p := geom.Vec3{X: x, Y: y, Z: z}
		end, endName := East, "east"
		if x < 0 {
			end, endName = West, "west"
		}
		seen[(end+1)/2]++
		if seen[(end+1)/2] > 1 {
			return &CheckError{Check: "hoop", Got: 2, Limit: 1, Unit: "hoops", Err: ErrHoop,
				Detail: fmt.Sprintf("hoops[%d] is the second hoop at the %s end (%.2f, %.2f m in the court frame)", i, endName, x, y)}
		}
		d := p.XY().Dist(geom.Vec2{X: t.HoopX_m(end)}) * 1000
		if d > opt.HoopTolerance_mm {
			got, limit := beyond(d, opt.HoopTolerance_mm, 0)
			return &CheckError{Check: "hoop", Got: d, Limit: opt.HoopTolerance_mm, Unit: "mm", Err: ErrHoop,
				Detail: fmt.Sprintf("hoops[%d] (%.0f, %.0f mm) is at (%.2f, %.2f) m in the court frame, %s mm from the %s %s hoop at (%.2f, 0) m (tolerance %s mm)", i, h.X, h.Y, x, y, got, endName, t.Name, t.HoopX_m(end), limit)}
		}
		if dz := math.Abs(h.Z - t.RimHeight_m*1000); !opt.IgnoreHoopHeight && dz > opt.HoopHeightTolerance_mm {
			got, limit := beyond(dz, opt.HoopHeightTolerance_mm, 0)
			return &CheckError{Check: "hoop-height", Got: dz, Limit: opt.HoopHeightTolerance_mm, Unit: "mm", Err: ErrHoopHeight,
				Detail: fmt.Sprintf("hoops[%d] has z = %.0f mm but the rim is %.0f mm above the floor: off by %s mm (tolerance %s mm); z must be the rim centre's height above the floor in mm", i, h.Z, t.RimHeight_m*1000, got, limit)}
		}
		c.HoopError_mm = math.Max(c.HoopError_mm, d)
		c.Hoops = append(c.Hoops, p)
	}
	return nil
}

// beyond formats got and limit, of which got is the larger, with prec
// decimals or as many more (up to 3) as it takes for got to read larger:
// "100.4" and "100", not "100" and "100", for a value that failed its
// tolerance by less than the rounding.
func beyond(got, limit float64, prec int) (string, string) {
	g, l := strconv.FormatFloat(got, 'f', prec, 64), strconv.FormatFloat(limit, 'f', prec, 64)
	for p := prec + 1; p <= prec+3 && g == l; p++ {
		g = strconv.FormatFloat(got, 'f', p, 64)
	}
	return g, l
}
