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

// atan2Branchy is atan2 as first written, undoing the octant with
// branches: the reference that the branch-free atan2 must match bit for
// bit (headings are output columns).
func atan2Branchy(y, x float64) float64 {
	ax, ay := math.Abs(x), math.Abs(y)
	hi, lo := ax, ay
	if ay > ax {
		hi, lo = ay, ax
	}
	if hi == 0 {
		return 0
	}
	t := lo / hi
	t2 := t * t
	r := t * (0.99997726 + t2*(-0.33262347+t2*(0.19354346+t2*(-0.11643287+t2*(0.05265332+t2*(-0.01172120))))))
	if ay > ax {
		r = math.Pi/2 - r
	}
	if x < 0 {
		r = math.Pi - r
	}
	if y < 0 {
		r = -r
	}
	return r
}

// TestAtan2SameBits compares atan2 with atan2Branchy on signed zeros,
// tiny, huge and infinite values and random pairs, some on the diagonals.
func TestAtan2SameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sp := []float64{0, math.Copysign(0, -1), 1, -1, 2, -2, 1e-300, -1e-300, 5e-324, -5e-324, math.Inf(1), math.Inf(-1), 3.5, -3.5}
	check := func(y, x float64) {
		if a, b := math.Float64bits(atan2(y, x)), math.Float64bits(atan2Branchy(y, x)); a != b {
			t.Fatalf("atan2(%v, %v) = %v, branchy %v", y, x, atan2(y, x), atan2Branchy(y, x))
		}
	}
	for _, y := range sp {
		for _, x := range sp {
			check(y, x)
		}
	}
	for i := 0; i < 1000000; i++ {
		y, x := rng.NormFloat64()*math.Pow(10, float64(rng.IntN(10)-5)), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(10)-5))
		if i%4 == 0 {
			x = y * float64(rng.IntN(3)-1)
		}
		check(y, x)
	}
}
