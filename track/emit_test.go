package track

import (
	"fmt"
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

// rampRun is a path along a line at 30° that repeats every 10 s: 0 to
// 8 m/s at +4 m/s² (2 s), 8 m/s held 2 s, back to 0 at −4 m/s² (2 s),
// standing 4 s. rampAccel is its tangential acceleration.
func rampRun(t float64) (x, y float64) {
	const cycle_m = 8 + 16 + 8 // per 10 s: the two ramps and the hold
	k := math.Floor(t / 10)
	u := t - 10*k
	d := cycle_m * k
	switch {
	case u < 2:
		d += 2 * u * u
	case u < 4:
		d += 8 + 8*(u-2)
	case u < 6:
		w := u - 4
		d += 24 + 8*w - 2*w*w
	default:
		d += cycle_m
	}
	return d * math.Cos(math.Pi/6), d * math.Sin(math.Pi/6)
}

func rampAccel(t float64) float64 {
	switch u := t - 10*math.Floor(t/10); {
	case u < 2:
		return 4
	case u >= 4 && u < 6:
		return -4
	}
	return 0
}

// TestLiveAccel measures the rows' tangential acceleration (accel_mps2)
// against closed forms, live (Config.Causal) and batch: a still sensor,
// a constant 2 m/s line, a 5 m circle at 4 m/s and the ±4 m/s² ramps of
// rampRun, 10/20/25 Hz, σ 20 and 50 mm, 120 s each. Live rows took
// v·a/|v| of the forward estimate, whose velocity and acceleration errors
// are positively correlated: a still sensor read +1.25 to +1.55 m/s² on
// average. With -v it prints the table of docs/kinematics.md ("Live
// rows' acceleration").
func TestLiveAccel(t *testing.T) {
	type pathCase struct {
		name  string
		p     path
		accel func(float64) float64
	}
	zero := func(float64) float64 { return 0 }
	paths := []pathCase{
		{"still", still(3, 4), zero},
		{"line 2 m/s", line(2*math.Cos(0.3), 2*math.Sin(0.3)), zero},
		{"circle 5 m, 4 m/s", circle(5, 4), zero},
		{"ramps ±4 m/s²", rampRun, rampAccel},
	}
	t.Logf("| feed | σ | path | live: bias / RMS (m/s²) | batch: bias / RMS (m/s²) | live in the ramps: mean at +4 / −4 | live: lag to half a step |")
	for _, hz := range []int64{10, 20, 25} {
		for _, noise := range []float64{0.02, 0.05} {
			for _, pc := range paths {
				msgs := gen(genSpec{start_ms: t0, period_ms: 1000 / hz, dur_s: 120, noise_m: noise, seed: uint64(hz), sensors: []genSensor{{id: 3, p: pc.p}}})
				line, ramps := fmt.Sprintf("| %d Hz | %.0f mm | %s |", hz, 1000*noise, pc.name), " |"
				for _, causal := range []bool{true, false} {
					cfg := DefaultConfig()
					cfg.Causal = causal
					c, _, err := run(cfg, Meta{}, msgs)
					if err != nil {
						t.Fatal(err)
					}
					var sum, sum2, up, down float64
					n, nUp, nDown := 0, 0, 0
					for _, s := range c.of(3) {
						tt := float64(s.T_ms-t0) / 1000
						if tt < 2 {
							continue // a track's first ticks
						}
						e := s.Accel_mps2 - pc.accel(tt)
						sum += e
						sum2 += e * e
						n++
						// The ramps away from their first 0.8 s (the
						// estimate's lag) give its size and sign.
						switch u := tt - 10*math.Floor(tt/10); {
						case u >= 0.8 && u < 2:
							up += s.Accel_mps2
							nUp++
						case u >= 4.8 && u < 6:
							down += s.Accel_mps2
							nDown++
						}
					}
					bias, rms := sum/float64(n), math.Sqrt(sum2/float64(n))
					line += fmt.Sprintf(" %+.2f / %.2f |", bias, rms)
					if math.Abs(bias) > 0.2 {
						t.Errorf("%d Hz, σ %.0f mm, %s, live=%v: accel bias %+.3f m/s², want within ±0.2", hz, 1000*noise, pc.name, causal, bias)
					}
					if causal && pc.accel(1) != 0 {
						up, down = up/float64(nUp), down/float64(nDown)
						ramps = fmt.Sprintf(" %+.2f / %+.2f |", up, down)
						if math.Abs(up-4) > 0.5 || math.Abs(down+4) > 0.5 {
							t.Errorf("%d Hz, σ %.0f mm, live: accel in the ramps %+.2f and %+.2f m/s², want +4 and −4 ± 0.5", hz, 1000*noise, up, down)
						}
					}
				}
				if pc.accel(1) != 0 {
					ramps += stepLag(t, pc.p, hz, noise)
				}
				t.Log(line + ramps)
			}
		}
	}
}

// stepLag returns, as a table cell, how long after each step of rampRun's
// acceleration (0 → +4 m/s² at 20 s, 0 → −4 m/s² at 24 s) the live rows'
// acceleration crosses half of it, on the noise-free path with the
// filter's σ set to noise_m (the estimate's own delay, no noise).
func stepLag(t *testing.T, p path, hz int64, noise_m float64) string {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Causal = true
	cfg.Player.Noise_m = noise_m
	c, _, err := run(cfg, Meta{}, gen(genSpec{start_ms: t0, period_ms: 1000 / hz, dur_s: 30, sensors: []genSensor{{id: 3, p: p}}}))
	if err != nil {
		t.Fatal(err)
	}
	cross := func(from, level float64) float64 {
		rows := c.of(3)
		for i := 1; i < len(rows); i++ {
			t0s, t1s := float64(rows[i-1].T_ms-t0)/1000, float64(rows[i].T_ms-t0)/1000
			a0, a1 := rows[i-1].Accel_mps2-level, rows[i].Accel_mps2-level
			if t0s >= from && a0*a1 <= 0 && a0 != a1 && (a1-a0)*level > 0 {
				return t0s + (t1s-t0s)*a0/(a0-a1) - from
			}
		}
		return math.NaN()
	}
	return fmt.Sprintf(" %.2f / %.2f s |", cross(20, 2), cross(24, -2))
}
