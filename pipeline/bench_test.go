package pipeline

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// segmentSink keeps copies of the segments the engine emits and drops its
// samples.
type segmentSink struct{ segs []track.Segment }

func (s *segmentSink) Samples([]track.Sample) error { return nil }
func (s *segmentSink) Segment(g *track.Segment) error {
	s.segs = append(s.segs, *g)
	return nil
}
func (s *segmentSink) Close(*track.Summary) error { return nil }

// benchGame runs the engine (with sink) once on a simulated 12-minute
// game, outside the timing of the benchmarks that use its output.
func benchGame(b *testing.B, sink track.Sink) (*Run, *track.Summary) {
	cfg := synth.DefaultConfig()
	cfg.Minutes = 12
	path := filepath.Join(b.TempDir(), "game")
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		b.Fatal(err)
	}
	bd, err := decode.OpenBundle(path)
	if err != nil {
		b.Fatal(err)
	}
	r, err := OpenEngine(bd, "game", Options{}, sink)
	if err != nil {
		b.Fatal(err)
	}
	sum, err := r.Do(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return r, sum
}

// BenchmarkSmallTables measures what writing the tables other than samples
// costs per game: export.NewWriter, the engine's segments (possessions,
// events, shots, DIST checks) and Writer.Close with the summary (players,
// boxscore, heatmaps, quality), as analyze writes them for a simulated
// 12-minute game (the engine runs once, outside the timing; the samples
// table is created and stays empty). It is a fixed cost per game beside
// the per-sample ones that `stmotion bench pipeline` reports.
//
// CPU time is noisy on a shared machine; instructions are not:
//
//	go test -c -o /tmp/pipeline.test ./pipeline
//	GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
//		/tmp/pipeline.test -test.run '^$' -test.bench SmallTables -test.benchtime 7x
//
// minus the same with -test.benchtime 2x, divided by 5 (PROGRAM TOTALS).
func BenchmarkSmallTables(b *testing.B) {
	sink := &segmentSink{}
	_, sum := benchGame(b, sink)
	out := b.TempDir()
	b.ReportAllocs()
	cpu0, _ := bench.ProcessCPUTime()
	n := 0
	for b.Loop() {
		n++ // a new directory each time, as for BenchmarkRenderImages
		w, err := export.NewWriter(filepath.Join(out, strconv.Itoa(n)), "game")
		if err != nil {
			b.Fatal(err)
		}
		for i := range sink.segs {
			if err := w.Segment(&sink.segs[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(sum); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, ok := bench.ProcessCPUTime()
	if ok {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/game")
	}
	b.ReportMetric(float64(len(sum.Heatmaps)), "heatmap-rows")
}

// BenchmarkRenderImages measures what analyze's images cost per game:
// RenderImages (every heatmap and shot chart of a simulated 12-minute
// game, PNG and SVG, on every CPU) after the engine has run once, outside
// the timing. Like the small tables, a fixed cost per game beside the
// per-sample ones of `stmotion bench pipeline`; its analyze stage
// includes them.
func BenchmarkRenderImages(b *testing.B) {
	r, sum := benchGame(b, &segmentSink{})
	out := b.TempDir()
	b.ReportAllocs()
	cpu0, _ := bench.ProcessCPUTime()
	var files []string
	var err error
	n := 0
	for b.Loop() {
		// A new directory each time, as a lone analyze run writes, and
		// nothing removed until the end: while recently freed inodes
		// abound, ext4 looks past them at every file it creates (up to
		// 1 ms of CPU per file on the project's machine, see
		// docs/performance.md).
		n++
		if files, err = RenderImages(filepath.Join(out, strconv.Itoa(n)), sum, r.Shots(), r.Template(), 0.5, false, false); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, ok := bench.ProcessCPUTime()
	if ok {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/game")
	}
	b.ReportMetric(float64(len(files)), "files")
}
