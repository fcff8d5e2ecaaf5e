package pipeline_test

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
)

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
	_, sum, segs := pipeline.BenchGame(b)
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
		for i := range segs {
			if err := w.Segment(&segs[i]); err != nil {
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
	r, sum, _ := pipeline.BenchGame(b)
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
		if files, err = pipeline.RenderImages(filepath.Join(out, strconv.Itoa(n)), sum, r.Shots(), r.ShotsLeftOut(), r.Template(), 0.5, false, false); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, ok := bench.ProcessCPUTime()
	if ok {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/float64(b.N), "cpu-µs/game")
	}
	b.ReportMetric(float64(len(files)), "files")
}
