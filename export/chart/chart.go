package chart

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strings"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/track/heatmap"
)

// Format is an image format.
type Format uint8

const (
	PNG Format = iota + 1
	SVG
)

// ErrFormat is returned for an unknown format name or value.
var ErrFormat = errors.New("chart: unknown image format")

// ErrTooLarge is returned for a chart of more than MaxPixels pixels.
var ErrTooLarge = errors.New("chart: image too large")

// MaxPixels bounds a chart's width × height in pixels: 16 Mpx (64 MiB of
// RGBA), about 40 times a heatmap of the default 1 m margin at the default
// scale (878 × 490 px). Only a cell size or scale no one means gets there,
// a 1000 m cell drawing a 24 000 px square, and drawing it would take
// gigabytes or overflow the canvas's pixel offsets.
const MaxPixels = 1 << 24

// ParseFormat reads "png" or "svg" (case-insensitive).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "png":
		return PNG, nil
	case "svg":
		return SVG, nil
	}
	return 0, fmt.Errorf("%w %q (want png or svg)", ErrFormat, s)
}

func (f Format) String() string {
	switch f {
	case PNG:
		return "png"
	case SVG:
		return "svg"
	}
	return "unknown"
}

// Options set what a chart shows. Zero values take defaults.
type Options struct {
	Title string // e.g. "Player 23 (Team 461)"; as given in SVG, in PNG accents dropped and other non-ASCII as ?
	// TitleLabels follow Title on its line after ", " (e.g. "live time
	// only, folded: offence right, defence left"): what the map counts,
	// which a title must not lose. When the line is wider than the image
	// less its margins (measured at charW_px per character in PNG,
	// svgCharW_px in SVG), the labels stay whole and Title is cut at its
	// end and followed by "..." to fit (fitTitle).
	TitleLabels string
	// From_ms and To_ms are the time range (epoch ms, UTC; 0 and 0 to
	// omit) at the start of the subtitle, the line under the title, which
	// goes on with what the chart shows (seconds on the map or shots made,
	// the court or SensorFrameNote, the cell size). A subtitle wider than
	// the image less its margins (measured as the title) gives the time
	// range without its dates; if still too wide, no time range; then
	// what the chart shows is cut at its end with "..." (fitSubtitle).
	From_ms int64
	To_ms   int64
	Scale   float64 // pixels per metre; default 24
	Palette Palette // heatmaps; default Viridis
	Max_s   float64 // seconds at the top of the colour scale (its legend label beside "max"); default the grid's largest cell
	// Gamma shapes the colour scale: colour = palette((s/Max_s)^Gamma).
	// 0 or 1 is linear; 0.5 (square root) brings out the rarely visited
	// cells of one player's map beside a few hot spots. The legend is
	// labelled in seconds either way.
	Gamma float64
	// SensorFrame: the positions are in the sensor frame (no court.json),
	// not on the court. A heatmap then draws no court markings, which
	// would make it look calibrated, and its subtitle says so (SensorFrameNote).
	SensorFrame bool

	// pngEncode encodes a PNG canvas in place of encodePNG (nil): the
	// benchmark's image/png baseline, the same chart side by side.
	pngEncode func(io.Writer, *image.RGBA) error
}

// SensorFrameNote is what a heatmap's subtitle says in place of the
// court's name when Options.SensorFrame is set.
const SensorFrameNote = "sensor frame - no court.json"

// scale maps v = s/Max_s in [0, 1] to the palette position.
func (o *Options) scale(v float64) float64 {
	if o.Gamma > 0 && o.Gamma != 1 {
		return math.Pow(v, o.Gamma)
	}
	return v
}

// unscale is the inverse of scale: the value at palette position u.
func (o *Options) unscale(u float64) float64 {
	if o.Gamma > 0 && o.Gamma != 1 {
		return math.Pow(u, 1/o.Gamma)
	}
	return u
}

func (o *Options) defaults() {
	if !(o.Scale > 0) {
		o.Scale = 24
	}
}

// subtitle is the line under the title: the time range in UTC,
// "2025-11-26 10:00:00 - 10:04:00 UTC", with the end's date too when it
// falls on another UTC day than the start (an evening game in the Americas
// crosses 00:00 UTC), then " | " and extra (what the chart shows).
func (o *Options) subtitle(extra string) string {
	return joinSubtitle(o.timeRange(true), extra)
}

// fitSubtitle is subtitle(extra) as it fits in avail_px drawn in format f
// (measured as fitTitle measures): unchanged when it fits; else with the
// time range's times only ("23:58:30 - 00:01:30 UTC": the dates are the
// longest part and the least needed, the session's title and summary.json
// identify it); else extra alone; else extra cut at its end with "..."
// (fitTitle). The line below the subtitle is the chart's (a heatmap's
// "s/cell" sits at the height a third line would take), so it stays one
// line.
func (o *Options) fitSubtitle(f Format, extra string, avail_px float64) string {
	for _, s := range []string{o.subtitle(extra), joinSubtitle(o.timeRange(false), extra), extra} {
		if textWidth_px(f, s) <= avail_px {
			return s
		}
	}
	return fitTitle(f, extra, "", avail_px)
}

// timeRange is From_ms to To_ms in UTC, with dates (the end's only when it
// falls on another UTC day than the start) or without; "" for 0 and 0.
func (o *Options) timeRange(dates bool) string {
	if o.From_ms == 0 && o.To_ms == 0 {
		return ""
	}
	f := time.UnixMilli(o.From_ms).UTC()
	t := time.UnixMilli(o.To_ms).UTC()
	start, end := "15:04:05", "15:04:05"
	if dates {
		start = "2006-01-02 15:04:05"
		if fy, fm, fd := f.Date(); t.Year() != fy || t.Month() != fm || t.Day() != fd {
			end = "2006-01-02 15:04:05"
		}
	}
	return f.Format(start) + " - " + t.Format(end) + " UTC"
}

// joinSubtitle joins the parts of a subtitle that are not empty with " | ".
func joinSubtitle(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(p)
	}
	return b.String()
}

var (
	black     = color.RGBA{0x20, 0x20, 0x20, 0xff}
	lineLight = color.RGBA{0xf0, 0xf0, 0xf0, 0xff}
	floor     = color.RGBA{0xf3, 0xe6, 0xcc, 0xff} // shot chart floor
	lineDark  = color.RGBA{0x4a, 0x3b, 0x2a, 0xff}
	madeCol   = color.RGBA{0x1b, 0x7f, 0x3b, 0xff} // made shots (green)
	missCol   = color.RGBA{0xc0, 0x39, 0x2b, 0xff} // missed shots (red, drawn as a cross: not colour alone)
)

const (
	margin_px = 16
	titleH_px = 44
	legendW   = 110
	// shotLegendW fits a zone table row: 2+1+18+1+5 characters of 7 px.
	shotLegendW = 220
)

// canvasSize is the size in pixels of a chart (what, for the error)
// showing wM × hM metres at scale px/m, plus extraW × extraH px of margins
// and legend; an error wrapping ErrTooLarge when that is more than
// MaxPixels or not finite. It computes in float64, which cannot overflow.
func canvasSize(what string, wM, hM, scale float64, extraW, extraH int) (w, h int, err error) {
	fw := math.Ceil(wM*scale) + float64(extraW)
	fh := math.Ceil(hM*scale) + float64(extraH)
	if !(fw >= 1 && fh >= 1 && fw*fh <= MaxPixels) {
		return 0, 0, fmt.Errorf("%w: %s, %.4g × %.4g px (%.4g × %.4g m at %.4g px/m), at most %d px", ErrTooLarge, what, fw, fh, wM, hM, scale, MaxPixels)
	}
	return int(fw), int(fh), nil
}

func newCanvas(f Format, w, h int, o *Options) (canvas, error) {
	switch f {
	case PNG:
		c := newPNG(w, h)
		c.encode = o.pngEncode
		return c, nil
	case SVG:
		return newSVG(w, h), nil
	}
	return nil, fmt.Errorf("%w %d", ErrFormat, f)
}

// view maps canonical metres to pixels: x east to the right, y north up.
type view struct {
	minX, maxY, scale float64
	ox, oy            float64 // pixel of (minX, maxY)
}

func (v view) px(x, y float64) pt {
	return pt{v.ox + (x-v.minX)*v.scale, v.oy + (v.maxY-y)*v.scale}
}

func (v view) line(p []pt) []pt {
	out := make([]pt, len(p))
	for i, q := range p {
		out[i] = v.px(q.x, q.y)
	}
	return out
}

// Heatmap draws g (seconds per cell) over the court t, with a colour legend
// in seconds, as format f on w. The drawn area is g's grid: the court plus
// its margin. Output is deterministic.
func Heatmap(w io.Writer, f Format, g *heatmap.Grid, t court.Template, o Options) error {
	if g == nil || g.Geom.NX <= 0 || g.Geom.NY <= 0 || len(g.Seconds) != g.Geom.Len() {
		return errors.New("chart: heatmap: empty or inconsistent grid")
	}
	o.defaults()
	gg := g.Geom
	wM, hM := float64(gg.NX)*gg.Cell_m, float64(gg.NY)*gg.Cell_m
	W, H, err := canvasSize(fmt.Sprintf("heatmap of %d × %d cells of %g m", gg.NX, gg.NY, gg.Cell_m), wM, hM, o.Scale, 2*margin_px+legendW, 2*margin_px+titleH_px)
	if err != nil {
		return err
	}
	c, err := newCanvas(f, W, H, &o)
	if err != nil {
		return err
	}
	v := view{minX: gg.MinX_m, maxY: gg.MinY_m + hM, scale: o.Scale, ox: margin_px, oy: margin_px + titleH_px}
	maxS := o.Max_s
	if !(maxS > 0) {
		maxS = g.Max()
	}
	c.rect(v.ox, v.oy, v.ox+wM*o.Scale, v.oy+hM*o.Scale, o.Palette.At(0))
	for i, s := range g.Seconds {
		if s == 0 {
			continue
		}
		ix, iy := gg.CellOf(i)
		x0, y0 := gg.MinX_m+float64(ix)*gg.Cell_m, gg.MinY_m+float64(iy)*gg.Cell_m
		a, b := v.px(x0, y0+gg.Cell_m), v.px(x0+gg.Cell_m, y0)
		val := 0.0
		if maxS > 0 {
			val = o.scale(s / maxS)
		}
		c.rect(a.x, a.y, b.x, b.y, o.Palette.At(val))
	}
	where := t.Title
	if o.SensorFrame {
		where = SensorFrameNote + ";"
	} else {
		var lines [][]pt
		for _, m := range markings(t) {
			lines = append(lines, v.line(m))
		}
		c.polylines(lines, 1.5, lineLight)
	}
	title := o.Title
	if title == "" {
		title = fmt.Sprintf("%s %d", g.Scope, g.ID)
	}
	c.text(margin_px, 20, fitTitle(f, title, o.TitleLabels, float64(W-2*margin_px)), black, 0)
	c.text(margin_px, 36, o.fitSubtitle(f, fmt.Sprintf("%.1f s on the map, %s %.2f m cells", g.Sum(), where, gg.Cell_m), float64(W-2*margin_px)), black, 0)
	// Legend: a vertical bar, max at the top.
	lx := float64(W - legendW + 24)
	top, bot := v.oy, v.oy+hM*o.Scale
	const steps = 64
	for i := range steps {
		y0 := top + (bot-top)*float64(i)/steps
		y1 := top + (bot-top)*float64(i+1)/steps
		c.rect(lx, y0, lx+18, y1, o.Palette.At(1-(float64(i)+0.5)/steps))
	}
	// The bar's frame and ticks are the same in every heatmap of a size:
	// polylines takes their coverage from its cache (drawing them was a
	// tenth of a heatmap's time). The tick labels do not touch them.
	frame := [][]pt{{{lx, top}, {lx + 18, top}, {lx + 18, bot}, {lx, bot}, {lx, top}}}
	for i := 0; i <= 4; i++ {
		y := bot - (bot-top)*float64(i)/4
		frame = append(frame, []pt{{lx + 18, y}, {lx + 22, y}})
	}
	c.polylines(frame, 1, black)
	for i := 0; i <= 4; i++ {
		y := bot - (bot-top)*float64(i)/4
		c.text(lx+25, y+4, fmt.Sprintf("%.1f", maxS*o.unscale(float64(i)/4)), black, 0)
	}
	c.text(lx+9, top-12, "s/cell", black, 1)
	// The top is this map's own largest cell (unless Options.Max_s), so
	// the same colour in two maps is not the same time: name it.
	c.text(lx-3, top+4, "max", black, 2)
	return c.finish(w)
}

// ShotChart draws shots (on the east half, as heatmap.ShotChart stores
// them) over half of court t: made shots as filled discs, missed shots as
// crosses, with a legend of counts and field-goal percentage.
func ShotChart(w io.Writer, f Format, shots []heatmap.Shot, t court.Template, o Options) error {
	o.defaults()
	const pad_m = 1.0
	minX, maxX := -pad_m, t.Length_m/2+pad_m
	minY, maxY := -t.Width_m/2-pad_m, t.Width_m/2+pad_m
	wM, hM := maxX-minX, maxY-minY
	W, H, err := canvasSize("shot chart", wM, hM, o.Scale, 2*margin_px+shotLegendW, 2*margin_px+titleH_px)
	if err != nil {
		return err
	}
	c, err := newCanvas(f, W, H, &o)
	if err != nil {
		return err
	}
	v := view{minX: minX, maxY: maxY, scale: o.Scale, ox: margin_px, oy: margin_px + titleH_px}
	a, b := v.px(0, t.Width_m/2), v.px(t.Length_m/2, -t.Width_m/2)
	c.rect(a.x, a.y, b.x, b.y, floor)
	var lines [][]pt
	for _, m := range markings(t) {
		// Keep the east half: every marking lies on one side of x = 0
		// except the boundary, the center line and the center circle,
		// which are clipped.
		for _, q := range clipEast(m) {
			lines = append(lines, v.line(q))
		}
	}
	c.polylines(lines, 1.5, lineDark)
	made, att := 0, 0
	r := 0.18 * o.Scale
	for _, s := range shots {
		att++
		p := v.px(s.X_m, s.Y_m)
		if s.Made {
			made++
			c.disc(p.x, p.y, r, madeCol)
			continue
		}
		missMark(c, p, r)
	}
	title := o.Title
	if title == "" {
		title = "Shots"
	}
	pct := 0.0
	if att > 0 {
		pct = 100 * float64(made) / float64(att)
	}
	c.text(margin_px, 20, fitTitle(f, title, o.TitleLabels, float64(W-2*margin_px)), black, 0)
	c.text(margin_px, 36, o.fitSubtitle(f, fmt.Sprintf("%d/%d made (%.1f%%), %s", made, att, pct, t.Title), float64(W-2*margin_px)), black, 0)
	lx := float64(W - shotLegendW + 12)
	ly := v.oy + 20
	c.disc(lx+6, ly-4, r, madeCol)
	c.text(lx+20, ly, fmt.Sprintf("made %d", made), black, 0)
	ly += 24
	missMark(c, pt{lx + 6, ly - 4}, r)
	c.text(lx+20, ly, fmt.Sprintf("missed %d", att-made), black, 0)
	// By zone (court.StandardZones names; feed shots carry ShotTracker's
	// own numbers).
	var zones [court.NumZones + 1][2]int
	for _, s := range shots {
		z := int(s.Zone)
		if z > court.NumZones {
			z = 0
		}
		zones[z][1]++
		if s.Made {
			zones[z][0]++
		}
	}
	ly += 32
	c.text(lx, ly, "zone          made/att", black, 0)
	for z := 1; z <= court.NumZones; z++ {
		if zones[z][1] == 0 {
			continue
		}
		ly += 16
		c.text(lx, ly, fmt.Sprintf("%2d %-18s %d/%d", z, court.Zone(z).String(), zones[z][0], zones[z][1]), black, 0)
	}
	if zones[0][1] > 0 {
		ly += 16
		c.text(lx, ly, fmt.Sprintf("   %-18s %d/%d", "no zone", zones[0][0], zones[0][1]), black, 0)
	}
	return c.finish(w)
}

// missMark draws a missed shot: an X of half-size r pixels centred on p.
func missMark(c canvas, p pt, r float64) {
	c.polyline([]pt{{p.x - r, p.y - r}, {p.x + r, p.y + r}}, 2, missCol)
	c.polyline([]pt{{p.x - r, p.y + r}, {p.x + r, p.y - r}}, 2, missCol)
}

// clipEast keeps the parts of a polyline with x >= 0, split where the line
// leaves the east half.
func clipEast(p []pt) [][]pt {
	var out [][]pt
	var cur []pt
	for i := 0; i+1 < len(p); i++ {
		a, b := p[i], p[i+1]
		if a.x < 0 && b.x < 0 {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		if a.x < 0 {
			a = pt{0, a.y + (b.y-a.y)*(0-a.x)/(b.x-a.x)}
		}
		if b.x < 0 {
			b = pt{0, a.y + (b.y-a.y)*(0-a.x)/(b.x-a.x)}
		}
		if len(cur) == 0 || cur[len(cur)-1] != a {
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = []pt{a}
		}
		cur = append(cur, b)
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}
