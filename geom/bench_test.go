package geom

import "testing"

// go test ./geom -run '^$' -bench . -benchmem
func BenchmarkApplySlices(b *testing.B) {
	const n = 4096
	x, y := make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = float64(i*7%28000), float64(i*13%15000)
	}
	dx, dy := make([]float64, n), make([]float64, n)
	m := NewSimilarity2(0.001, 0.3, Vec2{3, -9})
	b.Run("kernel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(n * 16)
		for b.Loop() {
			m.ApplySlices(dx, dy, x, y)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
	})
	b.Run("apply-loop", func(b *testing.B) { // baseline: Apply per point
		b.ReportAllocs()
		b.SetBytes(n * 16)
		for b.Loop() {
			for i := range x {
				p := m.Apply(Vec2{x[i], y[i]})
				dx[i], dy[i] = p.X, p.Y
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
	})
}
