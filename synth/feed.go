package synth

import (
	"io"
	"math"
	"math/rand/v2"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/geom"
)

// The feed turns the noise-free motion into websocket lines: every sensor
// (the ball, then the roster in order) is sampled once per nominal tick
// k/Hz at an instant jittered by a few ms (one instant for the whole tick,
// as real feeds stamp a frame, or one per sensor with JitterPerSensor);
// occurred_at is that instant and the position is the exact noise-free
// position there, mapped to the sensor frame, plus a wandering per-sensor
// offset and Gaussian noise (and rarely an outlier), rounded to whole mm.
// Samples are lost singly (DropRate), in per-sensor dropouts and in
// whole-feed gaps during dead balls; lines are sometimes delivered twice or
// a few lines late. Stats, shots and markers are interleaved at their
// delivery time. Memory is constant: a ring of the last ringLen steps.

// ringLen snapshots of the motion are kept: samples are evaluated inside the
// step that contains their instant, which lags the simulation by at most
// the jitter bound plus one step.
const ringLen = 64

type pstate struct {
	x, y, vx, vy, ax, ay float64
	stride, strideHz     float64
	lift                 float64
}

type snapshot struct {
	p          []pstate
	bx, by, bz float64
}

type heldLine struct {
	line  []byte
	after int
}

type feed struct {
	cfg  Config
	g    *game
	w    io.Writer
	rng  *rand.Rand
	s2c  geom.Similarity2 // court m → sensor mm
	ring [ringLen]snapshot
	last int // last stored step

	nextTick  int64
	period_ms float64
	jmax_ms   int64
	end_ms    int64
	dropUntil []int64      // per sensor: 0 ball, 1+i player i
	bias      [][2]float64 // per sensor: the wandering offset, mm
	biasKeep  float64      // exp(-period/tau): how much of the offset survives a tick
	biasNew   float64      // sigma·sqrt(1-keep²): the fresh part
	ids       []int64
	line      []byte
	held      []heldLine
	n         FeedCounts
	err       error
}

func newFeed(cfg Config, g *game, w io.Writer) *feed {
	seed := uint64(cfg.Seed)*0x2545f4914f6cdd1d + 0x5851f42d4c957f2d
	f := &feed{
		cfg: cfg, g: g, w: w, rng: rand.New(rand.NewPCG(seed, seed>>7^0xda3e39cb94b95bdb)),
		s2c:       geom.NewSimilarity2(1000, cfg.Rotation_deg*math.Pi/180, geom.Vec2{X: cfg.TX_mm, Y: cfg.TY_mm}),
		period_ms: 1000 / cfg.Hz, end_ms: g.rel_ms(g.dur), last: -1,
	}
	j := math.Min(3*cfg.Jitter_ms, math.Min(0.4*f.period_ms, 40))
	f.jmax_ms = int64(j)
	for i := range f.ring {
		f.ring[i].p = make([]pstate, len(g.ag))
	}
	f.dropUntil = make([]int64, 1+len(g.ag))
	f.bias = make([][2]float64, 1+len(g.ag))
	f.biasKeep = math.Exp(-f.period_ms / 1000 / cfg.BiasTau_s)
	f.biasNew = cfg.Bias_mm * math.Sqrt(1-f.biasKeep*f.biasKeep)
	for i := range f.bias {
		f.bias[i] = [2]float64{f.rng.NormFloat64() * cfg.Bias_mm, f.rng.NormFloat64() * cfg.Bias_mm}
	}
	f.ids = make([]int64, 1+len(g.ag))
	f.ids[0] = BallID
	for i := range g.ag {
		f.ids[1+i] = g.ag[i].id
	}
	return f
}

// store records the motion at step j (time j·step_s).
func (f *feed) store(j int) {
	s := &f.ring[j%ringLen]
	for i := range f.g.ag {
		a := &f.g.ag[i]
		sp := math.Hypot(a.vx, a.vy)
		s.p[i] = pstate{a.x, a.y, a.vx, a.vy, a.ax, a.ay, a.stride, strideHz(sp), liftAmp_m(sp)}
	}
	s.bx, s.by, s.bz = f.g.ballPos(f.g.t)
	f.last = j
}

// tickMs is the nominal time of tick k, ms since the start.
func (f *feed) tickMs(k int64) int64 { return int64(math.Round(float64(k) * f.period_ms)) }

// ticks emits every tick whose samples can be evaluated from the stored
// steps (all of them when final).
func (f *feed) ticks(final bool) {
	const step_ms = 10
	for {
		tk := f.tickMs(f.nextTick)
		if tk > f.end_ms {
			return
		}
		if !final && tk+f.jmax_ms >= int64(f.last)*step_ms {
			return
		}
		f.tick(tk)
		f.nextTick++
	}
}

func (f *feed) tick(tk int64) {
	// Messages due by tk go first, but at the end of the session the end
	// markers (and what is due with them) wait for the final tick's samples:
	// nothing of the session may follow PLAY_END / PRACTICE_END.
	f.g.em.flush(min(tk, f.end_ms-1), f.out)
	cfg := &f.cfg
	startDrop := cfg.DropoutsPerMin / (60 * cfg.Hz)
	sigma := cfg.Noise_mm
	jitter := func() int64 {
		if cfg.Jitter_ms <= 0 {
			return 0
		}
		j := int64(math.Round(f.rng.NormFloat64() * cfg.Jitter_ms))
		return max(-f.jmax_ms, min(f.jmax_ms, j))
	}
	shared := tk + jitter()
	for s := range f.ids {
		f.n.Samples++
		if cfg.Bias_mm > 0 {
			// An Ornstein-Uhlenbeck offset per sensor, advanced every tick
			// whether or not the sample is delivered.
			b := &f.bias[s]
			b[0] = b[0]*f.biasKeep + f.rng.NormFloat64()*f.biasNew
			b[1] = b[1]*f.biasKeep + f.rng.NormFloat64()*f.biasNew
		}
		inst := shared
		if cfg.JitterPerSensor {
			inst = tk + jitter()
		}
		inst = max(0, min(f.end_ms, inst))
		if inst >= f.g.gapFrom && inst < f.g.gapTo {
			f.n.GapSamples++
			continue
		}
		if inst < f.dropUntil[s] {
			f.n.DropoutSamples++
			continue
		}
		if startDrop > 0 && f.rng.Float64() < startDrop {
			f.dropUntil[s] = inst + int64(1000*(0.2+f.rng.Float64()*math.Max(0, cfg.DropoutMax_s-0.2)))
			f.n.Dropouts++
			f.n.DropoutSamples++
			continue
		}
		if f.rng.Float64() < cfg.DropRate {
			f.n.Dropped++
			continue
		}
		x, y, z := f.eval(s, inst)
		if cfg.OutlierRate > 0 && f.rng.Float64() < cfg.OutlierRate {
			r, th := 0.5+2*f.rng.Float64(), 2*math.Pi*f.rng.Float64()
			x += r * math.Cos(th)
			y += r * math.Sin(th)
			f.n.Outliers++
		}
		X, Y := f.s2c.ApplyXY(x, y)
		Z := z * 1000
		if cfg.Bias_mm > 0 {
			X += f.bias[s][0]
			Y += f.bias[s][1]
		}
		if sigma > 0 {
			X += f.rng.NormFloat64() * sigma
			Y += f.rng.NormFloat64() * sigma
			if s == 0 {
				Z += f.rng.NormFloat64() * sigma
			} else {
				Z += f.rng.NormFloat64() * sigma * 0.3
			}
		}
		Z = math.Max(0, Z)
		f.line = appendLocation(f.line[:0], f.g.start_ms+inst, s == 0, f.ids[s],
			int64(math.Round(X)), int64(math.Round(Y)), int64(math.Round(Z)))
		f.n.Locations++
		f.location(f.line)
	}
}

// eval is sensor s's noise-free court position (m) at inst ms since the
// start: exact for players (piecewise quadratic), linear between 10 ms
// steps for the ball.
func (f *feed) eval(s int, inst int64) (float64, float64, float64) {
	j := int(inst / 10)
	dt_ms := inst - int64(j)*10
	if j >= f.last {
		j = f.last - 1
		dt_ms = inst - int64(j)*10
	}
	s0 := &f.ring[j%ringLen]
	if s == 0 {
		s1 := &f.ring[(j+1)%ringLen]
		u := float64(dt_ms) / 10
		return s0.bx + u*(s1.bx-s0.bx), s0.by + u*(s1.by-s0.by), s0.bz + u*(s1.bz-s0.bz)
	}
	p := &s0.p[s-1]
	dt := float64(dt_ms) / 1000
	x := p.x + p.vx*dt + 0.5*p.ax*dt*dt
	y := p.y + p.vy*dt + 0.5*p.ay*dt*dt
	z := footZ_m
	if p.lift > 0 {
		z += p.lift * math.Max(0, math.Sin(2*math.Pi*(p.stride+p.strideHz*dt)))
	}
	return x, y, z
}

// location writes a location line, sometimes holding it back a few lines
// or repeating it.
func (f *feed) location(line []byte) {
	if f.cfg.ReorderRate > 0 && len(f.held) < 8 && f.rng.Float64() < f.cfg.ReorderRate {
		f.held = append(f.held, heldLine{append([]byte(nil), line...), 1 + f.rng.IntN(4)})
		f.n.Reordered++
		return
	}
	f.out(line)
}

// out writes one line (and sometimes a duplicate), then releases held lines
// that are due.
func (f *feed) out(line []byte) {
	f.write(line)
	if f.cfg.DuplicateRate > 0 && f.rng.Float64() < f.cfg.DuplicateRate {
		f.write(line)
		f.n.Duplicated++
	}
	if len(f.held) == 0 {
		return
	}
	k := 0
	for _, h := range f.held {
		h.after--
		if h.after <= 0 {
			f.write(h.line)
			continue
		}
		f.held[k] = h
		k++
	}
	f.held = f.held[:k]
}

func (f *feed) write(line []byte) {
	if f.err != nil {
		return
	}
	if _, err := f.w.Write(line); err != nil {
		f.err = err
	}
	f.n.Lines++
}

// finish delivers everything still held back, then what is still queued,
// the end markers last.
func (f *feed) finish() {
	f.ticks(true)
	for _, h := range f.held {
		f.write(h.line)
	}
	f.held = f.held[:0]
	f.g.em.flush(math.MaxInt64, f.out)
	c := &f.g.em.counts
	f.n.Stats, f.n.Shots, f.n.Markers = c[decode.KindStats], c[decode.KindShot], c[decode.KindMarker]
}
