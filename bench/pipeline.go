package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stmotion/stmotion/batch"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// The stages of a pipeline benchmark, as indices of StagesReport.Stages,
// in the order they run and print.
const (
	StageDecode    = iota // read the recording and decode every line
	StageEngine           // decode → engine (and analyzers) into a sink that drops the rows
	StagePipeline1        // decode → engine → tables and summary on one goroutine (pipeline.Options.Foreground)
	StagePipeline         // the same as 'stmotion analyze --images=false' runs it
	StageAnalyze          // the pipeline, then the heatmap and shot-chart images
)

// DenseGCPercent is the GOGC under which Pipeline.Scale measures the two
// games a second time: a mark at every 10 % of heap growth samples the
// heap peaks of a short and a long run alike.
const DenseGCPercent = 10

// PipelineOptions configures NewPipeline.
type PipelineOptions struct {
	// Dir is where the benchmark writes: the games ("game", "game-long"),
	// every run's outputs (a new directory out/run-N per run) and the
	// files of the file-creation cost (create-cost). It must exist and be
	// the caller's for this benchmark alone: nothing is removed from it,
	// and the caller removes it when done.
	Dir string
	// Game is the simulated game (synth); Pipeline.Scale's long game is
	// the same with its Minutes multiplied.
	Game synth.Config
	// Reps is how many rounds the stages take turns for (at least 1).
	Reps int
	// Format, BatchRows (0: export.DefaultBatchRows) and Cell_m (0:
	// pipeline.DefaultCell_m) are the pipeline stages' table format, rows
	// per record batch and heatmap cell size.
	Format    export.Format
	BatchRows int
	Cell_m    float64
	// CPUProfile, if not nil, receives a CPU profile (runtime/pprof) of
	// one more run of each of the stages pipeline-1, pipeline and
	// analyze, after the timed runs.
	CPUProfile io.Writer
	// Log, if not nil, receives a line as each game is simulated.
	Log io.Writer
	// LonePeakRSS, if not nil, runs run alone in a new process and returns
	// its peak RSS: Pipeline.Scale's memory of a lone run. Within this
	// process a run's peak RSS sits on the floor earlier runs left
	// resident, so it takes a process of its own ('stmotion bench
	// peak-rss analyze ...' re-executes the stmotion binary). Nil, or
	// where PeakRSS cannot be read, leaves ScaleReport.LonePeakRSS_bytes
	// zero.
	LonePeakRSS func(ctx context.Context, run LoneRun) (peak_bytes int64, err error)
}

// LoneRun is a run of the pipeline stage to measure alone in a process of
// its own: 'stmotion analyze --images=false --jobs 1' of Recording into
// the new directory Out, with the pipeline stage's table format, batch
// rows and cell size.
type LoneRun struct {
	Recording string
	Out       string
	Format    export.Format
	BatchRows int
	Cell_m    float64
}

// StageResult is a stage's runs folded together: its lowest wall time and
// its lowest CPU time (each the steadiest figure of its kind on a shared
// machine, often from different runs), its highest heap peaks and its
// first run's peak RSS. The counts are the first run's: every run of a
// stage processes the same input.
type StageResult struct {
	Name      string
	Locations int64  // input location messages of a run
	Bytes     int64  // input message text of a run (0: not counted, as by the pipeline stages)
	Rows      int64  // output sample rows of a run (0 for decode)
	Out       string // the directory the first run wrote its outputs to ("": none)
	Files     int    // regular files the first run wrote under Out (StagesReport only)

	Wall    time.Duration // lowest wall time of the runs
	CPU     time.Duration // lowest CPU time (user+system, every thread of the process) of the runs
	HaveCPU bool          // false where the process's CPU time cannot be read (CPU is then 0)
	WallCPU time.Duration // the CPU time of the run with the lowest wall time

	PeakHeap_bytes uint64 // highest peak of heap objects above those at a run's start
	PeakLive_bytes uint64 // highest peak of the live heap (as of the last GC) above that at a run's start
	PeakRSS_bytes  int64  // the first run's peak resident set size of the process (0: not measurable here)
}

// Locs_per_s is the stage's location samples per second of its lowest
// wall time.
func (r StageResult) Locs_per_s() float64 { return float64(r.Locations) / r.Wall.Seconds() }

// Locs_per_CPU_s is the stage's location samples per second of its lowest
// CPU time (+Inf without HaveCPU).
func (r StageResult) Locs_per_CPU_s() float64 { return float64(r.Locations) / r.CPU.Seconds() }

// StagesReport is what Pipeline.Stages measured.
type StagesReport struct {
	Game   string        // path of the simulated game
	Reps   int           // runs of each stage
	Stages []StageResult // indexed by StageDecode, ...
	// FileCost is the process CPU time that creating an empty file under
	// PipelineOptions.Dir took, the mean of FileCostFiles (HaveFileCost
	// false where it could not be measured). Stages[i].Files says how
	// many files a run of each stage created.
	FileCost     time.Duration
	HaveFileCost bool
}

// FileCostFiles is how many files StagesReport.FileCost is the mean of.
const FileCostFiles = 40

// ScaleReport is what Pipeline.Scale measured: the pipeline stage on the
// game and on a game Times as long, taking turns.
type ScaleReport struct {
	Times    float64
	LongGame string // path of the long game
	// Short and Long are the two games' pipeline runs, taking turns.
	Short, Long StageResult
	// LonePeakRSS_bytes is the lowest peak RSS of each game's lone runs
	// (short, long; PipelineOptions.LonePeakRSS), zero where not measured.
	LonePeakRSS_bytes [2]int64
	// Dense are the two games (short, long) again with GOGC at
	// DenseGCPercent.
	Dense [2]StageResult
}

// GamesReport is what Pipeline.Games measured: Games runs of the pipeline
// stage with one job and with Jobs jobs (batch.RunJobs), taking turns.
// With fewer games than jobs, only Games jobs run at once.
type GamesReport struct {
	Games, Jobs int
	// One and Many are the runs with one job and with Jobs: Locations
	// and Rows are all the games', Out the first game's directory.
	One, Many StageResult
}

// Pipeline measures the analysis pipeline on a simulated game, written to
// disk once and read from it by every run. A Pipeline serves one
// goroutine.
type Pipeline struct {
	opts PipelineOptions
	game batch.Input
	r    *runner
}

// NewPipeline simulates opts.Game into opts.Dir, for the measurements of
// its methods.
func NewPipeline(ctx context.Context, opts PipelineOptions) (*Pipeline, error) {
	switch {
	case opts.Dir == "":
		return nil, errors.New("bench pipeline: no directory to write to")
	case opts.Reps < 1:
		return nil, fmt.Errorf("bench pipeline: %d repetitions: want at least 1", opts.Reps)
	}
	if opts.BatchRows == 0 {
		opts.BatchRows = export.DefaultBatchRows
	}
	if opts.Cell_m == 0 {
		opts.Cell_m = pipeline.DefaultCell_m
	}
	p := &Pipeline{opts: opts, r: &runner{opts: pipeline.Options{
		Out: filepath.Join(opts.Dir, "out"), Format: opts.Format, BatchRows: opts.BatchRows, Cell_m: opts.Cell_m,
	}}}
	var err error
	if p.game, err = p.simulate(ctx, "game", opts.Game); err != nil {
		return nil, err
	}
	return p, nil
}

// simulate writes the game cfg to Dir/name.
func (p *Pipeline) simulate(ctx context.Context, name string, cfg synth.Config) (batch.Input, error) {
	path := filepath.Join(p.opts.Dir, name)
	if p.opts.Log != nil {
		fmt.Fprintf(p.opts.Log, "simulating a %g-minute game at %g Hz into %s\n", cfg.Minutes, cfg.Hz, path)
	}
	if _, err := synth.Write(ctx, cfg, path, nil); err != nil {
		return batch.Input{}, fmt.Errorf("bench pipeline: %w", err)
	}
	b, err := decode.OpenBundle(path)
	if err != nil {
		return batch.Input{}, fmt.Errorf("bench pipeline: %w", err)
	}
	return batch.Input{Path: path, SessionID: name, Bundle: b}, nil
}

// Stages measures the stages of StageDecode, ..., taking turns for Reps
// rounds, then the cost of creating a file where they wrote.
func (p *Pipeline) Stages(ctx context.Context) (*StagesReport, error) {
	stages := p.stages(ctx)
	// Peak RSS is the first round's: in later rounds a stage would start
	// from the RSS the pipeline stages before it left (heap the runtime
	// keeps for reuse).
	results, err := takeTurns(p.opts.Reps, stages)
	if err != nil {
		return nil, fmt.Errorf("bench pipeline: %w", err)
	}
	if w := p.opts.CPUProfile; w != nil {
		// One more run of each pipeline stage, untimed, under the profiler.
		if err := pprof.StartCPUProfile(w); err != nil {
			return nil, fmt.Errorf("bench pipeline: %w", err)
		}
		for _, st := range stages[StagePipeline1:] {
			if _, err := st.run(); err != nil {
				pprof.StopCPUProfile()
				return nil, fmt.Errorf("bench pipeline: %s: %w", st.name, err)
			}
		}
		pprof.StopCPUProfile()
	}
	rep := &StagesReport{Game: p.game.Path, Reps: p.opts.Reps, Stages: results}
	rep.FileCost, rep.HaveFileCost = createCost(filepath.Join(p.opts.Dir, "create-cost"), FileCostFiles)
	for i := range rep.Stages {
		rep.Stages[i].Files = countFiles(rep.Stages[i].Out)
	}
	return rep, nil
}

// stages are the runs of each stage on the game, in the order of
// StageDecode, ...
func (p *Pipeline) stages(ctx context.Context) []turn {
	in := p.game
	return []turn{
		{"decode", func() (counts, error) { return decodeOnly(in) }},
		{"engine", func() (counts, error) { return p.r.engine(ctx, in) }},
		{"pipeline-1", func() (counts, error) { return p.r.analyze(ctx, in, foreground, in.SessionID) }},
		{"pipeline", func() (counts, error) { return p.r.analyze(ctx, in, 0, in.SessionID) }},
		{"analyze", func() (counts, error) { return p.r.analyze(ctx, in, images, in.SessionID) }},
	}
}

// Scale measures the pipeline stage on the game and on a game times as
// long (1 or more; 1 runs the same game twice, to show the method's
// noise), simulated now: the two games take turns for Reps rounds, then
// take turns in lone processes (PipelineOptions.LonePeakRSS), then again
// in this process with GOGC at DenseGCPercent.
func (p *Pipeline) Scale(ctx context.Context, times float64) (*ScaleReport, error) {
	if !(times >= 1) {
		return nil, fmt.Errorf("bench pipeline: scale %g: want 1 or more times the game's length", times)
	}
	cfg := p.opts.Game
	cfg.Minutes *= times
	long, err := p.simulate(ctx, "game-long", cfg)
	if err != nil {
		return nil, err
	}
	in := p.game
	// Both games are measured here, taking turns (short, long, short,
	// long, ...), and not the short one from Stages: there its first run
	// came before the images stage had raised the process's resident
	// memory, and the long game's runs would all come after it. Each
	// game's figures are taken alike: the highest heap peaks of its runs,
	// above the heap at each run's start.
	lengths := []turn{
		{"pipeline, short game", func() (counts, error) { return p.r.analyze(ctx, in, 0, in.SessionID) }},
		{"pipeline, long game", func() (counts, error) { return p.r.analyze(ctx, long, 0, long.SessionID) }},
	}
	byLength, err := takeTurns(p.opts.Reps, lengths)
	if err != nil {
		return nil, fmt.Errorf("bench pipeline: scale: %w", err)
	}
	rep := &ScaleReport{Times: times, LongGame: long.Path, Short: byLength[0], Long: byLength[1]}

	// Peak RSS, unlike the heap peaks, cannot be measured above a run's
	// start: in this process it sits on the floor of what the stages
	// before left resident (the images stage's ~12 MB, which FreeOSMemory
	// does not return), which understated the growth (1.04x where lone
	// runs gave 1.08x). Each game's runs here are lone runs, child
	// processes in turn, that read their own peak.
	if _, ok := PeakRSS(); ok && p.opts.LonePeakRSS != nil {
		if rep.LonePeakRSS_bytes, err = p.loneTurns(ctx, [2]batch.Input{in, long}); err != nil {
			return nil, fmt.Errorf("bench pipeline: scale: %w", err)
		}
	}

	// The peaks above are maxima over what the GC happened to mark: with
	// little garbage per sample it marks rarely, and a 4x longer run
	// marks 4x as often, so it is likelier to catch a transient high (a
	// batch in flight, the summary at the end). Marking at every 10 % of
	// heap growth samples both runs densely. The games take turns again.
	old := debug.SetGCPercent(DenseGCPercent)
	dense, err := takeTurns(p.opts.Reps, lengths)
	debug.SetGCPercent(old)
	if err != nil {
		return nil, fmt.Errorf("bench pipeline: scale: %w", err)
	}
	rep.Dense = [2]StageResult{dense[0], dense[1]}
	return rep, nil
}

// loneTurns runs a lone pipeline run of each of games in turn, Reps
// rounds, and returns the lowest peak RSS of each game's runs.
func (p *Pipeline) loneTurns(ctx context.Context, games [2]batch.Input) ([2]int64, error) {
	var peaks [2]int64
	for range p.opts.Reps {
		for i, g := range games {
			run := LoneRun{Recording: g.Path, Out: p.r.newOut(), Format: p.opts.Format, BatchRows: p.opts.BatchRows, Cell_m: p.opts.Cell_m}
			peak, err := p.opts.LonePeakRSS(ctx, run)
			if err != nil {
				return peaks, fmt.Errorf("a lone analyze run: %w", err)
			}
			if peaks[i] == 0 || peak < peaks[i] {
				peaks[i] = peak
			}
		}
	}
	return peaks, nil
}

// Games measures games runs of the pipeline stage on the game (each as a
// session of its own, writing apart) with one job and with jobs jobs,
// taking turns for Reps rounds.
func (p *Pipeline) Games(ctx context.Context, games, jobs int) (*GamesReport, error) {
	if games < 1 || jobs < 1 {
		return nil, fmt.Errorf("bench pipeline: %d games with %d jobs: want at least 1 of each", games, jobs)
	}
	var byJobs []turn
	for _, j := range []int{1, jobs} {
		byJobs = append(byJobs, turn{fmt.Sprintf("--jobs %d", j), func() (counts, error) {
			var mu sync.Mutex
			var firstErr error
			var sum counts
			batch.RunJobs(j, games, func(i int) {
				c, err := p.r.analyze(ctx, p.game, 0, fmt.Sprintf("g%d", i))
				mu.Lock()
				defer mu.Unlock()
				sum.locations += c.locations
				sum.rows += c.rows
				if i == 0 {
					sum.out = c.out
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
			})
			return sum, firstErr
		}})
	}
	g, err := takeTurns(p.opts.Reps, byJobs)
	if err != nil {
		return nil, fmt.Errorf("bench pipeline: games: %w", err)
	}
	return &GamesReport{Games: games, Jobs: jobs, One: g[0], Many: g[1]}, nil
}

// counts is what one run of a stage processed.
type counts struct {
	locations int64  // input location messages
	bytes     int64  // input text
	rows      int64  // output sample rows (0 for decode)
	out       string // the directory the run wrote its outputs to ("": none)
}

// decodeOnly reads in's recording and decodes every line.
func decodeOnly(in batch.Input) (counts, error) {
	r, err := decode.OpenRecording(in.Bundle.MessagesPath, decode.ReaderOptions{})
	if err != nil {
		return counts{}, err
	}
	defer r.Close()
	var m decode.Message
	var c counts
	for r.Next(&m) {
		if m.Kind == decode.KindLocation {
			c.locations++
		}
	}
	c.bytes = r.Stats().Bytes
	return c, r.Err()
}

// runner runs the engine and pipeline stages with the pipeline stage's
// options; each run that writes does so under a new directory of
// opts.Out (newOut).
type runner struct {
	opts pipeline.Options
	runs atomic.Int64 // runs numbered so far (parallel ones too)
}

// newOut returns a new directory under opts.Out for a run's outputs.
//
// Each run writes under a new directory, as a lone analyze run into a
// fresh --out does, and nothing is removed until the benchmark ends: runs
// that replace or remove the files of the run before make ext4 look past
// the inodes freed in the last half minute at every file it creates,
// which cost up to 1 ms of CPU per file on the project's machine (some 60
// per run with the images), against 20-40 µs on a quiet file system.
func (r *runner) newOut() string {
	return filepath.Join(r.opts.Out, fmt.Sprintf("run-%d", r.runs.Add(1)))
}

// countSink counts sample rows and drops them.
type countSink struct{ rows int64 }

func (s *countSink) Samples(b []track.Sample) error { s.rows += int64(len(b)); return nil }
func (s *countSink) Segment(*track.Segment) error   { return nil }
func (s *countSink) Close(*track.Summary) error     { return nil }

// engine runs decode → engine → analyzers on in into a sink that counts
// the sample rows and drops them.
func (r *runner) engine(ctx context.Context, in batch.Input) (counts, error) {
	var sink countSink
	run, err := pipeline.OpenEngine(in.Bundle, in.SessionID, r.opts, &sink)
	if err != nil {
		return counts{}, err
	}
	sum, err := run.Do(ctx)
	if err != nil {
		return counts{}, err
	}
	return counts{locations: sum.Quality.Locations, bytes: run.Stats().Bytes, rows: sink.rows}, nil
}

// analyzeHow picks a pipeline stage's way of running.
type analyzeHow int

const (
	foreground analyzeHow = 1 << iota // samples batches written on the engine's goroutine (pipeline-1)
	images                            // the heatmap and shot-chart images too (analyze)
)

// analyze runs analyze's pipeline on in as session id (so parallel runs
// of one game write apart) into a new directory (newOut), summary.json
// included, as 'stmotion analyze' does.
func (r *runner) analyze(ctx context.Context, in batch.Input, how analyzeHow, id string) (counts, error) {
	cfg := batch.Config{Options: r.opts, Images: how&images != 0}
	cfg.Options.Foreground = how&foreground != 0
	cfg.Options.Out = r.newOut()
	in.SessionID = id
	res := batch.Analyze(ctx, &cfg, in, true)
	if res.Err != nil {
		return counts{}, res.Err
	}
	if err := export.WriteJSON(filepath.Join(cfg.Options.Out, id+".summary.json"), res.Summary, false); err != nil {
		return counts{}, err
	}
	return counts{locations: res.Summary.Quality.Locations, rows: res.Rows, out: cfg.Options.Out}, nil
}
