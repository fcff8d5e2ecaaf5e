package court

import (
	"math/rand/v2"
	"testing"
)

// Batch transform of sensor samples into the court frame, against a naive
// per-sample loop over ToCourt in the same run.
//
//	go test ./court -run '^$' -bench ToCourt -benchmem -count 5
//	go test ./court -run '^$' -bench ToCourt/slices -cpuprofile cpu.out && go tool pprof -top cpu.out
func BenchmarkToCourt(b *testing.B) {
	c, err := New(new(BodyFor(NBA, place(17, 3000, -9000, false))), Options{})
	if err != nil {
		b.Fatal(err)
	}
	const n = 8192 // a batch-sized chunk: about 30 s of 11 sensors at 25 Hz
	r := rand.New(rand.NewPCG(1, 2))
	x, y, z := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i], z[i] = r.Float64()*30000-5000, r.Float64()*30000-15000, r.Float64()*3000
	}
	dx, dy, dz := make([]float64, n), make([]float64, n), make([]float64, n)
	perSample := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/sample")
	}
	b.Run("slices", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(n * 3 * 8)
		for b.Loop() {
			c.ToCourtSlices(dx, dy, dz, x, y, z)
		}
		perSample(b)
	})
	b.Run("naive-loop", func(b *testing.B) { // baseline: ToCourt per sample
		b.ReportAllocs()
		b.SetBytes(n * 3 * 8)
		for b.Loop() {
			for i := range x {
				dx[i], dy[i], dz[i] = c.ToCourt(x[i], y[i], z[i])
			}
		}
		perSample(b)
	})
}
