package heatmap

import (
	"math"
	"testing"
)

// BenchmarkAddPlayer measures one player sample (player and team grids):
// ten players of two teams in turn, with folding, at positions computed
// beforehand so that only AddPlayer is timed. cpu-ns/op is the process's
// CPU time per sample, which a loaded machine disturbs less than ns/op.
//
//	go test ./track/heatmap -run '^$' -bench AddPlayer -benchmem -cpuprofile cpu.out
func BenchmarkAddPlayer(b *testing.B) {
	a := New(Options{Fold: true, Attack: func(team int64, period int32) int { return int(team%2)*2 - 1 }})
	const n = 4096 // a power of two: i&(n-1) picks the sample
	var xs, ys [n]float64
	for i := range n {
		th := float64(i) * 0.001
		xs[i], ys[i] = 14*math.Cos(th), 7*math.Sin(th)
	}
	b.ReportAllocs()
	cpu0 := cpuTime_ns()
	for i := 0; b.Loop(); i++ {
		a.AddPlayer(int64(i%10), int64(i%2), 1, xs[i&(n-1)], ys[i&(n-1)], 0.04, true)
	}
	b.ReportMetric(float64(cpuTime_ns()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkCells measures reading a game's heatmaps in long form (what
// the engine does once per session): 26 players of two teams and a ball,
// over four periods, folded or not (the default: one part per map).
//
//	go test ./track/heatmap -run '^$' -bench Cells -benchmem
func BenchmarkCells(b *testing.B) {
	for _, fold := range []bool{false, true} {
		name := "plain"
		if fold {
			name = "fold"
		}
		b.Run(name, func(b *testing.B) {
			a := New(Options{Fold: fold, Attack: func(team int64, period int32) int { return int(team+int64(period))%2*2 - 1 }})
			for i := range 4 * 12 * 60 * 25 { // 48 min at 25 Hz
				period := int32(1 + i/(12*60*25))
				th := float64(i) * 0.001
				for p := range 26 {
					ph := th + float64(p)
					a.AddPlayer(int64(100+p), int64(1+p%2), period, 14*math.Cos(ph), 7*math.Sin(ph*1.3), 0.04, true)
				}
				a.AddBall(99, int64(1+i/700%2), period, 13*math.Cos(th*3), 7*math.Sin(th*2), 0.04, true)
			}
			b.ReportAllocs()
			var n int
			cpu0 := cpuTime_ns()
			for b.Loop() {
				n = len(a.Cells(nil))
			}
			b.ReportMetric(float64(cpuTime_ns()-cpu0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(n), "cells")
		})
	}
}
