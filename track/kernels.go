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

// hermiteLength is the length of the cubic Hermite curve from (x0, y0) with
// velocity (vx0, vy0) to (x1, y1) with velocity (vx1, vy1) over T seconds,
//
//	p(u) = h00(u)·p0 + h10(u)·T·v0 + h01(u)·p1 + h11(u)·T·v1,  u ∈ [0, 1],
//
// summed over 32 chords.
func hermiteLength(x0, y0, vx0, vy0, x1, y1, vx1, vy1, T float64) float64 {
	const k = 32
	px, py := x0, y0
	l := 0.0
	for j := 1; j <= k; j++ {
		u := float64(j) / k
		u2, u3 := u*u, u*u*u
		h00, h10 := 2*u3-3*u2+1, u3-2*u2+u
		h01, h11 := -2*u3+3*u2, u3-u2
		x := h00*x0 + h10*T*vx0 + h01*x1 + h11*T*vx1
		y := h00*y0 + h10*T*vy0 + h01*y1 + h11*T*vy1
		l += math.Hypot(x-px, y-py)
		px, py = x, y
	}
	return l
}

// hermitePoint is the point p(u) of hermiteLength's curve.
func hermitePoint(x0, y0, vx0, vy0, x1, y1, vx1, vy1, T, u float64) (x, y float64) {
	u2, u3 := u*u, u*u*u
	h00, h10 := 2*u3-3*u2+1, u3-2*u2+u
	h01, h11 := -2*u3+3*u2, u3-u2
	return h00*x0 + h10*T*vx0 + h01*x1 + h11*T*vx1, h00*y0 + h10*T*vy0 + h01*y1 + h11*T*vy1
}

// hermitePieces splits hermiteLength's curve into len(dst) equal spans of
// u (the grid ticks of a bridged gap: span k runs from tick k to tick
// k+1) and sets dst[k] to the length of span k, summed over
// max(1, ⌈32/len(dst)⌉) chords each. It returns the sum of dst.
func hermitePieces(dst []float64, x0, y0, vx0, vy0, x1, y1, vx1, vy1, T float64) float64 {
	m := len(dst)
	q := max(1, (32+m-1)/m)
	steps := float64(m * q)
	px, py := x0, y0
	sum := 0.0
	for k := range dst {
		l := 0.0
		for j := 1; j <= q; j++ {
			x, y := hermitePoint(x0, y0, vx0, vy0, x1, y1, vx1, vy1, T, float64(k*q+j)/steps)
			l += math.Hypot(x-px, y-py)
			px, py = x, y
		}
		dst[k] = l
		sum += l
	}
	return sum
}
