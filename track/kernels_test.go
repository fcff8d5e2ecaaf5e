package track

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestAtan2(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	check := func(y, x float64) {
		got, want := atan2(y, x), math.Atan2(y, x)
		if math.Abs(got-want) > 2e-6 {
			t.Fatalf("atan2(%g, %g) = %.9f, want %.9f", y, x, got, want)
		}
	}
	for i := 0; i < 200000; i++ {
		check(rng.NormFloat64()*math.Pow(10, rng.Float64()*6-3), rng.NormFloat64()*math.Pow(10, rng.Float64()*6-3))
	}
	for _, c := range [][2]float64{{0, 0}, {0, 1}, {1, 0}, {0, -1}, {-1, 0}, {1, 1}, {-1, -1}, {1, -1}, {-1, 1}, {1e-300, 1}, {1, 1e-300}, {3, 3}} {
		check(c[0], c[1])
	}
	if !math.IsNaN(atan2(math.NaN(), 1)) {
		t.Fatal("atan2(NaN, 1) is not NaN")
	}
}

// BenchmarkAtan2 compares with math.Atan2 in the same run.
func BenchmarkAtan2(b *testing.B) {
	x, y := make([]float64, 1024), make([]float64, 1024)
	for i := range x {
		x[i], y[i] = math.Cos(float64(i)), math.Sin(float64(i)*1.3)
	}
	var s float64
	for _, c := range []struct {
		name string
		f    func(y, x float64) float64
	}{{"track", atan2}, {"math", math.Atan2}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for i := range x {
					s += c.f(y[i], x[i])
				}
			}
		})
	}
	_ = s
}
