package possession

import (
	"math"
	"testing"
)

// BenchmarkUpdate measures one ball sample with ten players on court.
// cpu-ns/op is the process's CPU time per sample, which a loaded machine
// disturbs less than ns/op.
//
//	go test ./track/possession -run '^$' -bench Update -benchmem -cpuprofile cpu.out
func BenchmarkUpdate(b *testing.B) {
	d := New(DefaultConfig(), func(id int64) int64 { return 100 + id%2 }, func(*Event) {})
	ps := make([]PlayerPos, 10)
	for k := range ps {
		ps[k] = PlayerPos{ID: int64(k + 1), X_m: float64(k*2 - 9), Y_m: float64(k%3 - 1)}
	}
	b.ReportAllocs()
	cpu0 := cpuTime_ns()
	for i := 0; b.Loop(); i++ {
		t := float64(i) / 25
		// The ball travels along the line of players, held by each in turn.
		x := 9 * math.Sin(t/5)
		d.Update(int64(i)*40, x, 0.2, 1.0, ps, true)
	}
	b.ReportMetric(float64(cpuTime_ns()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
