package chart

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/geom"
	"github.com/stmotion/stmotion/track/heatmap"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleGrid is a player who circles the east key for 60 s and crosses
// to the west half for 20 s, at 10 Hz, 1 m cells.
func sampleGrid() *heatmap.Grid {
	a := heatmap.New(heatmap.Options{Cell_m: 1})
	hx := court.NBA.HoopX_m(1)
	for i := range 800 {
		s := float64(i) / 10
		x, y := hx-4+3*math.Cos(s/3), 4*math.Sin(s/2)
		if s >= 60 {
			x, y = 8-1.2*(s-60), 5-0.3*(s-60)
		}
		a.AddPlayer(23, 461, 1, x, y, 0.1, true)
	}
	return a.Grid(heatmap.ScopePlayer, 23)
}

func sampleShots() []heatmap.Shot {
	c := heatmap.NewShotChart(court.NBA)
	pts := []struct {
		x, y int32
		made bool
	}{
		{0, 1000, true}, {-2000, 3000, false}, {3500, 4500, true}, {6700, 500, false},
		{-6700, 800, true}, {0, 7600, false}, {5000, 5500, true}, {-1200, 5800, false},
	}
	for i, p := range pts {
		hx, hy := float64(p.x)/1000, float64(p.y)/1000
		c.AddFeed(int64(i)*1000, 23, 461, p.x, p.y, p.made, court.NBA.IsThreeFromHoop(hx, hy),
			uint8(court.StandardZones.Zone(court.NBA, hx, hy)))
	}
	c.AddDetected(9000, 23, 461, -9, 1, court.NBA.HoopX_m(court.West), true)
	return c.Shots
}

const from_ms, to_ms = 1500571200000, 1500571280000

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./export/chart -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		out := filepath.Join(t.TempDir(), name)
		_ = os.WriteFile(out, got, 0o644)
		t.Errorf("%s differs from the golden file (%d vs %d bytes%s); got written to %s; rerun with -update if the change is intended",
			name, len(got), len(want), samePixels(got, want), out)
	}
}

// samePixels says, for two PNG files that differ, whether their pixels do
// too: a change of the PNG encoder's settings changes the bytes only.
func samePixels(a, b []byte) string {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return ""
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil || ia.Bounds() != ib.Bounds() {
		return ""
	}
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				return fmt.Sprintf(", pixel (%d, %d) differs", x, y)
			}
		}
	}
	return ", same pixels: only the encoding differs"
}

func TestGolden(t *testing.T) {
	g := sampleGrid()
	shots := sampleShots()
	for _, f := range []Format{PNG, SVG} {
		var hb, sb bytes.Buffer
		o := Options{Title: "Player 23 (team 461)", From_ms: from_ms, To_ms: to_ms}
		if err := Heatmap(&hb, f, g, court.NBA, o); err != nil {
			t.Fatal(err)
		}
		golden(t, "heatmap."+f.String(), hb.Bytes())
		o.Title = "Shots: player 23 (team 461)"
		if err := ShotChart(&sb, f, shots, court.NBA, o); err != nil {
			t.Fatal(err)
		}
		golden(t, "shots."+f.String(), sb.Bytes())
		var gb bytes.Buffer
		if err := Heatmap(&gb, f, g, court.NBA, Options{Title: "Player 23 (team 461), square-root scale", Gamma: 0.5, Palette: Magma}); err != nil {
			t.Fatal(err)
		}
		golden(t, "heatmap_sqrt."+f.String(), gb.Bytes())
		// Deterministic: a second rendering is the same bytes.
		var again bytes.Buffer
		if err := Heatmap(&again, f, g, court.NBA, Options{Title: "Player 23 (team 461)", From_ms: from_ms, To_ms: to_ms}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), hb.Bytes()) {
			t.Errorf("%s heatmap not deterministic", f)
		}
	}
}

func TestPalette(t *testing.T) {
	// The ends are the published end colours, and lightness rises
	// monotonically (what makes the scale readable).
	cases := []struct {
		p      Palette
		lo, hi uint32
	}{{Viridis, 0x440154, 0xfde725}, {Magma, 0x000004, 0xfcfdbf}}
	for _, c := range cases {
		lo, hi := c.p.At(0), c.p.At(1)
		if got := uint32(lo.R)<<16 | uint32(lo.G)<<8 | uint32(lo.B); got != c.lo {
			t.Errorf("palette %d at 0 = %06x, want %06x", c.p, got, c.lo)
		}
		if got := uint32(hi.R)<<16 | uint32(hi.G)<<8 | uint32(hi.B); got != c.hi {
			t.Errorf("palette %d at 1 = %06x, want %06x", c.p, got, c.hi)
		}
		prev := -1.0
		for i := 0; i <= 100; i++ {
			col := c.p.At(float64(i) / 100)
			l := 0.2126*float64(col.R) + 0.7152*float64(col.G) + 0.0722*float64(col.B)
			if l < prev-0.5 {
				t.Errorf("palette %d: luminance falls at %d%%: %.1f after %.1f", c.p, i, l, prev)
			}
			prev = l
		}
	}
}

func TestBadInput(t *testing.T) {
	var b bytes.Buffer
	if err := Heatmap(&b, PNG, nil, court.NBA, Options{}); err == nil {
		t.Error("nil grid: want an error")
	}
	if err := Heatmap(&b, Format(9), sampleGrid(), court.NBA, Options{}); !errors.Is(err, ErrFormat) {
		t.Errorf("bad format: got %v, want ErrFormat", err)
	}
	if _, err := ParseFormat("jpeg"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseFormat(jpeg) = %v, want ErrFormat", err)
	}
}

// A chart too large to draw (a cell size or scale no one means) is an
// error, in both formats, not a panic or gigabytes of pixels; the largest
// allowed one is drawn.
func TestTooLarge(t *testing.T) {
	one := func(cell_m float64) *heatmap.Grid {
		return &heatmap.Grid{Scope: heatmap.ScopePlayer, ID: 23, Geom: geom.Grid{MinX_m: -cell_m / 2, MinY_m: -cell_m / 2, Cell_m: cell_m, NX: 1, NY: 1}, Seconds: []float64{1}}
	}
	for _, f := range []Format{PNG, SVG} {
		for _, c := range []struct {
			name string
			draw func(w *bytes.Buffer) error
		}{
			{"1000 m cell", func(w *bytes.Buffer) error { return Heatmap(w, f, one(1000), court.NBA, Options{}) }},
			{"1e6 m cell", func(w *bytes.Buffer) error { return Heatmap(w, f, one(1e6), court.NBA, Options{}) }},
			{"infinite cell", func(w *bytes.Buffer) error { return Heatmap(w, f, one(math.Inf(1)), court.NBA, Options{}) }},
			{"1e9 px/m heatmap", func(w *bytes.Buffer) error { return Heatmap(w, f, sampleGrid(), court.NBA, Options{Scale: 1e9}) }},
			{"1e9 px/m shot chart", func(w *bytes.Buffer) error { return ShotChart(w, f, sampleShots(), court.NBA, Options{Scale: 1e9}) }},
		} {
			var b bytes.Buffer
			if err := c.draw(&b); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s %s: error %v, want ErrTooLarge", f, c.name, err)
			}
		}
	}
	// A 1 × 1 grid of 160 m cells is just under MaxPixels at 24 px/m.
	var b bytes.Buffer
	if err := Heatmap(&b, PNG, one(160), court.NBA, Options{}); err != nil {
		t.Errorf("160 m cell: %v", err)
	}
}

func TestClipEast(t *testing.T) {
	// The center circle splits into one east arc; the boundary keeps its
	// east three sides as one line.
	parts := clipEast(arc(pt{0, 0}, 1, 0, 2*math.Pi))
	if len(parts) != 2 { // 0..π/2 and 3π/2..2π: the start and the end of the loop
		t.Errorf("circle: %d parts, want 2", len(parts))
	}
	for _, p := range parts {
		for _, q := range p {
			if q.x < -1e-12 {
				t.Fatalf("point %v west of x = 0", q)
			}
		}
	}
	b := clipEast([]pt{{-2, -1}, {2, -1}, {2, 1}, {-2, 1}, {-2, -1}})
	if len(b) != 1 || len(b[0]) != 4 || b[0][0] != (pt{0, -1}) || b[0][3] != (pt{0, 1}) {
		t.Errorf("boundary clipped to %v", b)
	}
}

// PNG text: accents dropped from Latin letters, one '?' per character the
// font has no glyph for (not per byte), as the doc says.
func TestPNGText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Player 23", "Player 23"},
		{"José Núñez", "Jose Nunez"},
		{"Nikola Jokić", "Nikola Jokic"},
		{"Ängelholm & <Söner>", "Angelholm & <Soner>"},
		{"Kristaps Porziņģis", "Kristaps Porzingis"},
		{"Jonas Valančiūnas", "Jonas Valanciunas"},
		{"Søren Kierkegaard-Østergård", "Soren Kierkegaard-Ostergard"},
		{"Łukasz Weiß", "Lukasz Weiss"},
		{"Jose\u0301 Nu\u0303n\u0303ez", "Jose Nunez"}, // decomposed accents
		{"ＡＢＣ", "ABC"},                                 // fullwidth
		{"O’Neal – Shaq", "O'Neal - Shaq"},
		{"李小龍", "???"},
		{"Ζήσης", "?????"},
		{"a\tb\x7f", "a?b?"},
		{"bad \xff\xfe utf8", "bad ?? utf8"},
	} {
		if got := pngText(c.in); got != c.want {
			t.Errorf("pngText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestXMLEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"José & <Bo> \"Zoë\"", "José &amp; &lt;Bo&gt; &quot;Zoë&quot;"},
		{"李小龍", "李小龍"},
		{"a\x01b\tc", "a\ufffdb\tc"},
		{"bad \xff", "bad \ufffd"},
	} {
		if got := xmlEscape(c.in); got != c.want {
			t.Errorf("xmlEscape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A title's non-ASCII characters: the SVG has them as given, the PNG the
// same pixels as the title transliterated.
func TestTitleNonASCII(t *testing.T) {
	g := sampleGrid()
	draw := func(f Format, title string) []byte {
		var b bytes.Buffer
		if err := Heatmap(&b, f, g, court.NBA, Options{Title: title, From_ms: from_ms, To_ms: to_ms}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	const name = "player 23 Nikola Jokić & <李小龍>"
	if svg := string(draw(SVG, name)); !strings.Contains(svg, ">player 23 Nikola Jokić &amp; &lt;李小龍&gt;</text>") {
		t.Errorf("SVG title not kept as given (XML-escaped):\n%s", svg[:min(len(svg), 600)])
	}
	if got, want := draw(PNG, name), draw(PNG, "player 23 Nikola Jokic & <???>"); !bytes.Equal(got, want) {
		t.Errorf("PNG of %q differs from the PNG of its transliteration%s", name, samePixels(got, want))
	}
}

// BenchmarkCharts measures one chart of each kind in each format, as
// analyze draws about 30 heatmaps and 3 shot charts per game. Beside each
// PNG, png-stdlib is the same chart encoded by image/png (pngEncoder: zlib
// at best speed, every row's filter chosen among five), as the package
// wrote PNGs before encodePNG: the baseline, in the same run.
//
//	go test ./export/chart -run '^$' -bench Charts -benchmem
func BenchmarkCharts(b *testing.B) {
	g := sampleGrid()
	shots := sampleShots()
	o := Options{Title: "Player 23 (team 461)", From_ms: from_ms, To_ms: to_ms}
	std := o
	std.pngEncode = stdlibPNG
	charts := []struct {
		name string
		draw func(w *bytes.Buffer, f Format, o Options) error
	}{
		{"heatmap", func(w *bytes.Buffer, f Format, o Options) error { return Heatmap(w, f, g, court.NBA, o) }},
		{"shots", func(w *bytes.Buffer, f Format, o Options) error { return ShotChart(w, f, shots, court.NBA, o) }},
	}
	variants := []struct {
		name string
		f    Format
		o    Options
	}{{"png", PNG, o}, {"png-stdlib", PNG, std}, {"svg", SVG, o}}
	for _, c := range charts {
		for _, v := range variants {
			b.Run(c.name+"/"+v.name, func(b *testing.B) {
				var buf bytes.Buffer
				b.ReportAllocs()
				for b.Loop() {
					buf.Reset()
					if err := c.draw(&buf, v.f, v.o); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(buf.Len()), "bytes/chart")
			})
		}
	}
}

// stdlibPNG encodes with image/png (pngEncoder), as the package did
// before encodePNG.
func stdlibPNG(w io.Writer, img *image.RGBA) error { return pngEncoder.Encode(w, img) }

// The benchmark's image/png baseline draws the same chart: the same
// pixels as encodePNG's, in image/png's encoding.
func TestStdlibBaselineSamePixels(t *testing.T) {
	o := Options{Title: "Player 23 (team 461)", From_ms: from_ms, To_ms: to_ms}
	std := o
	std.pngEncode = stdlibPNG
	var ours, theirs bytes.Buffer
	if err := Heatmap(&ours, PNG, sampleGrid(), court.NBA, o); err != nil {
		t.Fatal(err)
	}
	if err := Heatmap(&theirs, PNG, sampleGrid(), court.NBA, std); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(ours.Bytes(), theirs.Bytes()) {
		t.Fatal("the baseline wrote encodePNG's bytes: it is not image/png's encoding")
	}
	if diff := samePixels(ours.Bytes(), theirs.Bytes()); diff != ", same pixels: only the encoding differs" {
		t.Errorf("the baseline's pixels differ:%s", diff)
	}
}

// Charts drawn on several goroutines at once (analyze --jobs, and
// pipeline's parallel rendering) are the bytes drawn alone: the PNG
// canvases share a cache of court lines and a pool of pixels.
func TestChartsConcurrent(t *testing.T) {
	g, shots := sampleGrid(), sampleShots()
	draw := func(i int) ([]byte, error) {
		var b bytes.Buffer
		o := Options{Title: "Player 23 (team 461)", From_ms: from_ms, To_ms: to_ms}
		var err error
		switch i % 3 {
		case 0:
			err = Heatmap(&b, PNG, g, court.NBA, o)
		case 1:
			err = ShotChart(&b, PNG, shots, court.NBA, o)
		default:
			o.Scale = 20 // another size: another cache entry
			err = Heatmap(&b, PNG, g, court.NBA, o)
		}
		return b.Bytes(), err
	}
	var want [3][]byte
	for i := range want {
		var err error
		if want[i], err = draw(i); err != nil {
			t.Fatal(err)
		}
	}
	const n = 24
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = draw(i) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || !bytes.Equal(got[i], want[i%3]) {
			t.Errorf("chart %d drawn concurrently: %d bytes (err %v), alone %d bytes%s", i, len(got[i]), errs[i], len(want[i%3]), samePixels(got[i], want[i%3]))
		}
	}
}

// A heatmap in the sensor frame (no court.json) draws no court markings,
// which would make positions look calibrated, and says so in its
// subtitle; on a court it draws them and names the court.
func TestHeatmapSensorFrame(t *testing.T) {
	g := sampleGrid()
	draw := func(sensor bool) string {
		var b bytes.Buffer
		if err := Heatmap(&b, SVG, g, court.NBA, Options{Title: "ball 1", SensorFrame: sensor}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	onCourt, sensor := draw(false), draw(true)
	lines := `stroke="` + hex(lineLight) + `"`
	if !bytes.Contains([]byte(onCourt), []byte(lines)) || !bytes.Contains([]byte(onCourt), []byte(court.NBA.Title)) {
		t.Fatalf("on a court: no court lines (%s) or no %q in the SVG", lines, court.NBA.Title)
	}
	if bytes.Contains([]byte(sensor), []byte(lines)) {
		t.Errorf("sensor frame: court lines drawn")
	}
	if !bytes.Contains([]byte(sensor), []byte(SensorFrameNote)) || bytes.Contains([]byte(sensor), []byte(court.NBA.Title)) {
		t.Errorf("sensor frame: subtitle lacks %q, or names %q", SensorFrameNote, court.NBA.Title)
	}
}

// The time range names the end's date when the session crosses 00:00 UTC:
// "23:58:30 - 00:01:30" read as ending before it began.
func TestSubtitleDates(t *testing.T) {
	const midnight_ms = 1764201600000 // 2025-11-27 00:00:00 UTC
	for _, c := range []struct {
		from, to int64
		want     string
	}{
		{midnight_ms - 3_600_000, midnight_ms - 60_000, "2025-11-26 23:00:00 - 23:59:00 UTC"},
		{midnight_ms - 90_000, midnight_ms + 90_000, "2025-11-26 23:58:30 - 2025-11-27 00:01:30 UTC"},
		{midnight_ms, midnight_ms + 90_000, "2025-11-27 00:00:00 - 00:01:30 UTC"},
		{midnight_ms - 90_000, midnight_ms + 366*86_400_000, "2025-11-26 23:58:30 - 2026-11-28 00:00:00 UTC"},
	} {
		o := Options{From_ms: c.from, To_ms: c.to}
		if got := o.subtitle(""); got != c.want {
			t.Errorf("subtitle(%d, %d) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

// Each heatmap is coloured against its own largest cell: the legend says
// so ("max" beside the top label, which is that cell's seconds), so that
// two maps side by side are compared by their maxima, not their colours.
func TestHeatmapLegendMax(t *testing.T) {
	g := sampleGrid()
	var b bytes.Buffer
	if err := Heatmap(&b, SVG, g, court.NBA, Options{Title: "p"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">max</text>", fmt.Sprintf(">%.1f</text>", g.Max())} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("heatmap legend lacks %q", want)
		}
	}
}

// A title wider than its image (a long school name, then --live-only's and
// --fold's labels) was drawn as one line and clipped at the image's edge,
// losing the labels: it keeps the labels whole and shortens the name, in
// both formats, heatmap and shot chart; a title that fits is unchanged.
func TestTitleFits(t *testing.T) {
	const name = "team 461 Bishop Gorman High School Gaels Boys Varsity Basketball Club of Las Vegas, Nevada"
	const labels = "live time only, folded: offence right, defence left"
	g := sampleGrid()
	shots := sampleShots()
	o := Options{Title: name, TitleLabels: labels, From_ms: from_ms, To_ms: to_ms}
	for _, f := range []Format{PNG, SVG} {
		for _, kind := range []string{"heatmap", "shots"} {
			var b bytes.Buffer
			var err error
			if kind == "heatmap" {
				err = Heatmap(&b, f, g, court.NBA, o)
			} else {
				err = ShotChart(&b, f, shots, court.NBA, o)
			}
			if err != nil {
				t.Fatal(err)
			}
			if f == SVG {
				svg := b.String()
				var W int
				fmt.Sscanf(svg[strings.Index(svg, ` width="`):], ` width="%d"`, &W)
				i := strings.Index(svg, `xml:space="preserve">`) + len(`xml:space="preserve">`)
				title := svg[i : i+strings.Index(svg[i:], "</text>")]
				avail := float64(W - 2*margin_px)
				if w := textWidth_px(SVG, title); !(w <= avail) || !strings.HasSuffix(title, "..., "+labels) || !strings.HasPrefix(title, name[:20]) {
					t.Errorf("%s SVG, %d px wide: title %q (%.0f px), want the name shortened with ... and %q whole, at most %.0f px", kind, W, title, w, labels, avail)
				}
				continue
			}
			// PNG: nothing of the title drawn in the right margin.
			img, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			W := img.Bounds().Dx()
			for y := 4; y < 24; y++ {
				for x := W - margin_px; x < W; x++ {
					if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
						t.Fatalf("%s PNG, %d px wide: the title reaches (%d, %d), in the right margin", kind, W, x, y)
					}
				}
			}
		}
	}

	f := func(fm Format, name, labels string, avail float64, want string) {
		t.Helper()
		got := fitTitle(fm, name, labels, avail)
		if got != want {
			t.Errorf("fitTitle(%v, %q, %q, %g) = %q, want %q", fm, name, labels, avail, got, want)
		}
		if w := textWidth_px(fm, got); w > avail && !strings.HasPrefix(got, ellipsis) {
			t.Errorf("fitTitle(%v, %q, %q, %g) = %q: %.1f px", fm, name, labels, avail, got, w)
		}
	}
	// Fits: unchanged, with or without labels.
	f(PNG, "player 23 Jokić", "live time only", 31*7, "player 23 Jokić, live time only")
	f(SVG, "player 23 Jokić", "", 15*svgCharW_px, "player 23 Jokić")
	// One character too many: the name is cut to the longest that fits with
	// "..." (a space or comma before the cut dropped), the labels kept.
	f(PNG, "player 23 Jokić", "live time only", 30*7, "player 23 J..., live time only")
	f(PNG, "player 23 Ann Lee", "folded", 24*7, "player 23 Ann..., folded")
	f(PNG, "player 23 Ann Leeds", "", 17*7, "player 23 Ann...")
	f(SVG, "player 23 Nikola Jokić", "", 15*svgCharW_px, "player 23 Ni...")
	// A wide character takes 1 em in SVG, one '?' (7 px) in PNG.
	f(SVG, "player 23 李小龍", "", 13*svgCharW_px+svgFontSize_px, "player 23 李...")
	f(PNG, "player 23 李小龍", "", 13*7, "player 23 李小龍")
	// Not even the labels fit: the name goes whole.
	f(PNG, "player 23", "live time only", 10*7, "..., live time only")
}

// A subtitle wider than its image (a sensor-frame note, a time range
// across 00:00 UTC with both dates, thousands of seconds on the map) was
// drawn as one line and clipped at the image's edge: it gives the times
// without their dates, in both formats, and keeps what the map shows.
func TestSubtitleFits(t *testing.T) {
	const midnight_ms = 1764201600000 // 2025-11-27 00:00:00 UTC
	g := sampleGrid()
	g.Seconds = append([]float64(nil), g.Seconds...)
	for i := range g.Seconds {
		g.Seconds[i] *= 20 // four-digit seconds on the map
	}
	// An image of 748 px: 102 PNG characters between its margins (an
	// 814-px high-school court's, 111), 98 SVG ones; the full line has 111.
	const W_px = 748
	o := Options{Title: "ball 1", From_ms: midnight_ms - 90_000, To_ms: midnight_ms + 90_000, SensorFrame: true,
		Scale: float64(W_px-2*margin_px-legendW) / float64(g.Geom.NX)}
	extra := fmt.Sprintf("%.1f s on the map, %s; %.2f m cells", g.Sum(), SensorFrameNote, g.Geom.Cell_m)
	const short = "23:58:30 - 00:01:30 UTC | "
	for _, f := range []Format{PNG, SVG} {
		var b bytes.Buffer
		if err := Heatmap(&b, f, g, court.NBA, o); err != nil {
			t.Fatal(err)
		}
		if f == SVG {
			svg := b.String()
			var W int
			fmt.Sscanf(svg[strings.Index(svg, ` width="`):], ` width="%d"`, &W)
			avail := float64(W - 2*margin_px)
			if full := o.subtitle(extra); textWidth_px(SVG, full) <= avail {
				t.Fatalf("SVG, %d px wide: the full subtitle %q fits: the test tests nothing", W, full)
			}
			if want := `y="36" font-family="monospace" font-size="12" fill="#202020" text-anchor="start" xml:space="preserve">` + short + extra + "</text>"; !strings.Contains(svg, want) {
				t.Errorf("SVG, %d px wide: no subtitle %q", W, short+extra)
			}
			continue
		}
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		W := img.Bounds().Dx()
		if full := o.subtitle(extra); textWidth_px(PNG, full) <= float64(W-2*margin_px) {
			t.Fatalf("PNG, %d px wide: the full subtitle %q fits: the test tests nothing", W, full)
		}
		// Nothing of the subtitle drawn in the right margin.
		for y := 25; y < 40; y++ {
			for x := W - margin_px; x < W; x++ {
				if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
					t.Fatalf("PNG, %d px wide: the subtitle reaches (%d, %d), in the right margin", W, x, y)
				}
			}
		}
	}

	f := func(fm Format, o Options, extra string, avail float64, want string) {
		t.Helper()
		got := o.fitSubtitle(fm, extra, avail)
		if got != want {
			t.Errorf("fitSubtitle(%v, %d-%d, %q, %g) = %q, want %q", fm, o.From_ms, o.To_ms, extra, avail, got, want)
		}
		if w := textWidth_px(fm, got); w > avail {
			t.Errorf("fitSubtitle(%v, %d-%d, %q, %g) = %q: %.1f px", fm, o.From_ms, o.To_ms, extra, avail, got, w)
		}
	}
	across := Options{From_ms: midnight_ms - 90_000, To_ms: midnight_ms + 90_000}
	sameDay := Options{From_ms: midnight_ms - 3_600_000, To_ms: midnight_ms - 60_000}
	const full = "2025-11-26 23:58:30 - 2025-11-27 00:01:30 UTC | 80.0 s" // 54 characters
	// Fits: unchanged.
	f(PNG, across, "80.0 s", 54*7, full)
	f(SVG, across, "80.0 s", 54*svgCharW_px, full)
	f(PNG, sameDay, "80.0 s", 1000, "2025-11-26 23:00:00 - 23:59:00 UTC | 80.0 s")
	f(PNG, Options{}, "80.0 s", 6*7, "80.0 s")
	// One character too many: the times without their dates.
	f(PNG, across, "80.0 s", 53*7, "23:58:30 - 00:01:30 UTC | 80.0 s")
	f(SVG, across, "80.0 s", 53*svgCharW_px, "23:58:30 - 00:01:30 UTC | 80.0 s")
	f(PNG, sameDay, "80.0 s", 42*7, "23:00:00 - 23:59:00 UTC | 80.0 s")
	// Then no time range; then what the chart shows cut with "...".
	f(PNG, across, "80.0 s on the map, FIBA", 48*7, "80.0 s on the map, FIBA")
	f(PNG, across, "80.0 s on the map, FIBA", 20*7, "80.0 s on the map...")
}
