package geom

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// umeyama is the textbook SVD solution (Umeyama 1991) for any dimension,
// written for 2-D with gonum: Σ = (1/n) Σ q̃ p̃ᵀ = U D Vᵀ, R = U S Vᵀ with
// S = diag(1, det(U)·det(V)) for a proper rotation (S = I when mirrors are
// allowed), s = tr(D S)/σ²_p, t = q̄ − s R p̄. It is the reference for Fit2's
// closed form.
func umeyama(t *testing.T, dst, src []Vec2, allowReflection bool) (r *mat.Dense, s float64, tr Vec2) {
	n := float64(len(src))
	var ps, qs Vec2
	for i := range src {
		ps, qs = ps.Add(src[i]), qs.Add(dst[i])
	}
	pbar, qbar := ps.Scale(1/n), qs.Scale(1/n)
	sigma := mat.NewDense(2, 2, nil)
	var varP float64
	for i := range src {
		p, q := src[i].Sub(pbar), dst[i].Sub(qbar)
		sigma.Set(0, 0, sigma.At(0, 0)+q.X*p.X/n)
		sigma.Set(0, 1, sigma.At(0, 1)+q.X*p.Y/n)
		sigma.Set(1, 0, sigma.At(1, 0)+q.Y*p.X/n)
		sigma.Set(1, 1, sigma.At(1, 1)+q.Y*p.Y/n)
		varP += p.Dot(p) / n
	}
	var svd mat.SVD
	if !svd.Factorize(sigma, mat.SVDFull) {
		t.Fatal("svd failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	d := svd.Values(nil)
	sd := mat.NewDiagDense(2, []float64{1, 1})
	if !allowReflection && mat.Det(&u)*mat.Det(&v) < 0 {
		sd.SetDiag(1, -1)
	}
	r = mat.NewDense(2, 2, nil)
	var us mat.Dense
	us.Mul(&u, sd)
	r.Mul(&us, v.T())
	s = (d[0]*sd.At(0, 0) + d[1]*sd.At(1, 1)) / varP
	rp := Vec2{r.At(0, 0)*pbar.X + r.At(0, 1)*pbar.Y, r.At(1, 0)*pbar.X + r.At(1, 1)*pbar.Y}
	return r, s, qbar.Sub(rp.Scale(s))
}

// Fit2's closed form agrees with the SVD solution on noisy point sets,
// proper and mirrored.
func TestFitMatchesUmeyamaSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for i := range 300 {
		n := 3 + rng.IntN(20)
		src, dst := make([]Vec2, n), make([]Vec2, n)
		truth := randSim(rng, i%2 == 1)
		for j := range src {
			src[j] = Vec2{rng.NormFloat64() * 10, rng.NormFloat64() * 5}
			dst[j] = truth.Apply(src[j]).Add(Vec2{rng.NormFloat64(), rng.NormFloat64()}.Scale(truth.Scale()))
		}
		got, _, err := Fit2(dst, src, FitOptions{AllowReflection: true})
		if err != nil {
			t.Fatal(err)
		}
		r, s, tr := umeyama(t, dst, src, true)
		// Fit2's linear part: s·R(θ)·F^reflect as a matrix.
		sy := 1.0
		if got.Reflect {
			sy = -1
		}
		want := [4]float64{s * r.At(0, 0), s * r.At(0, 1), s * r.At(1, 0), s * r.At(1, 1)}
		have := [4]float64{got.A, -got.B * sy, got.B, got.A * sy}
		for k := range want {
			if math.Abs(want[k]-have[k]) > 1e-9*math.Max(1, math.Abs(want[k])) {
				t.Fatalf("case %d: matrix got %v want %v (reflect %v)", i, have, want, got.Reflect)
			}
		}
		if got.T.Dist(tr) > 1e-6*math.Max(1, tr.Norm()) {
			t.Fatalf("case %d: t got %v want %v", i, got.T, tr)
		}
		// The proper-only fit is the SVD fit with the det correction.
		if !got.Reflect {
			continue
		}
		proper, _, _ := Fit2(dst, src, FitOptions{})
		r, s, tr = umeyama(t, dst, src, false)
		if math.Abs(proper.A-s*r.At(0, 0)) > 1e-9 || math.Abs(proper.B-s*r.At(1, 0)) > 1e-9 || proper.T.Dist(tr) > 1e-6*math.Max(1, tr.Norm()) {
			t.Fatalf("case %d: proper fit %+v, svd s %v R %v t %v", i, proper, s, mat.Formatted(r), tr)
		}
	}
}
