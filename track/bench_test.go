package track

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/synth"
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
// ns/sample of BenchmarkEngine with BenchmarkDecode's, from one run (the
// machine is shared: compare ratios, prefer -cpu 1):
//
//	go test ./track -run '^$' -bench 'Decode|Engine' -benchmem -cpu 1 -count 6
//
// Where the time goes:
//
//	go test ./track -run '^$' -bench 'DecodeEngine' -cpu 1 -benchtime 10s -cpuprofile /tmp/cpu.out
//	go tool pprof -top -nodecount=40 track.test /tmp/cpu.out
//
// cpu-ns/sample is the process's CPU time per sample (getrusage): time
// spent waiting for a core is not in it, but other processes on the shared
// machine still slow it through the caches, so its median moves too. The
// steadiest timing is the minimum over interleaved runs of the binaries to
// compare (one -benchtime 20x run of each in turn, ten rounds or more).
//
// Wall time on a loaded machine moves by ±20 % from run to run; the
// instructions per sample do not. valgrind works on a Go test binary with
// asynchronous preemption off (and the collector off, so that when a GC
// cycle falls does not move the count); the difference between 13 and 3
// iterations is 10·33 000 samples, setup excluded:
//
//	go test -c -o /tmp/track.test ./track
//	for n in 3 13; do GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
//	  --callgrind-out-file=/tmp/cg.$n /tmp/track.test -test.run '^$' \
//	  -test.bench '^BenchmarkEngine$/^smoothed$' -test.cpu 1 -test.benchtime ${n}x; done
//	callgrind_annotate --auto=no /tmp/cg.13   # minus /tmp/cg.3, per function
//
// Measured on the shared 2-core EPYC before (a712992) and after the fourth
// performance pass (5ea7fc4), outputs identical to the bit (TestOutputDigest;
// analyze's tables and summary.json byte-compared). Instructions and
// simulated D1 misses per location sample: cachegrind (--cache-sim=yes,
// otherwise as above; Game: 3 minus 1 iterations of 149 260 samples).
// cpu-ns/sample: minimum over 36 interleaved -benchtime 20x runs of each
// binary (the machine was loaded: medians moved by ±15 %):
//
//	                  instructions    D1 misses    min cpu-ns/sample
//	                  before after   before after   before  after
//	Decode               766   767      2.2   2.2     54.0   53.5
//	Engine/smoothed     1132  1136     13.4  10.2     99.5   99.6  (1.84× → 1.86× decode)
//	Engine/causal       1207  1195     11.5   7.8    103.5  100.3
//	DecodeEngine        1877  1883     15.1  11.9    169.0  173.1
//	Game/decode            -     -        -     -     56.0   56.3
//	Game/locations      1195  1185     16.7  12.0    115.9  105.4  (2.07× → 1.87× decode)
//	Game/messages          -     -        -     -    118.3  106.2
//	Game/analyzers         -     -        -     -    143.0  126.7  (2.55× → 2.25× decode)
//
// The pass: smoothAndEmit goes sensor by sensor (backward pass, then that
// sensor's rows and figures while its 75 smoothed slots are still in L1),
// then tick by tick for what needs whole ticks in order (markers, frames,
// sink batches, DIST checks); before, every tick's emission read its slots
// of every sensor back from L2. That pays where sensors are many (the
// game's 25: -9 % time, -4.7 D1 misses; `go test ./cmd/stmotion -bench
// 'Pipeline/(decode|engine)$'`, the game from disk through decode, engine
// and analyzers: 2.92 → 3.12 Mloc/s median, 3.77 → 4.08 best of 8), little
// on the 11-sensor corpus, and costs ~17 instructions of bookkeeping;
// smoothBack's loop bookkeeping gave 14 back. DecodeEngine's minimum moved
// by +1 to +2.5 % over four runs (medians both ways): its rows are now
// written sensor by sensor, scattered over a block's 550 rows, not in
// sequence.
//
// What remains (callgrind, Engine/smoothed, instructions per sample): the
// RTS backward pass 200 (1.5 steps per tick, mostly the arithmetic), the
// players' figures (accumulateAt) 167, the rows (with the block loop and
// planar speed) 144 and their heading (atan2) 48, consume 151, the forward
// step 158, Feed to the ring push ~155, processTick 23, this benchmark's
// loop 25. On the small corpus, 3.2 fewer D1 misses barely moved the time:
// there it follows the instruction count, and no part is large enough that
// trimming it brings 1136 near decode's 766 with the same outputs. Tried and dropped: a branch-free atan2 (8-10 %
// slower), an id table that keeps every id in its home slot (no change),
// the headings in a loop of their own per tick (slower on the game: the
// rows are read back), longer smoothing blocks (not run: at 25 Hz any
// block over two lags needs more than the 128-slot tick ring, lag + block
// + 2·13 + 8, so the ring doubles for at most 0.25 backward steps, ~35
// instructions, less per sample, and the figures move).
func BenchmarkDecode(b *testing.B) {
	lines := benchLines()
	b.SetBytes(corpusBytes(lines))
	b.ReportAllocs()
	var d decode.Decoder
	var m decode.Message
	cpu0 := cpuTime_ns()
	for b.Loop() {
		for _, l := range lines {
			if err := d.Decode(l, &m); err != nil {
				b.Fatal(err)
			}
		}
	}
	report(b, len(lines), cpu0)
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
			cpu0 := cpuTime_ns()
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
			report(b, len(lines), cpu0)
		})
	}
}

func BenchmarkDecodeEngine(b *testing.B) {
	lines := benchLines()
	b.SetBytes(corpusBytes(lines))
	b.ReportAllocs()
	var d decode.Decoder
	var m decode.Message
	cpu0 := cpuTime_ns()
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
	report(b, len(lines), cpu0)
}

// gameCorpus is a simulated game (synth.SampleConfig: 4 minutes, 24
// players of whom 10 on court, a ball, 25 Hz, court.json, markers, stats
// and the feed's degradations) as `analyze` sees it: its meta, its
// decoded locations, and its other lines (a few hundred) with the number
// of locations before each.
type gameCorpus struct {
	meta   Meta
	lines  [][]byte // every line, for the decode baseline
	locs   []decode.Location
	others []gameLine
}

type gameLine struct {
	at   int // index in locs of the location after it
	line []byte
}

func loadGame(b *testing.B) *gameCorpus {
	_, meta, messages := synthBundle(b, synth.SampleConfig())
	g := &gameCorpus{meta: meta}
	r, err := decode.OpenRecording(messages, decode.ReaderOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var m decode.Message
	for r.Next(&m) {
		line := append([]byte(nil), r.Line()...)
		g.lines = append(g.lines, line)
		if m.Kind == decode.KindLocation {
			g.locs = append(g.locs, m.Location)
		} else {
			g.others = append(g.others, gameLine{at: len(g.locs), line: line})
		}
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkGame runs the engine on a simulated game, per location sample,
// beside decoding the same game's lines (the baseline, from the same run):
//
//	decode      every line decoded, nothing else
//	locations   the engine on the decoded locations only (court frame)
//	messages    the same with the markers, stats and shots in their places
//	analyzers   the same with the possession and heatmap analyzers, as
//	            `analyze` runs it (without the Parquet sink)
//
//	go test ./track -run '^$' -bench 'Game|Engine' -cpu 1 -count 6
func BenchmarkGame(b *testing.B) {
	g := loadGame(b)
	// MB/s are of the whole recording, in every variant (locations skips
	// the other lines but they were read to get its samples).
	recBytes := corpusBytes(g.lines)
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(recBytes)
		b.ReportAllocs()
		var d decode.Decoder
		var m decode.Message
		cpu0 := cpuTime_ns()
		for b.Loop() {
			for _, l := range g.lines {
				if err := d.Decode(l, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
		report(b, len(g.locs), cpu0)
	})
	for _, v := range []struct {
		name           string
		others, attach bool
	}{
		{"locations", false, false},
		{"messages", true, false},
		{"analyzers", true, true},
	} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(recBytes)
			b.ReportAllocs()
			var d decode.Decoder
			var m decode.Message
			cpu0 := cpuTime_ns()
			for b.Loop() {
				s, err := NewSession(DefaultConfig(), g.meta, &discard{})
				if err != nil {
					b.Fatal(err)
				}
				if v.attach {
					attachAnalyzers(b, s, g.meta, false)
				}
				o := 0
				for i := range g.locs {
					for v.others && o < len(g.others) && g.others[o].at == i {
						if err := d.Decode(g.others[o].line, &m); err != nil {
							b.Fatal(err)
						}
						if err := s.Feed(&m); err != nil {
							b.Fatal(err)
						}
						o++
					}
					m.Kind = decode.KindLocation
					m.Location = g.locs[i]
					if err := s.Feed(&m); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			report(b, len(g.locs), cpu0)
		})
	}
}

// report adds the per-sample figures: wall time (ns/sample, samples/s)
// and the process's CPU time since cpu0 (cpu-ns/sample), which a loaded
// machine disturbs less than wall time: time spent waiting for a core is
// not counted.
func report(b *testing.B, samples int, cpu0 int64) {
	ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / float64(samples)
	b.ReportMetric(ns, "ns/sample")
	b.ReportMetric(1e9/ns, "samples/s")
	b.ReportMetric(float64(cpuTime_ns()-cpu0)/float64(b.N)/float64(samples), "cpu-ns/sample")
}
