package track

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track/heatmap"
	"github.com/stmotion/stmotion/track/possession"
)

// attachAnalyzers attaches the possession and heatmap analyzers to s as
// pipeline.Attach does (default cell, folded or not) and returns the
// possession analyzer, which takes the feed's shots (FeedShot).
func attachAnalyzers(tb testing.TB, s *Session, meta Meta, fold bool) *PossessionAnalyzer {
	tb.Helper()
	tmpl := meta.Court.Template
	poss := NewPossessionAnalyzer(meta.Roster, possession.ConfigFor(tmpl))
	heat := NewHeatmapAnalyzer(heatmap.Options{Court: tmpl, Fold: fold})
	poss.Observe(heat.Segment)
	for _, a := range []Analyzer{poss, heat} {
		if err := s.Attach(a); err != nil {
			tb.Fatal(err)
		}
	}
	return poss
}

// feedRecording feeds the recording at path to s in arrival order, as
// analyze does; before, when not nil, sees each message first (to feed
// more).
func feedRecording(tb testing.TB, s *Session, path string, before func(*decode.Message)) {
	tb.Helper()
	r, err := decode.OpenRecording(path, decode.ReaderOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		if before != nil {
			before(&m)
		}
		if err := s.Feed(&m); err != nil {
			tb.Fatal(err)
		}
	}
	if err := r.Err(); err != nil {
		tb.Fatal(err)
	}
}

// collect is a Sink that keeps copies of everything.
type collect struct {
	samples  []Sample
	segments []Segment
	sum      *Summary
	closed   int
}

func (c *collect) Samples(b []Sample) error { c.samples = append(c.samples, b...); return nil }
func (c *collect) Segment(s *Segment) error { c.segments = append(c.segments, *s); return nil }
func (c *collect) Close(s *Summary) error   { c.sum = s; c.closed++; return nil }

func (c *collect) of(id int64) []Sample {
	var out []Sample
	for _, s := range c.samples {
		if s.SensorID == id {
			out = append(out, s)
		}
	}
	return out
}

func (c *collect) segs(t SegmentType) []Segment {
	var out []Segment
	for _, s := range c.segments {
		if s.Type == t {
			out = append(out, s)
		}
	}
	return out
}

// discard is a Sink that drops everything (benchmarks, alloc tests).
type discard struct{ n int }

func (d *discard) Samples(b []Sample) error { d.n += len(b); return nil }
func (d *discard) Segment(*Segment) error   { return nil }
func (d *discard) Close(*Summary) error     { return nil }

// path is a noise-free trajectory: position (m) at time t (s).
type path func(t float64) (x, y float64)

// feedMsg is one generated message with its arrival rank.
type feedMsg struct {
	m     decode.Message
	order float64
}

// genSpec describes a generated location feed.
type genSpec struct {
	start_ms  int64
	period_ms int64
	dur_s     float64
	noise_m   float64
	seed      uint64
	sensors   []genSensor
}

type genSensor struct {
	id   int64
	ball bool
	p    path
	from float64 // seconds after start the sensor begins reporting
}

// gen builds location messages in time order (sensor frame mm = metres·1000,
// so with no court the engine's frame equals the path's).
func gen(g genSpec) []decode.Message {
	rng := rand.New(rand.NewPCG(g.seed, 99))
	var out []decode.Message
	n := int(g.dur_s * 1000 / float64(g.period_ms))
	for i := 0; i <= n; i++ {
		t := float64(i) * float64(g.period_ms) / 1000
		for _, s := range g.sensors {
			if t < s.from {
				continue
			}
			x, y := s.p(t)
			x += g.noise_m * rng.NormFloat64()
			y += g.noise_m * rng.NormFloat64()
			var m decode.Message
			m.Kind = decode.KindLocation
			m.Location = decode.Location{
				OccurredAt_ms: g.start_ms + int64(i)*g.period_ms,
				Sensor:        decode.SensorPlayer, ID: s.id,
				X_mm: int32(math.Round(x * 1000)), Y_mm: int32(math.Round(y * 1000)), Z_mm: 60,
			}
			if s.ball {
				m.Location.Sensor = decode.SensorBall
				m.Location.Z_mm = 1000
			}
			out = append(out, m)
		}
	}
	return out
}

// pathLength integrates a path numerically at 1 ms.
func pathLength(p path, from, to float64) float64 {
	d := 0.0
	px, py := p(from)
	for t := from + 0.001; t <= to+1e-9; t += 0.001 {
		x, y := p(t)
		d += math.Hypot(x-px, y-py)
		px, py = x, y
	}
	return d
}

func still(x, y float64) path { return func(float64) (float64, float64) { return x, y } }

func line(vx, vy float64) path {
	return func(t float64) (float64, float64) { return vx * t, vy * t }
}

func circle(r, speed float64) path {
	w := speed / r
	return func(t float64) (float64, float64) { return r * math.Cos(w*t), r * math.Sin(w*t) }
}

// shuttle runs back and forth along x at speed v with accelerations of a.
func shuttle(length, v, a float64) path {
	ta := v / a
	da := v * ta / 2
	tc := (length - 2*da) / v
	leg := 2*ta + tc
	pos := func(t float64) float64 {
		switch {
		case t < ta:
			return a * t * t / 2
		case t < ta+tc:
			return da + v*(t-ta)
		default:
			u := leg - t
			return length - a*u*u/2
		}
	}
	return func(t float64) (float64, float64) {
		k := math.Floor(t / leg)
		u := t - k*leg
		if int(k)%2 == 0 {
			return pos(u), 0
		}
		return length - pos(u), 0
	}
}

func run(cfg Config, meta Meta, msgs []decode.Message) (*collect, *Summary, error) {
	c := &collect{}
	s, err := NewSession(cfg, meta, c)
	if err != nil {
		return nil, nil, err
	}
	for i := range msgs {
		if err := s.Feed(&msgs[i]); err != nil {
			return c, nil, err
		}
	}
	sum, err := s.Close()
	return c, sum, err
}

func player(sum *Summary, id int64) *PlayerSummary {
	for i := range sum.Players {
		if sum.Players[i].PlayerID == id {
			return &sum.Players[i]
		}
	}
	return nil
}

// shuffleLate delivers a fraction of messages k positions late.
func shuffleLate(msgs []decode.Message, frac float64, k int, seed uint64) []decode.Message {
	rng := rand.New(rand.NewPCG(seed, 7))
	fm := make([]feedMsg, len(msgs))
	for i := range msgs {
		o := float64(i)
		if rng.Float64() < frac {
			o += float64(k) + 0.5
		}
		fm[i] = feedMsg{msgs[i], o}
	}
	sort.SliceStable(fm, func(i, j int) bool { return fm[i].order < fm[j].order })
	out := make([]decode.Message, len(fm))
	for i := range fm {
		out[i] = fm[i].m
	}
	return out
}
