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
