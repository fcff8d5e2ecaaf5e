package track

import "math"

// atan2 is math.Atan2 to within 2e-6 rad, for headings: reduce y/x to
// t = min(|x|,|y|)/max(|x|,|y|) ∈ [0, 1], evaluate the minimax polynomial
//
//	atan(t) ≈ t·(c0 + c1·t² + c2·t⁴ + c3·t⁶ + c4·t⁸ + c5·t¹⁰)
//
// and undo the octant. atan2(0, 0) = 0 like math.Atan2; NaN in, NaN out.
// Inputs here are finite (positions are int32 mm).
func atan2(y, x float64) float64 {
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
