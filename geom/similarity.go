package geom

import "math"

// Similarity2 is a plane similarity transform
//
//	x' = s·R(θ)·x + t            (Reflect false: proper, keeps handedness)
//	x' = s·R(θ)·F·x + t          (Reflect true, F = diag(1, −1): y is mirrored first)
//
// where R(θ) = [cosθ −sinθ; sinθ cosθ]. It is rigid when s == 1. It is stored
// as A = s·cosθ, B = s·sinθ so that applying it costs four multiplies and
// four adds:
//
//	x' = A·x − B·y' + tx,  y' = B·x + A·y' + ty   with y' = y, or −y when Reflect
//
// In complex numbers (z = x + iy) it is z' = a·z + t, or a·conj(z) + t when
// Reflect, with a = A + iB; Compose and Inverse follow from that form.
//
// The zero value is not the identity (it maps every point to T): use
// Identity2 or NewSimilarity2.
type Similarity2 struct {
	A, B    float64 // s·cosθ, s·sinθ
	T       Vec2    // translation, applied last
	Reflect bool    // mirror y before rotating (a left-handed map)
}

// Identity2 returns the transform that maps every point to itself.
func Identity2() Similarity2 { return Similarity2{A: 1} }

// NewSimilarity2 returns x' = s·R(theta_rad)·x + t.
func NewSimilarity2(s, theta_rad float64, t Vec2) Similarity2 {
	sn, cs := math.Sincos(theta_rad)
	return Similarity2{A: s * cs, B: s * sn, T: t}
}

// Scale returns s = √(A² + B²).
func (m Similarity2) Scale() float64 { return math.Hypot(m.A, m.B) }

// Angle_rad returns θ = atan2(B, A), in (−π, π].
func (m Similarity2) Angle_rad() float64 { return math.Atan2(m.B, m.A) }

// Apply returns the image of p.
func (m Similarity2) Apply(p Vec2) Vec2 {
	x, y := m.ApplyXY(p.X, p.Y)
	return Vec2{x, y}
}

// ApplyXY returns the image of (x, y); see the type's formula.
func (m Similarity2) ApplyXY(x, y float64) (float64, float64) {
	if m.Reflect {
		y = -y
	}
	return m.A*x - m.B*y + m.T.X, m.B*x + m.A*y + m.T.Y
}

// ApplyVector returns the image of a displacement d (no translation):
// s·R(θ)·d, or s·R(θ)·F·d when Reflect.
func (m Similarity2) ApplyVector(d Vec2) Vec2 {
	if m.Reflect {
		d.Y = -d.Y
	}
	return Vec2{m.A*d.X - m.B*d.Y, m.B*d.X + m.A*d.Y}
}

// ApplySlices writes the image of (x[i], y[i]) to (dstX[i], dstY[i]) for
// every i. dst may alias the input (in-place transform is fine). It panics
// if the four slices do not have the same length. It does not allocate.
func (m Similarity2) ApplySlices(dstX, dstY, x, y []float64) {
	n := len(x)
	if len(y) != n || len(dstX) != n || len(dstY) != n {
		panic("geom: ApplySlices: slice lengths differ")
	}
	a, b, tx, ty := m.A, m.B, m.T.X, m.T.Y
	sy := 1.0
	if m.Reflect {
		sy = -1
	}
	// Reslice so the compiler drops the bounds checks in the loop.
	dstX, dstY, y = dstX[:n], dstY[:n], y[:n]
	for i, xi := range x {
		yi := sy * y[i]
		dstX[i] = a*xi - b*yi + tx
		dstY[i] = b*xi + a*yi + ty
	}
}

// Compose returns the transform m∘n: apply n first, then m.
//
//	m(n(z)) = a_m·c_m(a_n·c_n(z) + t_n) + t_m
//
// where c is conj when that transform reflects, the identity otherwise.
func (m Similarity2) Compose(n Similarity2) Similarity2 {
	am := complex(m.A, m.B)
	an, tn := complex(n.A, n.B), complex(n.T.X, n.T.Y)
	if m.Reflect {
		an, tn = conj(an), conj(tn)
	}
	a := am * an
	t := am*tn + complex(m.T.X, m.T.Y)
	return Similarity2{A: real(a), B: imag(a), T: Vec2{real(t), imag(t)}, Reflect: m.Reflect != n.Reflect}
}

// Inverse returns the transform that undoes m. For z' = a·z + t it is
// z = z'/a − t/a; for z' = a·conj(z) + t it is z = conj(z')/conj(a) −
// conj(t)/conj(a). A degenerate m (s == 0) gives non-finite coefficients.
func (m Similarity2) Inverse() Similarity2 {
	a, t := complex(m.A, m.B), complex(m.T.X, m.T.Y)
	if m.Reflect {
		a, t = conj(a), conj(t)
	}
	ai := 1 / a
	ti := -t * ai
	return Similarity2{A: real(ai), B: imag(ai), T: Vec2{real(ti), imag(ti)}, Reflect: m.Reflect}
}

// IsRigid reports whether |s − 1| ≤ tol.
func (m Similarity2) IsRigid(tol float64) bool { return math.Abs(m.Scale()-1) <= tol }

func conj(z complex128) complex128 { return complex(real(z), -imag(z)) }
