package geom

import (
	"errors"
	"fmt"
	"math"
)

// Errors of the transform fit. Returned errors wrap one of them.
var (
	ErrFitInput  = errors.New("unusable point pairs")
	ErrReflected = errors.New("points are mirrored")
)

// FitOptions chooses the family of transforms Fit2 searches.
type FitOptions struct {
	// Rigid fixes s = 1 (rotation and translation only).
	Rigid bool
	// AllowReflection lets the fit return a mirroring transform (Reflect
	// true) when it explains the points better than any rotation. Without
	// it such input is an ErrReflected error.
	AllowReflection bool
}

// FitSimilarity2 returns the similarity m minimising Σ|dst[i] − m(src[i])|²
// and the RMS residual √(Σ|dst[i] − m(src[i])|² / n) in dst units. Points that
// a mirror image fits better than a rotation are an ErrReflected error (the
// proper fit is still returned). See Fit2.
func FitSimilarity2(dst, src []Vec2) (m Similarity2, rms float64, err error) {
	return Fit2(dst, src, FitOptions{})
}

// FitRigid2 is FitSimilarity2 with s fixed to 1.
func FitRigid2(dst, src []Vec2) (m Similarity2, rms float64, err error) {
	return Fit2(dst, src, FitOptions{Rigid: true})
}

// Fit2 is the least-squares (Procrustes / Umeyama) fit of a similarity, or
// a rigid transform, mapping src onto dst. In 2-D Umeyama's SVD solution has
// a closed form in complex numbers: with centroids p̄, q̄ and centred points
// p̃ = src − p̄, q̃ = dst − q̄,
//
//	C = Σ q̃·conj(p̃),  a = C / Σ|p̃|²  (similarity),  a = C / |C|  (rigid)
//	t = q̄ − a·p̄
//
// and for a mirror image C_F = Σ q̃·p̃ with p replaced by conj(p). The
// residual falls as |C| grows, so the points are mirrored when |C_F| > |C|.
// It needs at least two distinct src points and equal lengths; it does not
// allocate.
func Fit2(dst, src []Vec2, opt FitOptions) (m Similarity2, rms float64, err error) {
	n := len(src)
	if len(dst) != n {
		return m, 0, fmt.Errorf("geom: fit: %d dst points for %d src points: %w", len(dst), n, ErrFitInput)
	}
	if n < 2 {
		return m, 0, fmt.Errorf("geom: fit: %d point pairs, need at least 2: %w", n, ErrFitInput)
	}
	var ps, qs complex128
	for i := range src {
		if !src[i].Finite() || !dst[i].Finite() {
			return m, 0, fmt.Errorf("geom: fit: point pair %d is not finite (src %v, dst %v): %w", i, src[i], dst[i], ErrFitInput)
		}
		ps += complex(src[i].X, src[i].Y)
		qs += complex(dst[i].X, dst[i].Y)
	}
	pbar, qbar := ps/complex(float64(n), 0), qs/complex(float64(n), 0)
	var c, cf complex128
	var pp float64
	for i := range src {
		p := complex(src[i].X, src[i].Y) - pbar
		q := complex(dst[i].X, dst[i].Y) - qbar
		c += q * conj(p)
		cf += q * p
		pp += real(p)*real(p) + imag(p)*imag(p)
	}
	if pp == 0 || (c == 0 && cf == 0) {
		return m, 0, fmt.Errorf("geom: fit: all src points coincide or dst points do: %w", ErrFitInput)
	}
	build := func(c complex128, reflect bool) Similarity2 {
		var a complex128
		if opt.Rigid {
			a = c / complex(cmplxAbs(c), 0)
		} else {
			a = c / complex(pp, 0)
		}
		pb := pbar
		if reflect {
			pb = conj(pb)
		}
		t := qbar - a*pb
		return Similarity2{A: real(a), B: imag(a), T: Vec2{real(t), imag(t)}, Reflect: reflect}
	}
	m = build(c, false)
	rms = RMSResidual(m, dst, src)
	if cmplxAbs(cf) > cmplxAbs(c) {
		mf := build(cf, true)
		rmsf := RMSResidual(mf, dst, src)
		if opt.AllowReflection {
			return mf, rmsf, nil
		}
		return m, rms, fmt.Errorf("geom: fit: a mirror image fits the points better (rms %.4g) than a rotation (rms %.4g): %w", rmsf, rms, ErrReflected)
	}
	return m, rms, nil
}

// RMSResidual returns √(Σ|dst[i] − m(src[i])|² / n), 0 for no points. It
// panics if the lengths differ.
func RMSResidual(m Similarity2, dst, src []Vec2) float64 {
	if len(dst) != len(src) {
		panic("geom: RMSResidual: slice lengths differ")
	}
	if len(src) == 0 {
		return 0
	}
	var ss float64
	for i := range src {
		d := dst[i].Sub(m.Apply(src[i]))
		ss += d.Dot(d)
	}
	return math.Sqrt(ss / float64(len(src)))
}

func cmplxAbs(z complex128) float64 { return math.Hypot(real(z), imag(z)) }
