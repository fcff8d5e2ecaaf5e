package bench

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stmotion/stmotion/synth"
)

// takeTurns alternates the turns run by run (what Scale's two games and
// the stages rely on), and folds each one's runs alike: the lowest wall
// time, the lowest CPU time (not the CPU time of the run lowest in wall
// time), the highest heap peaks and the first run's peak RSS.
func TestTakeTurns(t *testing.T) {
	var order []string
	stage := func(name string) turn {
		return turn{name, func() (counts, error) {
			order = append(order, name)
			return counts{locations: 1}, nil
		}}
	}
	rs, err := takeTurns(3, []turn{stage("short"), stage("long")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(order, " "), "short long short long short long"; got != want {
		t.Errorf("runs in the order %s, want %s", got, want)
	}
	if len(rs) != 2 || rs[0].Name != "short" || rs[1].Name != "long" || rs[0].Locations != 1 {
		t.Errorf("results %+v", rs)
	}
	failing := turn{"bad", func() (counts, error) { return counts{}, errors.New("boom") }}
	if _, err := takeTurns(1, []turn{stage("a"), failing}); err == nil || !strings.Contains(err.Error(), "bad: boom") {
		t.Errorf("a failing stage: %v, want its name and error", err)
	}

	// As measured once: the run fastest by wall time (the second) is not
	// the one that spent the least CPU (the third).
	runs := []StageResult{
		{Wall: 39, CPU: 21, HaveCPU: true, PeakHeap_bytes: 10, PeakLive_bytes: 5, PeakRSS_bytes: 70},
		{Wall: 18, CPU: 19, HaveCPU: true, PeakHeap_bytes: 8, PeakLive_bytes: 6, PeakRSS_bytes: 60},
		{Wall: 22, CPU: 12, HaveCPU: true, PeakHeap_bytes: 12, PeakLive_bytes: 4, PeakRSS_bytes: 65},
	}
	var r StageResult
	for i, run := range runs {
		r.fold(run, i == 0)
	}
	if r.Wall != 18 || r.CPU != 12 || r.WallCPU != 19 || !r.HaveCPU || r.PeakHeap_bytes != 12 || r.PeakLive_bytes != 6 || r.PeakRSS_bytes != 70 {
		t.Errorf("wall %v, CPU %v (%v), CPU of the fastest %v, peak heap %d, live %d, RSS %d; want 18ns, 12ns (true), 19ns, 12, 6, 70",
			r.Wall, r.CPU, r.HaveCPU, r.WallCPU, r.PeakHeap_bytes, r.PeakLive_bytes, r.PeakRSS_bytes)
	}
	// A run without a CPU time makes the stage's CPU figures unknown, not
	// the 0 of that run.
	r = StageResult{}
	r.fold(runs[0], true)
	r.fold(StageResult{Wall: 5}, false)
	if r.HaveCPU || r.CPU != 0 || r.Wall != 5 {
		t.Errorf("a run without CPU time: CPU %v (%v), wall %v; want none, 5ns", r.CPU, r.HaveCPU, r.Wall)
	}
}

func TestCountFilesAndCreateCost(t *testing.T) {
	dir := t.TempDir()
	if countFiles("") != 0 || countFiles(filepath.Join(dir, "none")) != 0 {
		t.Error("countFiles of no directory is not 0")
	}
	per, ok := createCost(filepath.Join(dir, "create-cost"), 7)
	if _, cpu := ProcessCPUTime(); ok != cpu || per < 0 {
		t.Errorf("createCost: %v, %v; want a cost where the CPU time can be read", per, ok)
	}
	if n := countFiles(dir); n != 7 {
		t.Errorf("countFiles after creating 7: %d", n)
	}
	if _, ok := createCost(filepath.Join(dir, "create-cost"), 7); ok {
		t.Error("createCost in a directory that exists: want false (its files are not replaced)")
	}
}

// A tiny pipeline benchmark, end to end: every stage reads the same
// samples, the stages that run the engine put out the same rows, and the
// figures are there. No figure's size is checked: machines are noisy.
func TestPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and analyses a game many times")
	}
	ctx := context.Background()
	game := synth.DefaultConfig()
	game.Minutes = 1
	dir := t.TempDir()
	var log, profile bytes.Buffer
	var mu sync.Mutex
	var lone []LoneRun
	opts := PipelineOptions{Dir: dir, Game: game, Reps: 1, Log: &log, CPUProfile: &profile,
		LonePeakRSS: func(_ context.Context, run LoneRun) (int64, error) {
			mu.Lock()
			defer mu.Unlock()
			lone = append(lone, run)
			return int64(100 - len(lone)), nil
		}}
	p, err := NewPipeline(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := p.Stages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Game != filepath.Join(dir, "game") || !strings.Contains(log.String(), "simulating a 1-minute game at 25 Hz into "+rep.Game) {
		t.Errorf("game %s, log %q", rep.Game, log.String())
	}
	if profile.Len() == 0 {
		t.Error("no CPU profile written")
	}
	names := []string{"decode", "engine", "pipeline-1", "pipeline", "analyze"}
	if len(rep.Stages) != len(names) {
		t.Fatalf("%d stages, want %d", len(rep.Stages), len(names))
	}
	_, haveRSS := PeakRSS()
	dec := rep.Stages[StageDecode]
	outs := map[string]bool{}
	for i, s := range rep.Stages {
		if s.Name != names[i] {
			t.Errorf("stage %d is %q, want %q", i, s.Name, names[i])
		}
		if s.Locations <= 0 || s.Locations != dec.Locations {
			t.Errorf("%s read %d location samples, decode %d: want the same, not 0", s.Name, s.Locations, dec.Locations)
		}
		if s.Wall <= 0 || (s.HaveCPU && s.CPU <= 0) || (s.HaveCPU && s.WallCPU <= 0) {
			t.Errorf("%s: wall %v, CPU %v (%v), CPU of the fastest %v: want times", s.Name, s.Wall, s.CPU, s.HaveCPU, s.WallCPU)
		}
		if haveRSS && s.PeakRSS_bytes <= 0 {
			t.Errorf("%s: no peak RSS", s.Name)
		}
		if i >= StagePipeline1 {
			if s.Out == "" || outs[s.Out] || s.Files == 0 {
				t.Errorf("%s wrote %d files to %q: want a directory of its own with its outputs", s.Name, s.Files, s.Out)
			}
			outs[s.Out] = true
		}
	}
	if dec.Rows != 0 || dec.Bytes <= 0 || rep.Stages[StageEngine].Bytes != dec.Bytes {
		t.Errorf("decode: %d rows, %d bytes, the engine %d bytes: want no rows and the same bytes", dec.Rows, dec.Bytes, rep.Stages[StageEngine].Bytes)
	}
	rows := rep.Stages[StageEngine].Rows
	for _, s := range rep.Stages[StageEngine:] {
		if s.Rows <= 0 || s.Rows != rows {
			t.Errorf("%s put out %d rows, the engine %d: want the same, not 0", s.Name, s.Rows, rows)
		}
	}
	if a, p := rep.Stages[StageAnalyze].Files, rep.Stages[StagePipeline].Files; a <= p {
		t.Errorf("analyze wrote %d files, the pipeline %d: want its images too", a, p)
	}

	g, err := p.Games(ctx, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if g.One.Locations != 2*dec.Locations || g.Many.Locations != g.One.Locations || g.One.Name != "--jobs 1" || g.Many.Name != "--jobs 2" {
		t.Errorf("games: %+v; want 2 games' location samples on each side", g)
	}
	for _, s := range []StageResult{g.One, g.Many} {
		if s.Rows != 2*rows || s.Out == "" {
			t.Errorf("games, %s: %d rows out, in %q; want 2 games' %d, and the first game's directory", s.Name, s.Rows, s.Out, 2*rows)
		}
	}

	s, err := p.Scale(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.LongGame != filepath.Join(dir, "game-long") || s.Short.Locations != dec.Locations || s.Long.Locations != dec.Locations ||
		s.Dense[0].Locations != dec.Locations || s.Dense[1].Locations != dec.Locations {
		t.Errorf("scale 1: %+v; want the same game twice", s)
	}
	if !haveRSS {
		if len(lone) != 0 {
			t.Errorf("lone runs without a peak RSS to read: %+v", lone)
		}
		return
	}
	// One round: the short game, then the long one, each into a new
	// directory; the lowest peak of each.
	if len(lone) != 2 || lone[0].Recording != rep.Game || lone[1].Recording != s.LongGame || s.LonePeakRSS_bytes != [2]int64{99, 98} {
		t.Fatalf("lone runs %+v, peaks %v; want the two games in turn, peaks 99 and 98", lone, s.LonePeakRSS_bytes)
	}
	for _, run := range lone {
		if outs[run.Out] || filepath.Dir(run.Out) != filepath.Join(dir, "out") || run.BatchRows == 0 || run.Cell_m != 0.5 {
			t.Errorf("lone run %+v: want a new directory under %s and the pipeline stage's options", run, filepath.Join(dir, "out"))
		}
		outs[run.Out] = true
	}
}

func TestPipelineOptions(t *testing.T) {
	ctx := context.Background()
	for _, opts := range []PipelineOptions{{Reps: 1}, {Dir: t.TempDir()}} {
		if _, err := NewPipeline(ctx, opts); err == nil || !strings.HasPrefix(err.Error(), "bench pipeline: ") {
			t.Errorf("%+v: %v, want an error", opts, err)
		}
	}
}

// BenchmarkPipeline measures what 'stmotion bench pipeline' prints, as Go
// benchmarks on one simulated 4-minute game read from disk: decode only,
// decode → engine (with possession and heatmaps), and the whole analyze
// pipeline into Parquet, in the same run. Compare the Mloc/s metrics.
//
//	go test -run - -bench Pipeline -cpuprofile /tmp/cpu.prof ./bench
func BenchmarkPipeline(b *testing.B) {
	ctx := context.Background()
	p, err := NewPipeline(ctx, PipelineOptions{Dir: b.TempDir(), Game: synth.SampleConfig(), Reps: 1})
	if err != nil {
		b.Fatal(err)
	}
	stages := p.stages(ctx)
	for _, st := range []turn{stages[StageDecode], stages[StageEngine], stages[StagePipeline]} {
		b.Run(st.name, func(b *testing.B) {
			b.ReportAllocs()
			var locs int64
			for b.Loop() {
				c, err := st.run()
				if err != nil {
					b.Fatal(err)
				}
				locs += c.locations
			}
			b.ReportMetric(float64(locs)/b.Elapsed().Seconds()/1e6, "Mloc/s")
		})
	}
}
