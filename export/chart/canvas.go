package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// canvas is what a chart draws on, in pixels with y down. The PNG and SVG
// canvases draw the same primitives so that both formats show the same
// picture.
type canvas interface {
	rect(x0, y0, x1, y1 float64, c color.RGBA)
	polyline(p []pt, width float64, c color.RGBA)
	// polylines draws each of ps in turn, as polyline does: the court's
	// lines, the same for every chart of a template and size.
	polylines(ps [][]pt, width float64, c color.RGBA)
	disc(cx, cy, r float64, c color.RGBA)
	// text draws s with its baseline at y; anchor is 0 (start), 1 (middle)
	// or 2 (end).
	text(x, y float64, s string, c color.RGBA, anchor int)
	finish(w io.Writer) error
}

const (
	charW_px = 7  // basicfont.Face7x13 advance
	charH_px = 13 // its line height
)

// pngCanvas rasterises with anti-aliased lines and discs (coverage from the
// pixel centre's distance to the shape).
type pngCanvas struct {
	img    *image.RGBA
	encode func(io.Writer, *image.RGBA) error // nil: encodePNG (Options.pngEncode)
}

func newPNG(w, h int) *pngCanvas {
	n := 4 * w * h
	pix, _ := pixPool.get()
	if cap(pix) < n {
		pix = make([]byte, n)
	}
	img := &image.RGBA{Pix: pix[:n], Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	return &pngCanvas{img: img}
}

// pixPool holds the pixels of finished PNG canvases for the next: a chart
// is 1.5 MB of them, and analyze draws thirty per game, on every CPU.
var pixPool freeList[[]byte]

// freeList keeps values for reuse, at most one per CPU (GOMAXPROCS, as
// many as charts drawn at once). Unlike a sync.Pool, which every garbage
// collection empties, it keeps them: analyze allocates enough meanwhile
// for a collection to fall between two charts, and a new canvas then cost
// 1.5 MB of fresh pages, each faulted in and cleared by the kernel.
type freeList[T any] struct {
	mu    sync.Mutex
	items []T
}

func (f *freeList[T]) get() (x T, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.items) == 0 {
		return x, false
	}
	x = f.items[len(f.items)-1]
	f.items = f.items[:len(f.items)-1]
	return x, true
}

func (f *freeList[T]) put(x T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.items) < runtime.GOMAXPROCS(0) {
		f.items = append(f.items, x)
	}
}

func (c *pngCanvas) rect(x0, y0, x1, y1 float64, col color.RGBA) {
	r := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
	draw.Draw(c.img, r.Intersect(c.img.Bounds()), image.NewUniform(col), image.Point{}, draw.Src)
}

// blend mixes col into pixel (x, y) with coverage a in [0, 1].
func (c *pngCanvas) blend(x, y int, col color.RGBA, a float64) {
	if a <= 0 || !(image.Point{x, y}.In(c.img.Bounds())) {
		return
	}
	c.blendAt(c.img.PixOffset(x, y), col, a)
}

// blendAt is blend at pixel offset i, inside the image, with 0 < a.
func (c *pngCanvas) blendAt(i int, col color.RGBA, a float64) {
	if a > 1 {
		a = 1
	}
	p := c.img.Pix[i : i+4 : i+4]
	mix := func(d, s uint8) uint8 { return blendByte(d, s, a) }
	p[0], p[1], p[2], p[3] = mix(p[0], col.R), mix(p[1], col.G), mix(p[2], col.B), 0xff
}

// blendByte is uint8(math.Round(d·(1−a) + s·a)) for 0 ≤ a ≤ 1: the
// truncation of the (non-negative) mix, plus one when its exact fraction
// is at least a half. math.Round's bit handling was a sixth of drawing a
// court's lines.
func blendByte(d, s uint8, a float64) uint8 {
	x := float64(d)*(1-a) + float64(s)*a
	v := int(x)
	if x-float64(v) >= 0.5 {
		v++
	}
	return uint8(v)
}

func (c *pngCanvas) polyline(p []pt, width float64, col color.RGBA) {
	c.cover(p, width, func(x, y int, cov float64) { c.blend(x, y, col, cov) })
}

// polylines blends the coverage of ps from a cache of the last few sets of
// lines drawn (lineCache): the court's lines took a fifth of a heatmap's
// time, and a game draws about thirty charts with the same lines. The
// pixels are the same as from drawing each polyline in turn: the cache
// keeps every blend in order.
func (c *pngCanvas) polylines(ps [][]pt, width float64, col color.RGBA) {
	b := c.img.Bounds()
	ops := lineCache.get(coverKey{b, width}, ps, func() (ops []blendOp) {
		for _, p := range ps {
			c.cover(p, width, func(x, y int, cov float64) {
				if cov > 0 && (image.Point{x, y}).In(b) {
					ops = append(ops, blendOp{int32(c.img.PixOffset(x, y)), cov})
				}
			})
		}
		return ops
	})
	for _, o := range ops {
		c.blendAt(int(o.off), col, o.cov)
	}
}

// blendOp is one blend of a polyline: coverage cov at pixel offset off.
type blendOp struct {
	off int32
	cov float64
}

// lineCache holds the blends of the last few sets of lines drawn, by image
// bounds, width and points (compared exactly). Charts are drawn on several
// goroutines at once (analyze --jobs).
var lineCache = &setCache[coverKey, []blendOp]{}

type coverKey struct {
	b     image.Rectangle
	width float64
}

// svgLineCache holds the SVG text of the last few sets of lines written,
// by width, colour and points.
var svgLineCache = &setCache[svgLineKey, []byte]{}

type svgLineKey struct {
	width float64
	col   color.RGBA
}

// setCache holds what was computed for the last few sets of lines, by the
// other inputs (K) and the lines' points, compared exactly.
type setCache[K comparable, V any] struct {
	mu      sync.Mutex
	entries []setEntry[K, V] // newest last
}

type setEntry[K comparable, V any] struct {
	k  K
	ps [][]pt
	v  V
}

// maxCoverEntries is how many sets of lines a setCache keeps: the
// heatmaps' courts and legend frames and the shot charts' courts of a
// template or two.
const maxCoverEntries = 6

// get returns the value for k and lines ps, from the cache or else from
// compute. It computes under the cache's lock, so that charts drawn at
// once on several goroutines wait for the first one's value instead of
// each computing it again (a few ms for a court's coverage).
func (sc *setCache[K, V]) get(k K, ps [][]pt, compute func() V) V {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, e := range sc.entries {
		if e.k == k && slices.EqualFunc(e.ps, ps, slices.Equal[[]pt]) {
			return e.v
		}
	}
	v := compute()
	cp := make([][]pt, len(ps))
	for i, p := range ps {
		cp[i] = slices.Clone(p)
	}
	if len(sc.entries) == maxCoverEntries {
		sc.entries = append(sc.entries[:0], sc.entries[1:]...)
	}
	sc.entries = append(sc.entries, setEntry[K, V]{k, cp, v})
	return v
}

// cover calls blend with the coverage of each pixel near the polyline p of
// the given width, from the pixel centre's distance to the nearest segment.
func (c *pngCanvas) cover(p []pt, width float64, blend func(x, y int, cov float64)) {
	if len(p) < 2 {
		return
	}
	// Coverage of each pixel from its distance to the nearest segment, so
	// joints do not double-blend.
	h := width / 2
	for i := 0; i+1 < len(p); i++ {
		a, b := p[i], p[i+1]
		x0 := int(math.Floor(math.Min(a.x, b.x) - h - 1))
		x1 := int(math.Ceil(math.Max(a.x, b.x) + h + 1))
		y0 := int(math.Floor(math.Min(a.y, b.y) - h - 1))
		y1 := int(math.Ceil(math.Max(a.y, b.y) + h + 1))
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				q := pt{float64(x) + 0.5, float64(y) + 0.5}
				d := segDist(q, a, b)
				cov := h + 0.5 - d
				if cov <= 0 {
					continue
				}
				// Blend once: only from the first segment (by index) that
				// is nearest to this pixel.
				if nearestSeg(q, p, i, d) {
					blend(x, y, cov)
				}
			}
		}
	}
}

// nearestSeg reports whether segment i is the lowest-index segment of p at
// distance d (or nearer) from q, among those that cover q.
func nearestSeg(q pt, p []pt, i int, d float64) bool {
	// Only neighbours can overlap near a joint for our thin lines; check a
	// window around i for speed and determinism.
	for j := max(0, i-3); j+1 < len(p) && j <= i+3; j++ {
		if j == i {
			continue
		}
		dj := segDist(q, p[j], p[j+1])
		if dj < d || (dj == d && j < i) {
			return false
		}
	}
	return true
}

func segDist(q, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = ((q.x-a.x)*dx + (q.y-a.y)*dy) / l2
		t = math.Max(0, math.Min(1, t))
	}
	return math.Hypot(q.x-(a.x+t*dx), q.y-(a.y+t*dy))
}

func (c *pngCanvas) disc(cx, cy, r float64, col color.RGBA) {
	for y := int(math.Floor(cy - r - 1)); y <= int(math.Ceil(cy+r+1)); y++ {
		for x := int(math.Floor(cx - r - 1)); x <= int(math.Ceil(cx+r+1)); x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			c.blend(x, y, col, r+0.5-d)
		}
	}
}

func (c *pngCanvas) text(x, y float64, s string, col color.RGBA, anchor int) {
	s = pngText(s)
	w := float64(len(s) * charW_px)
	x -= w * float64(anchor) / 2
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: basicfont.Face7x13,
		Dot: fixed.P(int(math.Round(x)), int(math.Round(y)))}
	d.DrawString(s)
}

// pngEncoder writes the canvases that encodePNG does not (one with a pixel
// that is not opaque). It compresses at zlib's best speed: at the default
// level, zlib took about half of a heatmap's 30-40 ms (1.2 MB of pixels,
// 838 x 460) for files 5-11 % smaller. Its buffers are reused.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

// pngBuffers is a png.EncoderBufferPool on a sync.Pool: charts are drawn
// on several goroutines at once (analyze --jobs).
type pngBuffers struct{ p sync.Pool }

func (b *pngBuffers) Get() *png.EncoderBuffer {
	e, _ := b.p.Get().(*png.EncoderBuffer)
	return e
}

func (b *pngBuffers) Put(e *png.EncoderBuffer) { b.p.Put(e) }

func (c *pngCanvas) finish(w io.Writer) error {
	defer func() {
		pix := c.img.Pix
		c.img = nil
		pixPool.put(pix)
	}()
	encode := c.encode
	if encode == nil {
		encode = encodePNG
	}
	if err := encode(w, c.img); err != nil {
		return fmt.Errorf("chart: encode png: %w", err)
	}
	return nil
}

// svgCanvas writes hand-made SVG with coordinates rounded to 0.01 px, so
// the output is byte-for-byte deterministic. Numbers are appended to the
// buffer (appendNum), not formatted into strings: a heatmap's court lines
// are some two thousand points.
type svgCanvas struct {
	w, h int
	b    bytes.Buffer
}

func newSVG(w, h int) *svgCanvas {
	c := &svgCanvas{w: w, h: h}
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", w, h, w, h)
	fmt.Fprintf(&c.b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", w, h)
	return c
}

// num formats v rounded to 0.01 as strconv.FormatFloat(v', 'f', -1, 64)
// does for the rounded value v' (shortest form: no trailing zeros).
func num(v float64) string { return string(appendNum(nil, v)) }

// appendNum appends num(v) to dst. Below 10¹³ in magnitude the rounded
// value is an integer number of hundredths k whose shortest decimal form
// is k's digits with the point two places from the right: no shorter
// decimal is within a float64 spacing of it. It is written from k
// directly; everything else (0, whose sign FormatFloat keeps, and huge,
// infinite or NaN values) goes to strconv.
func appendNum(dst []byte, v float64) []byte {
	r := math.Round(v * 100)
	if r == 0 || !(math.Abs(r) < 1e15) {
		return strconv.AppendFloat(dst, r/100, 'f', -1, 64)
	}
	k := int64(r)
	if k < 0 {
		dst = append(dst, '-')
		k = -k
	}
	dst = strconv.AppendInt(dst, k/100, 10)
	if f := k % 100; f != 0 {
		dst = append(dst, '.', byte('0'+f/10))
		if f%10 != 0 {
			dst = append(dst, byte('0'+f%10))
		}
	}
	return dst
}

func hex(c color.RGBA) string { return string(appendHex(nil, c)) }

func appendHex(dst []byte, c color.RGBA) []byte {
	const digits = "0123456789abcdef"
	return append(dst, '#', digits[c.R>>4], digits[c.R&15], digits[c.G>>4], digits[c.G&15], digits[c.B>>4], digits[c.B&15])
}

// attr appends ` name="v"` with v as num formats it.
func (c *svgCanvas) attr(name string, v float64) {
	c.b.WriteString(name)
	c.b.WriteString(`="`)
	c.b.Write(appendNum(c.b.AvailableBuffer(), v))
	c.b.WriteByte('"')
}

func (c *svgCanvas) fill(col color.RGBA) {
	c.b.WriteString(` fill="`)
	c.b.Write(appendHex(c.b.AvailableBuffer(), col))
	c.b.WriteString(`"/>` + "\n")
}

func (c *svgCanvas) rect(x0, y0, x1, y1 float64, col color.RGBA) {
	// Same pixel snapping as the PNG, so cells tile without seams.
	x0, y0, x1, y1 = math.Round(x0), math.Round(y0), math.Round(x1), math.Round(y1)
	c.b.WriteString("<rect")
	c.attr(" x", x0)
	c.attr(" y", y0)
	c.attr(" width", x1-x0)
	c.attr(" height", y1-y0)
	c.fill(col)
}

// polylines writes ps as polyline does, from a cache of the last few sets
// written (svgLineCache): the court's lines are the same in every chart of
// a template and size.
func (c *svgCanvas) polylines(ps [][]pt, width float64, col color.RGBA) {
	c.b.Write(svgLineCache.get(svgLineKey{width, col}, ps, func() []byte {
		var t svgCanvas
		for _, p := range ps {
			t.polyline(p, width, col)
		}
		return t.b.Bytes()
	}))
}

func (c *svgCanvas) polyline(p []pt, width float64, col color.RGBA) {
	if len(p) < 2 {
		return
	}
	c.b.WriteString(`<polyline fill="none" stroke="`)
	c.b.Write(appendHex(c.b.AvailableBuffer(), col))
	c.b.WriteByte('"')
	c.attr(" stroke-width", width)
	c.b.WriteString(` stroke-linejoin="round" points="`)
	for i, q := range p {
		buf := c.b.AvailableBuffer()
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = appendNum(buf, q.x)
		buf = append(buf, ',')
		c.b.Write(appendNum(buf, q.y))
	}
	c.b.WriteString("\"/>\n")
}

func (c *svgCanvas) disc(cx, cy, r float64, col color.RGBA) {
	c.b.WriteString("<circle")
	c.attr(" cx", cx)
	c.attr(" cy", cy)
	c.attr(" r", r)
	c.fill(col)
}

func (c *svgCanvas) text(x, y float64, s string, col color.RGBA, anchor int) {
	a := [...]string{"start", "middle", "end"}[anchor]
	fmt.Fprintf(&c.b, `<text x="%s" y="%s" font-family="monospace" font-size="12" fill="%s" text-anchor="%s" xml:space="preserve">%s</text>`+"\n",
		num(x), num(y), hex(col), a, xmlEscape(s))
}

func (c *svgCanvas) finish(w io.Writer) error {
	c.b.WriteString("</svg>\n")
	if _, err := w.Write(c.b.Bytes()); err != nil {
		return fmt.Errorf("chart: write svg: %w", err)
	}
	return nil
}
