package chart

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// refNum is what num wrote before appendNum: the value rounded to 0.01,
// in its shortest decimal form.
func refNum(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// appendNum writes what strconv writes for the rounded value: pixel
// coordinates of every size and sign, values at the rounding boundaries,
// around the 10¹³ switch to strconv, zeros of both signs, infinities and
// NaN.
func TestAppendNum(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	vs := []float64{0, math.Copysign(0, -1), -0.001, 0.004999, 0.005, -0.005, 0.015, 1.005, 2.675, 123.456, -0.1,
		1e13 - 0.01, 1e13, 1e13 + 0.01, 9.999999999999e12, -9.999999999999e12, 1e15, 1e20, math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, 4503599627370495.5}
	for range 200_000 {
		switch rng.IntN(3) {
		case 0:
			vs = append(vs, (rng.Float64()-0.5)*2000) // pixels
		case 1:
			vs = append(vs, float64(rng.Int64N(2e6)-1e6)/100+0.005*float64(rng.IntN(3)-1)) // near a boundary
		default:
			vs = append(vs, math.Float64frombits(rng.Uint64())) // any float
		}
	}
	for _, v := range vs {
		if got, want := string(appendNum([]byte("x"), v)), "x"+refNum(v); got != want {
			t.Fatalf("appendNum(%v) = %q, want %q", v, got[1:], want[1:])
		}
	}
}

func FuzzAppendNum(f *testing.F) {
	f.Add(1.005)
	f.Add(-123.456)
	f.Fuzz(func(t *testing.T, v float64) {
		if got, want := string(appendNum(nil, v)), refNum(v); got != want {
			t.Fatalf("appendNum(%v) = %q, want %q", v, got, want)
		}
	})
}

// blendByte rounds as math.Round does, for every pair of bytes at
// coverages spread over [0, 1] and at the ones whose mix lands on or next
// to a half.
func TestBlendByte(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	as := []float64{0, 1, 0.5, 0.25, 1.0 / 3, math.Nextafter(0.5, 0), math.Nextafter(0.5, 1)}
	for range 200 {
		as = append(as, rng.Float64())
	}
	for _, a := range as {
		for d := range 256 {
			for s := range 256 {
				want := uint8(math.Round(float64(d)*(1-a) + float64(s)*a))
				if got := blendByte(uint8(d), uint8(s), a); got != want {
					t.Fatalf("blendByte(%d, %d, %v) = %d, want %d", d, s, a, got, want)
				}
			}
		}
	}
}
