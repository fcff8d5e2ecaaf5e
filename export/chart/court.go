package chart

import (
	"math"
	"sync"

	"github.com/stmotion/stmotion/court"
)

// pt is a point in metres (canonical frame) or pixels, by context.
type pt struct{ x, y float64 }

// markings returns the court's lines (court.Markings) as polylines in
// metres: arcs and circles become ~5 cm chords, dashed arcs become dashes
// of ~0.3 m with gaps of the same length. The polylines are shared by
// every chart of the template (markingsMemo): read only.
func markings(t court.Template) [][]pt {
	markingsMemo.mu.Lock()
	defer markingsMemo.mu.Unlock()
	m := &markingsMemo
	for i, mt := range m.t {
		if mt == t {
			return m.lines[i]
		}
	}
	lines := drawMarkings(t)
	if len(m.t) == maxMarkingsMemo {
		m.t, m.lines = m.t[1:], m.lines[1:]
	}
	m.t, m.lines = append(m.t, t), append(m.lines, lines)
	return lines
}

// markingsMemo holds the markings of the last few templates drawn: a game
// draws about thirty charts of one template, and computing the arcs'
// points took a twentieth of a heatmap's time.
var markingsMemo struct {
	mu    sync.Mutex
	t     []court.Template
	lines [][][]pt
}

const maxMarkingsMemo = 4

// drawMarkings computes markings(t).
func drawMarkings(t court.Template) [][]pt {
	var out [][]pt
	for _, s := range court.Markings(t) {
		c := pt{s.C.X, s.C.Y}
		switch s.Kind {
		case court.Line:
			out = append(out, []pt{{s.P0.X, s.P0.Y}, {s.P1.X, s.P1.Y}})
		case court.Circle:
			out = append(out, arc(c, s.R_m, 0, 2*math.Pi))
		case court.Arc:
			if !s.Dashed {
				out = append(out, arc(c, s.R_m, s.From_rad, s.To_rad))
				continue
			}
			step := 0.3 / s.R_m // dash angle
			for a := s.From_rad; a < s.To_rad; a += 2 * step {
				out = append(out, arc(c, s.R_m, a, math.Min(a+step, s.To_rad)))
			}
		}
	}
	return out
}

// arc returns points on the circle of radius r around c from angle a0 to
// a1 (radians, counter-clockwise).
func arc(c pt, r, a0, a1 float64) []pt {
	n := int(math.Ceil(math.Abs(a1-a0) * r / 0.05))
	if n < 8 {
		n = 8
	}
	out := make([]pt, n+1)
	for i := range out {
		a := a0 + (a1-a0)*float64(i)/float64(n)
		out[i] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	return out
}
