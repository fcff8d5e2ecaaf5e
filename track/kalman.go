package track

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// State is the Kalman state of one axis: position, velocity and
// acceleration, in m, m/s and m/s².
type State struct {
	X, V, A float64
}

// Model is a constant-acceleration ("white jerk") Kalman model of one axis
// sampled on a uniform grid of period Dt_s, with its gain tables.
//
// State x = [p, v, a]ᵀ, transition and process noise for a jerk of power
// spectral density q (m²/s⁵):
//
//	    [1 dt dt²/2]          [dt⁵/20 dt⁴/8 dt³/6]
//	F = [0  1  dt  ]   Q = q·[dt⁴/8  dt³/3 dt²/2]
//	    [0  0   1  ]          [dt³/6  dt²/2  dt  ]
//
// and a position measurement z = p + e, e ~ N(0, σ²). Every gain depends on
// the step index k since the start of a track only (never on the data), so
// the forward gains K_k = P⁻_k Hᵀ (H P⁻_k Hᵀ + σ²)⁻¹ and the Rauch-Tung-
// Striebel gains C_k = P_k Fᵀ (P⁻_{k+1})⁻¹ are computed once, until they
// converge, and then the last (steady-state) entry is used for every later
// step. Filtering and smoothing are then a few multiply-adds per sample.
//
// A Model is immutable after NewModel and safe for concurrent use.
type Model struct {
	Dt_s          float64
	Noise_m       float64 // σ, per axis
	JerkPSD_m2ps5 float64 // q

	f0, f1 float64      // dt, dt²/2 (F entries), kept for the hot loops
	k      [][3]float64 // forward gains by step index
	c      [][9]float64 // RTS gains by step index, row major
}

// ErrModel says the parameters of a Model cannot describe a filter.
var ErrModel = errors.New("track: invalid kinematic model")

// maxGainSteps bounds the gain tables; convergence is normally reached far
// earlier (see NewModel).
const maxGainSteps = 4096

var models struct {
	sync.Mutex
	m map[[5]float64]*Model
}

// cachedModel returns NewModel's result for these parameters, computing
// each set once per process: sessions with the same settings share the
// (immutable) tables.
func cachedModel(dt_s, noise_m, q, initV_mps, initA_mps2 float64) (*Model, error) {
	k := [5]float64{dt_s, noise_m, q, initV_mps, initA_mps2}
	models.Lock()
	defer models.Unlock()
	if m := models.m[k]; m != nil {
		return m, nil
	}
	m, err := NewModel(dt_s, noise_m, q, initV_mps, initA_mps2)
	if err != nil {
		return nil, err
	}
	if models.m == nil || len(models.m) > 64 {
		models.m = make(map[[5]float64]*Model)
	}
	models.m[k] = m
	return m, nil
}

// NewModel computes the gain tables of a constant-acceleration model for a
// grid period dt_s, measurement noise noise_m (σ per axis) and jerk power
// spectral density q. The prior at the first sample of a track is the
// measurement itself for the position and N(0, initV²), N(0, initA²) for
// velocity and acceleration.
func NewModel(dt_s, noise_m, q, initV_mps, initA_mps2 float64) (*Model, error) {
	if !(dt_s > 0) || !(noise_m > 0) || !(q > 0) || !(initV_mps > 0) || !(initA_mps2 > 0) {
		return nil, fmt.Errorf("%w: dt %g s, noise %g m, jerk psd %g, init %g m/s %g m/s²", ErrModel, dt_s, noise_m, q, initV_mps, initA_mps2)
	}
	dt := dt_s
	F := mat.NewDense(3, 3, []float64{1, dt, dt * dt / 2, 0, 1, dt, 0, 0, 1})
	dt2, dt3, dt4, dt5 := dt*dt, dt*dt*dt, dt*dt*dt*dt, dt*dt*dt*dt*dt
	Q := mat.NewDense(3, 3, []float64{
		dt5 / 20, dt4 / 8, dt3 / 6,
		dt4 / 8, dt3 / 3, dt2 / 2,
		dt3 / 6, dt2 / 2, dt,
	})
	Q.Scale(q, Q)
	R := noise_m * noise_m

	m := &Model{Dt_s: dt, Noise_m: noise_m, JerkPSD_m2ps5: q, f0: dt, f1: dt * dt / 2}
	// P⁻_0 is the prior; the first measurement then sets the position.
	pp := mat.NewDense(3, 3, []float64{R * 1e4, 0, 0, 0, initV_mps * initV_mps, 0, 0, 0, initA_mps2 * initA_mps2})
	var pf []*mat.Dense // P_k after the update
	var ppl []*mat.Dense
	for k := 0; k < maxGainSteps; k++ {
		if k > 0 {
			var t, n mat.Dense
			t.Mul(F, pf[k-1])
			n.Mul(&t, F.T())
			n.Add(&n, Q)
			pp = &n
		}
		s := pp.At(0, 0) + R
		g := [3]float64{pp.At(0, 0) / s, pp.At(1, 0) / s, pp.At(2, 0) / s}
		var p mat.Dense
		// P = (I - K H) P⁻, symmetrised against round-off.
		p.CloneFrom(pp)
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				p.Set(i, j, pp.At(i, j)-g[i]*pp.At(0, j))
			}
		}
		var ps mat.Dense
		ps.Add(&p, p.T())
		ps.Scale(0.5, &ps)
		pf = append(pf, &ps)
		ppl = append(ppl, pp)
		m.k = append(m.k, g)
		if k > 8 {
			d := m.k[k-1]
			if math.Abs(d[0]-g[0])+math.Abs(d[1]-g[1])*dt+math.Abs(d[2]-g[2])*dt*dt < 1e-13 {
				break
			}
		}
	}
	// One more prediction so that C_k exists for the last k.
	var t, n mat.Dense
	t.Mul(F, pf[len(pf)-1])
	n.Mul(&t, F.T())
	n.Add(&n, Q)
	ppl = append(ppl, &n)
	for k := range pf {
		var inv, ft, c mat.Dense
		if err := inv.Inverse(ppl[k+1]); err != nil {
			return nil, fmt.Errorf("%w: predicted covariance at step %d is singular: %v", ErrModel, k, err)
		}
		ft.Mul(pf[k], F.T())
		c.Mul(&ft, &inv)
		var row [9]float64
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				row[3*i+j] = c.At(i, j)
			}
		}
		m.c = append(m.c, row)
	}
	return m, nil
}

// Steps is the number of steps until the gains reach their steady state.
func (m *Model) Steps() int { return len(m.k) }

// Gain returns the forward gain at step k since the start of a track.
func (m *Model) Gain(k int) [3]float64 {
	if k >= len(m.k) {
		k = len(m.k) - 1
	}
	return m.k[k]
}

// Cutoff_Hz is the approximate -6 dB frequency of the steady-state
// smoother seen as a zero-phase low-pass filter on the noise:
// |H(f)| = 1/(1+(f/fc)⁶) with (2π·fc)⁶ = q/(σ²·dt).
func (m *Model) Cutoff_Hz() float64 {
	return math.Pow(m.JerkPSD_m2ps5/(m.Noise_m*m.Noise_m*m.Dt_s), 1.0/6) / (2 * math.Pi)
}

// start is the filtered state at the first sample of a track.
func (m *Model) start(z float64) State { return State{X: z} }

// step is one forward (predict + update) step at index k ≥ 1:
//
//	x⁻ = F x,  x = x⁻ + K_k (z − x⁻_p)
func (m *Model) step(s State, z float64, k int) State {
	return predictUpdate(m.gain(k), m.f0, m.f1, s, z)
}

// gain returns the forward gain row at step index k (the steady state
// beyond the table).
func (m *Model) gain(k int) *[3]float64 {
	if k >= len(m.k) {
		k = len(m.k) - 1
	}
	return &m.k[k]
}

// predictUpdate is step with the gain row g and the F entries f0 = dt,
// f1 = dt²/2 passed in (small enough to inline into the per-tick loop).
func predictUpdate(g *[3]float64, f0, f1 float64, s State, z float64) State {
	p := s.X + f0*s.V + f1*s.A
	v := s.V + f0*s.A
	e := z - p
	return State{X: p + g[0]*e, V: v + g[1]*e, A: s.A + g[2]*e}
}

// back is one RTS step at index k: given the filtered state f at k and the
// smoothed state sn at k+1,
//
//	x̂_k = f + C_k (ŝ_{k+1} − F f)
//
// (sensor.smoothBack has the same arithmetic written out for the tick
// ring; TestSmoothBackMatchesBack keeps them equal to the bit.)
func (m *Model) back(f, sn State, k int) State {
	if k >= len(m.c) {
		k = len(m.c) - 1
	}
	c := &m.c[k]
	d0 := sn.X - (f.X + m.f0*f.V + m.f1*f.A)
	d1 := sn.V - (f.V + m.f0*f.A)
	d2 := sn.A - f.A
	return State{
		X: f.X + c[0]*d0 + c[1]*d1 + c[2]*d2,
		V: f.V + c[3]*d0 + c[4]*d1 + c[5]*d2,
		A: f.A + c[6]*d0 + c[7]*d1 + c[8]*d2,
	}
}

// Filter runs the causal forward pass over the positions z of one track
// (uniform grid, period m.Dt_s) into dst, which must have len(z). It is the
// live estimate: dst[i] depends on z[0..i] only.
func (m *Model) Filter(dst []State, z []float64) []State {
	if len(dst) != len(z) {
		panic("track: Filter: len(dst) != len(z)")
	}
	for i := range z {
		if i == 0 {
			dst[0] = m.start(z[0])
			continue
		}
		dst[i] = m.step(dst[i-1], z[i], i)
	}
	return dst
}

// Smooth runs the forward pass and the Rauch-Tung-Striebel backward pass
// over one whole track: dst[i] is the estimate given all of z. dst must
// have len(z).
func (m *Model) Smooth(dst []State, z []float64) []State {
	m.Filter(dst, z)
	for i := len(z) - 2; i >= 0; i-- {
		dst[i] = m.back(dst[i], dst[i+1], i)
	}
	return dst
}
