package track

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDispAboveBelow checks that the still detector's and top speed's
// squared comparisons decide exactly as comparing the speed
// dispSpeed(d2, dur) = √d2/dur with the threshold would: on random
// windows, on squared displacements a few ulps and a few parts in 10⁹ to
// 10¹⁰ from the threshold's square (where the fast test must give way to
// the exact one), and on zeros, infinities, NaN and values near underflow.
func TestDispAboveBelow(t *testing.T) {
	check := func(d2, dur, v float64) {
		t.Helper()
		sp := dispSpeed(d2, dur)
		if got, want := dispAbove(d2, dur, v), sp > v; got != want {
			t.Fatalf("dispAbove(%v, %v, %v) = %v, want %v (dispSpeed %v)", d2, dur, v, got, want, sp)
		}
		if got, want := dispBelow(d2, dur, v), sp < v; got != want {
			t.Fatalf("dispBelow(%v, %v, %v) = %v, want %v (dispSpeed %v)", d2, dur, v, got, want, sp)
		}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		dur := float64(1+rng.IntN(100)) * []float64{0.04, 1.0 / 25, 1.0 / 30, 0.1}[rng.IntN(4)]
		v := rng.Float64() * 12
		check(rng.Float64()*rng.Float64()*400, dur, v)
		l := v * dur
		for _, d2 := range []float64{l * l, (v * dur) * (v * dur), math.Pow(v*dur, 2)} {
			up, down := d2, d2
			for range 4 {
				check(up, dur, v)
				check(down, dur, v)
				up, down = math.Nextafter(up, math.Inf(1)), math.Nextafter(down, 0)
			}
			for _, e := range []float64{1e-10, 5e-10, 1e-9, 2e-9, 1e-8} {
				check(d2*(1+e), dur, v)
				check(d2*(1-e), dur, v)
			}
		}
	}
	special := []float64{0, math.SmallestNonzeroFloat64, 1e-320, 1e-200, 1e-100, 1e-10, 0.04, 1, 1e10, 1e200, math.MaxFloat64, math.Inf(1), math.NaN()}
	for _, d2 := range special {
		for _, dur := range []float64{0, 1e-100, 0.04, 1, 1e100, 1e300} {
			for _, v := range special {
				check(d2, dur, v)
			}
		}
	}
}

// TestEffortDuration: a run above the threshold counts when it lasts at
// least the minimum time, measured between the interpolated crossings,
// whatever the grid's rate and phase. The speed is a trapezoid (ramps of
// 0.2 s from 5 to 9 m/s, so linear between ticks but for the corners)
// crossing 7 m/s for exactly d seconds; counting ticks (the old rule)
// counted runs of 0.96 s at 25 Hz and 0.9 s at 10 Hz.
func TestEffortDuration(t *testing.T) {
	speed := func(t_s, d_s float64) float64 {
		// Crosses 7 m/s upward at 0 and downward at d_s.
		switch {
		case t_s < -0.1:
			return 5
		case t_s < 0.1:
			return 7 + 20*t_s
		case t_s < d_s-0.1:
			return 9
		case t_s < d_s+0.1:
			return 7 - 20*(t_s-d_s)
		}
		return 5
	}
	for _, hz := range []float64{25, 20, 12.5, 10} {
		dt := 1 / hz
		for _, c := range []struct {
			d_s  float64
			want int
		}{{0.9, 0}, {0.97, 0}, {0.99, 0}, {1.01, 1}, {1.04, 1}, {1.5, 1}} {
			for phase := 0.0; phase < 1; phase += 0.125 {
				var e effort
				var n effortCount
				for k := 0; k < int(3*hz); k++ {
					t_s := float64(k)*dt - 1 + phase*dt
					e.step(speed(t_s, c.d_s), 7, 1/dt, EffortGap_s/dt, k == 0, &n)
				}
				if n.n != c.want {
					t.Errorf("%v Hz, phase %v: a run of %v s counted %d times, want %d", hz, phase, c.d_s, n.n, c.want)
				}
			}
		}
	}
	// A track that starts above the threshold counts from its first tick;
	// a new track restarts the run.
	var e effort
	var n effortCount
	for k := range 30 {
		e.step(9, 7, 25, EffortGap_s*25, k == 0 || k == 20, &n)
	}
	if n.n != 0 {
		t.Errorf("runs of 20 and 10 ticks split by a new track: counted %d, want 0", n.n)
	}
	for k := range 26 {
		e.step(9, 7, 25, EffortGap_s*25, k == 0, &n)
	}
	if n.n != 1 {
		t.Errorf("a run of 26 ticks from a track's start: counted %d, want 1", n.n)
	}
}

// TestEffortDips checks that a dip below the threshold shorter than
// EffortGap_s neither ends an effort nor starts a second one, and that a
// longer one does, at every phase of the grid: two runs of 0.4 s around a
// dip (timed between the interpolated crossings) make one effort of
// 0.8 s + the dip with a dip of 0.1 or 0.2 s, and none with 0.3 s; a 2 s
// effort with a 0.1 s dip in its middle counts once.
func TestEffortDips(t *testing.T) {
	// value(t_s): 4 (above 3) on [0, a) and [a+dip, a+dip+b), 2 elsewhere,
	// with 0.02 s linear edges centred on the crossings' instants.
	value := func(t_s, a, dip, b float64) float64 {
		edge := func(x float64) float64 { return math.Max(0, math.Min(1, x/0.02+0.5)) } // 0 → 1 around x = 0
		up := edge(t_s) - edge(t_s-a) + edge(t_s-a-dip) - edge(t_s-a-dip-b)
		return 2 + 2*up
	}
	for _, hz := range []float64{25, 20, 10} {
		dt := 1 / hz
		for _, c := range []struct {
			a, dip, b float64
			want      int
		}{{0.4, 0.1, 0.4, 1}, {0.4, 0.2, 0.4, 1}, {0.4, 0.3, 0.4, 0}, {0.95, 0.1, 0.95, 1}, {0.6, 0.3, 0.6, 2}, {0.2, 0.1, 0.1, 0}} {
			for phase := 0.0; phase < 1; phase += 0.125 {
				var e effort
				var n effortCount
				for k := 0; k < int(4*hz); k++ {
					t_s := float64(k)*dt - 1 + phase*dt
					e.step(value(t_s, c.a, c.dip, c.b), 3, 0.5/dt, EffortGap_s/dt, k == 0, &n)
				}
				if n.n != c.want {
					t.Errorf("%v Hz, phase %v: runs of %v s and %v s around a dip of %v s counted %d, want %d", hz, phase, c.a, c.b, c.dip, n.n, c.want)
				}
			}
		}
	}
}
