package geom

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func nearVec(a, b Vec2, tol float64) bool { return a.Dist(b) <= tol }

func TestVec(t *testing.T) {
	v, w := Vec2{3, 4}, Vec2{-1, 2}
	cases := []struct {
		name      string
		got, want float64
	}{
		{"norm", v.Norm(), 5},
		{"dot", v.Dot(w), 5},
		{"cross", v.Cross(w), 10},
		{"dist", v.Dist(w), math.Hypot(4, 2)},
		{"angle", Vec2{0, 2}.Angle_rad(), math.Pi / 2},
		{"norm3", Vec3{2, 3, 6}.Norm(), 7},
		{"dot3", Vec3{1, 2, 3}.Dot(Vec3{4, 5, 6}), 32},
		{"dist3", Vec3{1, 1, 1}.Dist(Vec3{1, 4, 5}), 5},
	}
	for _, c := range cases {
		if !near(c.got, c.want, 1e-12) {
			t.Errorf("%s: got %v want %v", c.name, c.got, c.want)
		}
	}
	if got := v.Add(w).Sub(w); got != v {
		t.Errorf("add/sub: got %v want %v", got, v)
	}
	if got, want := (Vec2{1, 0}).Rotate(math.Pi/2), (Vec2{0, 1}); !nearVec(got, want, 1e-12) {
		t.Errorf("rotate: got %v want %v", got, want)
	}
	if got, want := (Vec2{1, 2}).Perp(), (Vec2{-2, 1}); got != want {
		t.Errorf("perp: got %v want %v", got, want)
	}
	if got, want := (Vec3{1, 0, 0}).Cross(Vec3{0, 1, 0}), (Vec3{0, 0, 1}); got != want {
		t.Errorf("cross3: got %v want %v", got, want)
	}
	if (Vec2{math.NaN(), 0}).Finite() || (Vec3{0, 0, math.Inf(1)}).Finite() || !(Vec2{1, 2}).Finite() {
		t.Error("Finite is wrong")
	}
}

func randSim(r *rand.Rand, reflect bool) Similarity2 {
	m := NewSimilarity2(0.1+5*r.Float64(), (r.Float64()*2-1)*math.Pi, Vec2{r.NormFloat64() * 1e4, r.NormFloat64() * 1e4})
	m.Reflect = reflect
	return m
}

func TestSimilarityApplyFormula(t *testing.T) {
	// 90° counterclockwise, scale 2, shift (1, 1): (1, 0) → (1, 3).
	m := NewSimilarity2(2, math.Pi/2, Vec2{1, 1})
	if got, want := m.Apply(Vec2{1, 0}), (Vec2{1, 3}); !nearVec(got, want, 1e-12) {
		t.Errorf("apply: got %v want %v", got, want)
	}
	m.Reflect = true // (1, 2) → mirror (1, −2) → rotate (4, 2)·… = 2·(2, 1) + (1, 1)
	if got, want := m.Apply(Vec2{1, 2}), (Vec2{5, 3}); !nearVec(got, want, 1e-12) {
		t.Errorf("apply reflect: got %v want %v", got, want)
	}
	if s, a := m.Scale(), m.Angle_rad(); !near(s, 2, 1e-12) || !near(a, math.Pi/2, 1e-12) {
		t.Errorf("scale/angle: got %v, %v want 2, π/2", s, a)
	}
	if got := Identity2().Apply(Vec2{7, -3}); got != (Vec2{7, -3}) {
		t.Errorf("identity: got %v", got)
	}
}

func TestSimilarityInverseCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		m := randSim(r, i%2 == 1)
		n := randSim(r, i%3 == 1)
		p := Vec2{r.NormFloat64() * 1e4, r.NormFloat64() * 1e4}
		if got := m.Inverse().Apply(m.Apply(p)); !nearVec(got, p, 1e-6) {
			t.Fatalf("inverse %+v: p %v got %v", m, p, got)
		}
		if got, want := m.Compose(n).Apply(p), m.Apply(n.Apply(p)); !nearVec(got, want, 1e-6) {
			t.Fatalf("compose %+v ∘ %+v: p %v got %v want %v", m, n, p, got, want)
		}
		d := Vec2{1, 2}
		if got, want := m.ApplyVector(d), m.Apply(d).Sub(m.Apply(Vec2{})); !nearVec(got, want, 1e-6) {
			t.Fatalf("vector: got %v want %v", got, want)
		}
	}
}

func TestApplySlices(t *testing.T) {
	m := NewSimilarity2(0.001, 0.3, Vec2{5, -2})
	m.Reflect = true
	x := []float64{0, 1000, -2500, 12345}
	y := []float64{0, 2000, 300, -7}
	dx, dy := make([]float64, 4), make([]float64, 4)
	m.ApplySlices(dx, dy, x, y)
	for i := range x {
		if got, want := (Vec2{dx[i], dy[i]}), m.Apply(Vec2{x[i], y[i]}); !nearVec(got, want, 1e-12) {
			t.Errorf("i=%d: got %v want %v", i, got, want)
		}
	}
	if a := testing.AllocsPerRun(100, func() { m.ApplySlices(dx, dy, x, y) }); a != 0 {
		t.Errorf("ApplySlices allocates %v times", a)
	}
	defer func() {
		if recover() == nil {
			t.Error("length mismatch did not panic")
		}
	}()
	m.ApplySlices(dx[:3], dy, x, y)
}

func TestFit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	src := []Vec2{{-14, 7}, {14, 7}, {14, -7}, {-14, -7}, {3, 1}}
	dst := make([]Vec2, len(src))
	for i := range 400 {
		reflect := i%4 == 3
		want := randSim(r, reflect)
		rigid := i%2 == 0
		if rigid {
			want = NewSimilarity2(1, want.Angle_rad(), want.T)
			want.Reflect = reflect
		}
		for j, p := range src {
			dst[j] = want.Apply(p)
		}
		got, rms, err := Fit2(dst, src, FitOptions{Rigid: rigid, AllowReflection: true})
		if err != nil || rms > 1e-6 || got.Reflect != want.Reflect ||
			!near(got.A, want.A, 1e-9) || !near(got.B, want.B, 1e-9) || !nearVec(got.T, want.T, 1e-6) {
			t.Fatalf("fit rigid=%v: want %+v got %+v rms %v err %v", rigid, want, got, rms, err)
		}
		// Without AllowReflection a mirrored set is an error.
		_, _, err = Fit2(dst, src, FitOptions{Rigid: rigid})
		if reflect != errors.Is(err, ErrReflected) {
			t.Fatalf("reflect=%v: err %v", reflect, err)
		}
	}
}

func TestFitNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	want := NewSimilarity2(1, 2.5, Vec2{3000, -9000})
	src := make([]Vec2, 50)
	dst := make([]Vec2, 50)
	for i := range src {
		src[i] = Vec2{r.Float64() * 28000, r.Float64() * 15000}
		dst[i] = want.Apply(src[i]).Add(Vec2{r.NormFloat64() * 20, r.NormFloat64() * 20})
	}
	got, rms, err := FitRigid2(dst, src)
	if err != nil || !near(got.Angle_rad(), 2.5, 1e-3) || !nearVec(got.T, want.T, 50) || rms < 15 || rms > 40 {
		t.Errorf("noisy fit: got %+v rms %v err %v", got, rms, err)
	}
}

func TestFitErrors(t *testing.T) {
	p := []Vec2{{0, 0}, {1, 1}}
	cases := []struct {
		name     string
		dst, src []Vec2
	}{
		{"length", p, p[:1]},
		{"one pair", p[:1], p[:1]},
		{"coincident src", p, []Vec2{{2, 2}, {2, 2}}},
		{"nan", p, []Vec2{{0, 0}, {math.NaN(), 1}}},
	}
	for _, c := range cases {
		_, _, err := FitSimilarity2(c.dst, c.src)
		if !errors.Is(err, ErrFitInput) {
			t.Errorf("%s: got err %v want ErrFitInput", c.name, err)
		}
	}
}

func TestFitAllocs(t *testing.T) {
	src := []Vec2{{-14, 7}, {14, 7}, {14, -7}, {-14, -7}}
	dst := []Vec2{{1, 2}, {3, 4}, {5, 1}, {0, -3}}
	if a := testing.AllocsPerRun(100, func() { _, _, _ = FitSimilarity2(dst, src) }); a != 0 {
		t.Errorf("FitSimilarity2 allocates %v times", a)
	}
}

func TestGrid(t *testing.T) {
	g := NewGrid(-14.325, -7.62, 14.325, 7.62, 0.5)
	if g.NX != 58 || g.NY != 31 || g.Len() != 58*31 {
		t.Fatalf("NewGrid: got %+v", g)
	}
	cases := []struct {
		x, y   float64
		ix, iy int
		ok     bool
	}{
		{-14.325, -7.62, 0, 0, true},
		{-14.0, -7.0, 0, 1, true},
		{0, 0, 28, 15, true},
		{14.3, 7.6, 57, 30, true},
		{-14.4, 0, 0, 0, false},
		{0, 7.62 + 0.5*31 - 15.24, 0, 0, false}, // upper edge of the last row is outside
		{math.NaN(), 0, 0, 0, false},
		{0, math.Inf(1), 0, 0, false},
	}
	for _, c := range cases {
		ix, iy, ok := g.Cell(c.x, c.y)
		if ix != c.ix || iy != c.iy || ok != c.ok {
			t.Errorf("Cell(%v, %v): got %d %d %v want %d %d %v", c.x, c.y, ix, iy, ok, c.ix, c.iy, c.ok)
		}
	}
	for i := range g.Len() {
		ix, iy := g.CellOf(i)
		x, y := g.Center(ix, iy)
		if j := g.IndexOf(x, y); j != i || g.Index(ix, iy) != i {
			t.Fatalf("cell %d (%d,%d) centre (%v,%v) maps back to %d", i, ix, iy, x, y, j)
		}
	}
	if g.Index(-1, 0) != -1 || g.Index(0, g.NY) != -1 || g.IndexOf(100, 0) != -1 {
		t.Error("out-of-range index not -1")
	}
	if z := NewGrid(0, 0, -1, 1, 1); z.Len() != 0 {
		t.Errorf("empty box: got %+v", z)
	}
}
