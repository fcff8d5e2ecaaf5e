package track

import (
	"errors"
	"math"
	"testing"
)

// TestModelClosedForm: without noise, the smoother must reproduce
// position, velocity and acceleration of paths the model describes
// exactly (constant velocity, constant acceleration), and a circle at
// constant speed up to its tiny low-pass attenuation.
func TestModelClosedForm(t *testing.T) {
	const dt = 0.04
	m, err := NewModel(dt, 0.05, 20, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	n := 1500
	type want struct{ x, v, a float64 }
	cases := []struct {
		name string
		f    func(t float64) want
		tol  [3]float64
	}{
		{"constant velocity", func(t float64) want { return want{2 + 3*t, 3, 0} }, [3]float64{1e-9, 1e-9, 1e-8}},
		{"constant acceleration", func(t float64) want { return want{1 + 0.5*t + 1.5*t*t, 0.5 + 3*t, 3} }, [3]float64{1e-8, 1e-8, 1e-8}},
		{"circle x(t), r 5 m at 4 m/s", func(t float64) want {
			w := 4.0 / 5
			return want{5 * math.Cos(w*t), -5 * w * math.Sin(w*t), -5 * w * w * math.Cos(w*t)}
		}, [3]float64{1e-4, 1e-3, 1e-2}},
	}
	for _, c := range cases {
		z := make([]float64, n)
		for i := range z {
			z[i] = c.f(float64(i) * dt).x
		}
		for _, pass := range []string{"smooth", "filter"} {
			dst := make([]State, n)
			if pass == "smooth" {
				m.Smooth(dst, z)
			} else {
				m.Filter(dst, z)
			}
			// Skip the start-up transient (and the end for the smoother,
			// which converges from both sides).
			for i := 300; i < n-300; i++ {
				w := c.f(float64(i) * dt)
				got := dst[i]
				tol := c.tol
				if pass == "filter" && c.name[0] == 'c' {
					// The causal filter lags a curving path (its acceleration by
					// about 0.2 s at this cut-off).
					tol = [3]float64{1e-2, 0.1, 1.0}
				}
				if math.Abs(got.X-w.x) > tol[0] || math.Abs(got.V-w.v) > tol[1] || math.Abs(got.A-w.a) > tol[2] {
					t.Fatalf("%s/%s i=%d: got %+v, want x %.6f v %.6f a %.6f", c.name, pass, i, got, w.x, w.v, w.a)
				}
			}
		}
	}
}

// TestModelCircleSpeed: speed from the smoothed velocities of a noisy
// circle at constant speed stays close to the truth on average.
func TestModelCircleSpeed(t *testing.T) {
	const dt, r, sp = 0.05, 4.0, 5.0
	m, _ := NewModel(dt, 0.05, 20, 5, 5)
	n := 4000
	zx, zy := make([]float64, n), make([]float64, n)
	w := sp / r
	for i := range zx {
		zx[i] = r * math.Cos(w*float64(i)*dt)
		zy[i] = r * math.Sin(w*float64(i)*dt)
	}
	sx, sy := m.Smooth(make([]State, n), zx), m.Smooth(make([]State, n), zy)
	for i := 100; i < n-100; i++ {
		got := math.Hypot(sx[i].V, sy[i].V)
		if math.Abs(got-sp) > 1e-3 {
			t.Fatalf("i=%d speed %.5f, want %.5f", i, got, sp)
		}
		// Centripetal acceleration v²/r.
		if a := math.Hypot(sx[i].A, sy[i].A); math.Abs(a-sp*sp/r) > 0.01 {
			t.Fatalf("i=%d |a| %.5f, want %.5f", i, a, sp*sp/r)
		}
	}
}

func TestModelSteadyState(t *testing.T) {
	m, _ := NewModel(0.05, 0.05, 20, 5, 5)
	if m.Steps() >= maxGainSteps || m.Steps() < 10 {
		t.Fatalf("gains converge after %d steps", m.Steps())
	}
	if m.Gain(m.Steps()+100) != m.Gain(m.Steps()-1) {
		t.Fatal("gain beyond the table is not the steady state")
	}
	if fc := m.Cutoff_Hz(); fc < 0.5 || fc > 3 {
		t.Fatalf("cut-off %.2f Hz", fc)
	}
}

func TestModelErrors(t *testing.T) {
	for _, c := range [][5]float64{{0, 1, 1, 1, 1}, {1, 0, 1, 1, 1}, {1, 1, -1, 1, 1}, {1, 1, 1, math.NaN(), 1}} {
		if _, err := NewModel(c[0], c[1], c[2], c[3], c[4]); !errors.Is(err, ErrModel) {
			t.Errorf("NewModel%v: err %v, want ErrModel", c, err)
		}
	}
}

func TestModelPanicsOnLength(t *testing.T) {
	m, _ := NewModel(0.05, 0.05, 20, 5, 5)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on a length mismatch")
		}
	}()
	m.Smooth(make([]State, 2), make([]float64, 3))
}

// TestSmoothBackMatchesBack: the backward pass written out over the tick
// ring (sensor.smoothBack) gives Model.back's results to the bit, for a
// player (x, y) and a ball (x, y, z), across two tracks and a ring wrap.
func TestSmoothBackMatchesBack(t *testing.T) {
	m, err := NewModel(0.04, 0.05, 40, 5, 5)
	if err != nil {
		t.Fatal(err)
	}
	const capacity, mask = 64, 63
	for _, kind := range []SensorKind{KindPlayer, KindBall} {
		sn := &sensor{kind: kind, model: m}
		sn.allocTicks(capacity, 0)
		// Ticks 100..139: one track from 100 to 119, none at 120, a
		// second track from 121 on; the ring wraps at 128.
		const first, newest = 100, 139
		for n := int64(first); n <= newest; n++ {
			ts := &sn.ticks[n&mask]
			switch {
			case n < 120:
				ts.seg = first
			case n == 120:
				ts.seg = noSeg
				continue
			default:
				ts.seg = 121
			}
			for a := range 3 {
				u := float64(n*3 + int64(a))
				ts.f[a] = State{X: math.Sin(u), V: math.Cos(1.3 * u), A: math.Sin(0.7 * u)}
			}
		}
		sn.smoothBack(newest, first, mask)
		axes := 2
		if kind == KindBall {
			axes = 3
		}
		for a := range axes {
			var want State
			for n := int64(newest); n >= first; n-- {
				ts := &sn.ticks[n&mask]
				if ts.seg == noSeg {
					continue
				}
				if n == newest || sn.ticks[(n+1)&mask].seg != ts.seg {
					want = ts.f[a]
				} else {
					want = m.back(ts.f[a], want, int(n-ts.seg))
				}
				var got State
				if a < 2 {
					got = ts.s[a]
				} else {
					got = sn.sz[n&mask]
				}
				if got != want {
					t.Fatalf("kind %v axis %d tick %d: smoothBack %+v, Model.back %+v", kind, a, n, got, want)
				}
			}
		}
	}
}
