package track

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stmotion/stmotion/decode"
)

// benchLines is a realistic location corpus: ten players and a ball at
// 25 Hz for two minutes, with 50 mm noise, as JSONL lines in arrival order.
func benchLines() [][]byte {
	rng := rand.New(rand.NewPCG(1, 1))
	var lines [][]byte
	for i := 0; i < 25*120; i++ {
		tt := t0 + int64(i)*40
		s := float64(i) * 0.04
		for p := 0; p < 11; p++ {
			r := 3 + float64(p)
			x := r*math.Cos(s*3/r+float64(p)) + 0.05*rng.NormFloat64()
			y := r*math.Sin(s*3/r+float64(p)) + 0.05*rng.NormFloat64()
			typ, id, z := "PLAYER", int64(1000+p), 60
			if p == 10 {
				typ, id, z = "BALL", 2147549498, 1100
			}
			lines = append(lines, fmt.Appendf(nil, `{"type":"location","data":{"occurred_at":%d,"type":"%s","id":%d,"x":%d,"y":%d,"z":%d}}`,
				tt, typ, id, int(x*1000), int(y*1000), z))
		}
	}
	return lines
}

func corpusBytes(lines [][]byte) int64 {
	n := int64(0)
	for _, l := range lines {
		n += int64(len(l)) + 1
	}
	return n
}

// The three benchmarks run side by side: decode alone (the baseline), the
// engine alone on pre-decoded messages, and decode + engine. Compare the
// ns/sample of BenchmarkEngine with BenchmarkDecode's.
//
//	go test ./track -run '^$' -bench 'Decode|Engine' -benchmem -count 5
//	go test ./track -run '^$' -bench 'Engine$' -cpuprofile cpu.out && go tool pprof -top cpu.out
func BenchmarkDecode(b *testing.B) {
	lines := benchLines()
	b.SetBytes(corpusBytes(lines))
	b.ReportAllocs()
	var d decode.Decoder
	var m decode.Message
	for b.Loop() {
		for _, l := range lines {
			if err := d.Decode(l, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
	report(b, len(lines))
}

func BenchmarkEngine(b *testing.B) {
	for _, causal := range []bool{false, true} {
		b.Run(map[bool]string{false: "smoothed", true: "causal"}[causal], func(b *testing.B) {
			lines := benchLines()
			// Keep only the decoded locations (40 bytes each, not whole
			// Messages) so that the benchmark measures the engine, not the
			// memory traffic of a large array of Messages.
			locs := make([]decode.Location, len(lines))
			var d decode.Decoder
			var m decode.Message
			for i, l := range lines {
				if err := d.Decode(l, &m); err != nil {
					b.Fatal(err)
				}
				locs[i] = m.Location
			}
			cfg := DefaultConfig()
			cfg.Causal = causal
			b.SetBytes(corpusBytes(lines))
			b.ReportAllocs()
			for b.Loop() {
				s, _ := NewSession(cfg, Meta{}, &discard{})
				for i := range locs {
					m.Location = locs[i]
					if err := s.Feed(&m); err != nil {
						b.Fatal(err)
					}
				}
				s.Close()
			}
			report(b, len(lines))
		})
	}
}

func BenchmarkDecodeEngine(b *testing.B) {
	lines := benchLines()
	b.SetBytes(corpusBytes(lines))
	b.ReportAllocs()
	var d decode.Decoder
	var m decode.Message
	for b.Loop() {
		s, _ := NewSession(DefaultConfig(), Meta{}, &discard{})
		for _, l := range lines {
			if err := d.Decode(l, &m); err != nil {
				b.Fatal(err)
			}
			if err := s.Feed(&m); err != nil {
				b.Fatal(err)
			}
		}
		s.Close()
	}
	report(b, len(lines))
}

func report(b *testing.B, samples int) {
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(samples)
	b.ReportMetric(ns, "ns/sample")
	b.ReportMetric(1e9/ns, "samples/s")
}
