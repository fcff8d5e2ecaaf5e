package synth

import (
	"context"
	"testing"
)

// Profile with:
//
//	go test ./synth -run ^$ -bench WriteMessages -cpuprofile /tmp/synth.prof
//	go tool pprof -top /tmp/synth.prof
//
// BenchmarkWriteMessages simulates a 2-minute game into a discarding
// writer; BenchmarkAppendLocation is the baseline: formatting the same
// number of location lines and nothing else.
func BenchmarkWriteMessages(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Minutes = 2
	var n countWriter
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n = countWriter{}
		if _, err := WriteMessages(context.Background(), cfg, &n, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(n.bytes)
	b.ReportMetric(float64(n.lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(cfg.Duration_s()*float64(b.N)/b.Elapsed().Seconds(), "game-s/s")
}

func BenchmarkAppendLocation(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Minutes = 2
	lines := int(cfg.Duration_s() * cfg.Hz * 25)
	buf := make([]byte, 0, 256)
	var total int64
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for k := 0; k < lines; k++ {
			buf = appendLocation(buf[:0], 1764151200000+int64(k), k%25 == 0, 4242, int64(k%30000)-15000, 8123, 61)
			total += int64(len(buf))
		}
	}
	b.SetBytes(total / int64(b.N))
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

type countWriter struct{ bytes, lines int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.bytes += int64(len(p))
	for _, c := range p {
		if c == '\n' {
			w.lines++
		}
	}
	return len(p), nil
}
