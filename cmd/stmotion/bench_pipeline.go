package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/stmotion/stmotion/batch"
	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

func init() {
	registerBench("pipeline", "end to end: decode → engine → possession/heatmaps → Parquet, beside decode only", runBenchPipeline)
}

const benchPipelineUsage = `Usage: stmotion bench pipeline [flags]

Measures what 'stmotion analyze' does, end to end, on a simulated game
(synth, written once to a temporary directory and read from disk), side by
side in one run with the stages below it:

  decode     read the recording and decode every line
  engine     decode → engine (resampling, smoothing, kinematics, analyzers)
             into a sink that drops the rows
  pipeline-1 decode → engine → Parquet tables and summary, all on one
             goroutine (export.WithForeground)
  pipeline   the same as analyze runs it with --images=false: Parquet
             batches of the samples table encoded on a second goroutine
             while the engine goes on
  analyze    the pipeline, then the heatmap and shot-chart images (PNG and
             SVG, drawn on every CPU) that analyze draws by default

For each: location samples (input location messages) per second of wall
time and per CPU second (user+sys, all threads: the GC and Parquet
compression run beside the main goroutine; "-" where the process's CPU
time cannot be read), output rows, and two peaks of the Go heap above
the heap before the run, sampled every 2 ms with runtime/metrics: all
heap objects (garbage not yet collected included, so it moves with GC
timing) and the live heap marked by the GC, and the peak resident set
size of the whole process (Linux: the kernel's VmHWM, reset before each
run with the freed heap returned to the system; "-" elsewhere): what a
lone run needs from the machine. Every run starts as a lone 'stmotion
analyze' does, without the samples buffers an earlier Writer of the
process kept (export.ReleaseBuffers), and writes to a new directory, in
a directory of its own per invocation (--dir): no output is replaced,
and none is removed until the end (on ext4, creating files costs far
more while recently freed inodes abound; the outputs take about 12 MB
per run of a 12-minute game). The stages take turns (--reps rounds of
one run each), so that other load on a shared machine falls on all of
them alike. Each stage's wall figures are its lowest wall time, and its
CPU figures (the CPU columns and the last line) its lowest CPU time:
the steadiest figure of each kind, often from different runs, since the
run the scheduler favours is not always the one that spent the least
CPU. With them come the highest heap peaks of its runs and the peak RSS
of its first run (later ones start from what the stages before left).

A last line turns the lowest CPU times into what each stage adds per
location sample, as a multiple of decoding's cost (the engine's target
is at most 1x), the single-goroutine pipeline's samples per CPU second,
and what the images add. A line after it says what creating a file costs where
the outputs go and how much of the pipeline and analyze stages' cost
per sample that is (a run creates about 10 files, 60 with the images):
on ext4 it depends on the directory more than on stmotion (0.4–1 ms of
CPU per file under a /tmp that sees much churn, 20–40 µs elsewhere on
the same file system); --dir on another directory leaves most of it out.
Where it is slow the line says so, and why it likely is: under the
temporary directory, the directory; elsewhere, files removed there in
the last half minute.

--scale 4 also runs the pipeline on a game 4x longer and prints its
peaks beside the first game's: memory must not grow with the length of a
recording. After the table, the two games take turns (short, long,
short, long, ...: --reps runs each), so that both are measured under the
same conditions, and each game's figures are taken alike: the highest
heap peaks of its runs, above the heap at each run's start. Peak RSS
cannot be measured above a run's start, and in this process it would sit
on what the stages before left resident; so each game's peak RSS comes
from lone runs, child processes of this binary taking turns ('stmotion
bench peak-rss analyze --images=false --jobs 1', with the pipeline
stage's options; --reps runs each, the lowest kept). --scale 1 runs the
same game twice: what the two figures then differ by is the method's
noise. The heap peaks are maxima over the heaps the GC marked,
and with little garbage per sample it marks rarely: a longer run marks
more often and is likelier to catch a transient high. So both games run
again, in turn, with GOGC=10, which marks at every 10 % of heap growth,
and a last line compares those peaks.

--games N runs N games with --jobs 1 and with --jobs J, taking turns
(--reps runs each; the lowest wall time of each compared), and prints
the speed-up. With fewer games than jobs only N jobs run at a time: the
line then names --jobs N, with a note. One job already keeps more than
one CPU busy (the samples table's Parquet batches are encoded on a second
goroutine, and the GC runs beside the engine): a second line says how
many CPUs each side kept busy in its fastest run, and so about how much
more jobs could gain on this machine, were their work the same as one
job's. The machine may be shared: compare ratios from one run.

Flags:
`

func runBenchPipeline(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench pipeline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	minutes := fs.Float64("minutes", 12, "length of the simulated game in `minutes`")
	hz := fs.Float64("hz", 25, "location sample `rate` per sensor of the simulated game")
	seed := fs.Int64("seed", 1, "seed of the simulated game")
	reps := fs.Int("reps", 3, "timed `repetitions` per stage; the lowest wall and the lowest CPU time are reported")
	scale := fs.Float64("scale", 0, "also run the pipeline on a game this many `times` longer, 1 or more, and compare peak memory (0: skip)")
	games := fs.Int("games", 0, "also run this many `games` with --jobs 1 and with --jobs (0: skip)")
	jobs := fs.Int("jobs", 2, "parallel `jobs` for --games")
	format := fs.String("format", "parquet", "table `format` of the pipeline stage: parquet or arrow")
	batchRows := fs.Int("batch-rows", export.DefaultBatchRows, fmt.Sprintf("rows per record batch / Parquet row group of the pipeline stage, %d to %d", minBatchRows, maxBatchRows))
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of one more run of each pipeline stage, after the timed runs, to `file` (go tool pprof; created before the runs, removed if the benchmark fails)")
	keep := fs.String("dir", "", "write the game and outputs to a new subdirectory of this `directory` (bench-*, one per invocation,\n"+
		"so nothing an earlier invocation wrote there is replaced) and keep them (default: a temporary directory, removed)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), benchPipelineUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return usageError(fs, err)
	}
	if *reps < 1 {
		return usageError(fs, fmt.Errorf("--reps %d: want at least 1", *reps))
	}
	if *jobs < 1 {
		return usageError(fs, fmt.Errorf("--jobs %d: want at least 1", *jobs))
	}
	if *batchRows < minBatchRows || *batchRows > maxBatchRows {
		return usageError(fs, fmt.Errorf("--batch-rows %d: want %d to %d rows", *batchRows, minBatchRows, maxBatchRows))
	}
	gameConfig := func(minutes float64) synth.Config {
		cfg := synth.DefaultConfig()
		cfg.Minutes, cfg.Hz, cfg.Seed = minutes, *hz, *seed
		return cfg
	}
	// Both games are checked now: the long one is simulated only after
	// the whole table has run.
	if err := gameConfig(*minutes).Validate(); err != nil {
		return usageError(fs, fmt.Errorf("--minutes %g, --hz %g: %w", *minutes, *hz, err))
	}
	if *scale != 0 {
		if !(*scale >= 1) {
			return usageError(fs, fmt.Errorf("--scale %g: want 1 or more times the game's length (0: skip)", *scale))
		}
		if err := gameConfig(*minutes * *scale).Validate(); err != nil {
			return usageError(fs, fmt.Errorf("--scale %g: a %g-minute game: %w", *scale, *minutes**scale, err))
		}
	}
	if *games < 0 {
		return usageError(fs, fmt.Errorf("--games %d: want a number of games (0: skip)", *games))
	}
	// The profile is written after every timed run: a path that cannot
	// be created must fail now, not minutes later.
	var profile *os.File
	if *cpuProfile != "" {
		if profile, err = os.Create(*cpuProfile); err != nil {
			return setupError(stderr, fmt.Errorf("bench pipeline: --cpuprofile: %w", err))
		}
		defer func() {
			if profile != nil { // not written: the benchmark failed
				profile.Close()
				os.Remove(*cpuProfile)
			}
		}()
	}
	// A directory of its own for every invocation: a --dir used before
	// keeps what the earlier runs wrote (their run-N directories would be
	// numbered from 1 again).
	var dir string
	if *keep == "" {
		if dir, err = os.MkdirTemp("", "stmotion-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else {
		if err := os.MkdirAll(*keep, 0o755); err != nil {
			return setupError(stderr, fmt.Errorf("bench pipeline: --dir: %w", err))
		}
		if dir, err = os.MkdirTemp(*keep, "bench-"); err != nil {
			return setupError(stderr, fmt.Errorf("bench pipeline: --dir: %w", err))
		}
	}

	game := func(name string, minutes float64) (batch.Input, error) {
		cfg := gameConfig(minutes)
		path := filepath.Join(dir, name)
		fmt.Fprintf(stderr, "simulating a %g-minute game at %g Hz into %s\n", minutes, *hz, path)
		if _, err := synth.Write(ctx, cfg, path, nil); err != nil {
			return batch.Input{}, err
		}
		b, err := decode.OpenBundle(path)
		if err != nil {
			return batch.Input{}, err
		}
		return batch.Input{Path: path, SessionID: name, Bundle: b}, nil
	}
	in, err := game("game", *minutes)
	if err != nil {
		return err
	}
	acfg := &analyzeConfig{out: filepath.Join(dir, "out"), format: f, cell_m: 0.5, batchRows: *batchRows}
	fg := *acfg
	fg.foreground = true
	img := *acfg
	img.images = true

	// In the order of the stage constants (stageDecode, ...).
	stages := []benchStage{
		{"decode", func() (stageCounts, error) { return benchDecodeOnly(in) }},
		{"engine", func() (stageCounts, error) { return benchEngine(ctx, in, acfg) }},
		{"pipeline-1", func() (stageCounts, error) { return benchAnalyze(ctx, in, &fg) }},
		{"pipeline", func() (stageCounts, error) { return benchAnalyze(ctx, in, acfg) }},
		{"analyze", func() (stageCounts, error) { return benchAnalyze(ctx, in, &img) }},
	}
	// Peak RSS is the first round's: in later rounds a stage would start
	// from the RSS the pipeline stages before it left (heap the runtime
	// keeps for reuse).
	results, err := takeTurns(*reps, stages)
	if err != nil {
		return fmt.Errorf("bench pipeline: %w", err)
	}
	if profile != nil {
		// One more run of each pipeline stage, untimed, under the profiler.
		if err := pprof.StartCPUProfile(profile); err != nil {
			return err
		}
		for _, st := range stages[stagePipeline1:] {
			if _, err := st.run(); err != nil {
				pprof.StopCPUProfile()
				return fmt.Errorf("bench pipeline: %s: %w", st.name, err)
			}
		}
		pprof.StopCPUProfile()
		err := profile.Close()
		profile = nil
		if err != nil {
			return fmt.Errorf("bench pipeline: --cpuprofile: %w", err)
		}
	}

	fmt.Fprintf(stdout, "game      %s: %g min at %g Hz, %d location samples, %.1f MB of messages\n",
		in.Path, *minutes, *hz, results[0].locations, float64(results[0].bytes)/1e6)
	fmt.Fprintf(stdout, "machine   GOMAXPROCS=%d on %d CPUs, %s; each stage's lowest wall and lowest CPU time of %d runs\n\n", runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version(), *reps)
	printStages(stdout, results)
	fmt.Fprintln(stdout, "\n"+stageCosts(results))
	if line := fileCosts(dir, results); line != "" {
		fmt.Fprintln(stdout, line)
	}

	if *scale != 0 {
		long, err := game("game-long", *minutes**scale)
		if err != nil {
			return err
		}
		// Both games are measured here, taking turns (short, long, short,
		// long, ...), and not the short one from the table: there its
		// first run came before the images stage had raised the process's
		// resident memory, and the long game's runs would all come after
		// it. Each game's figures are taken alike: the highest heap peaks
		// of its runs, above the heap at each run's start.
		lengths := []benchStage{
			{"pipeline, short game", func() (stageCounts, error) { return benchAnalyze(ctx, in, acfg) }},
			{"pipeline, long game", func() (stageCounts, error) { return benchAnalyze(ctx, long, acfg) }},
		}
		byLength, err := takeTurns(*reps, lengths)
		if err != nil {
			return fmt.Errorf("bench pipeline: scale: %w", err)
		}
		base, r := byLength[0], byLength[1]
		fmt.Fprintf(stdout, "\nmemory vs length (pipeline; the two games in turn, %s): %g min: peak heap %.1f MB, live %.1f MB; %g min: peak heap %.1f MB (%.2fx), live %.1f MB (%.2fx), for %.1fx the samples; %.2f M loc/s on the long game\n",
			runsEach(*reps), *minutes, float64(base.peakHeap)/1e6, float64(base.peakLive)/1e6,
			*minutes**scale, float64(r.peakHeap)/1e6, float64(r.peakHeap)/float64(base.peakHeap),
			float64(r.peakLive)/1e6, float64(r.peakLive)/float64(base.peakLive),
			float64(r.locations)/float64(base.locations), r.perWall()/1e6)

		// Peak RSS, unlike the heap peaks, cannot be measured above a
		// run's start: in this process it sits on the floor of what the
		// stages before left resident (the images stage's ~12 MB, which
		// FreeOSMemory does not return), which understated the growth
		// (1.04x where lone runs gave 1.08x). Each game's runs here are
		// lone 'stmotion analyze' runs, child processes in turn, that
		// read their own peak (loneRSS).
		if _, ok := bench.PeakRSS(); ok {
			peaks, err := loneRSSTurns(ctx, *reps, []batch.Input{in, long}, acfg)
			if err != nil {
				return fmt.Errorf("bench pipeline: scale: %w", err)
			}
			fmt.Fprintf(stdout, "memory vs length, peak RSS of a lone 'stmotion analyze --images=false --jobs 1' (a child process per run, the two games in turn, %s; the lowest of each game's): %g min: %.1f MB; %g min: %.1f MB (%.2fx)\n",
				runsEach(*reps), *minutes, float64(peaks[0])/1e6, *minutes**scale, float64(peaks[1])/1e6, float64(peaks[1])/float64(peaks[0]))
		}

		// The peaks above are maxima over what the GC happened to mark:
		// with little garbage per sample it marks rarely, and a 4x longer
		// run marks 4x as often, so it is likelier to catch a transient
		// high (a batch in flight, the summary at the end). Marking at
		// every 10 % of heap growth samples both runs densely. The games
		// take turns again.
		old := debug.SetGCPercent(denseGCPercent)
		dense, err := takeTurns(*reps, lengths)
		debug.SetGCPercent(old)
		if err != nil {
			return fmt.Errorf("bench pipeline: scale: %w", err)
		}
		fmt.Fprintf(stdout, "memory vs length, GOGC=%d (dense marking): %g min: peak heap %.1f MB, live %.1f MB; %g min: peak heap %.1f MB (%.2fx), live %.1f MB (%.2fx)\n",
			denseGCPercent, *minutes, float64(dense[0].peakHeap)/1e6, float64(dense[0].peakLive)/1e6,
			*minutes**scale, float64(dense[1].peakHeap)/1e6, float64(dense[1].peakHeap)/float64(dense[0].peakHeap),
			float64(dense[1].peakLive)/1e6, float64(dense[1].peakLive)/float64(dense[0].peakLive))
	}

	if *games != 0 {
		// --jobs 1 and --jobs J take turns too, run by run.
		var byJobs []benchStage
		for _, j := range []int{1, *jobs} {
			byJobs = append(byJobs, benchStage{fmt.Sprintf("--jobs %d", j), func() (stageCounts, error) {
				var mu sync.Mutex
				var firstErr error
				var n int64
				batch.RunJobs(j, *games, func(i int) {
					c, err := benchAnalyzeAs(ctx, in, acfg, fmt.Sprintf("g%d", i))
					mu.Lock()
					defer mu.Unlock()
					n += c.locations
					if err != nil && firstErr == nil {
						firstErr = err
					}
				})
				return stageCounts{locations: n}, firstErr
			}})
		}
		g, err := takeTurns(*reps, byJobs)
		if err != nil {
			return fmt.Errorf("bench pipeline: games: %w", err)
		}
		fmt.Fprint(stdout, "\n"+gamesLine(*games, *jobs, runtime.GOMAXPROCS(0), g))
	}
	return nil
}

// gamesLine reports --games: g holds the results of --jobs 1 and of
// --jobs jobs, run on cpus CPUs. Fewer games than jobs run only as many
// jobs as games (batch.RunJobs): the line names the number of jobs that ran,
// and says so.
//
// One job already keeps more than one CPU busy (the samples table's
// Parquet batches are encoded on a second goroutine, and the GC marks
// beside the engine), so the speed-up of more jobs is bounded by the
// CPUs left: a second line says how many CPUs each side kept busy in its
// fastest run and the speed-up that leaves room for if the jobs' work
// were the same as one job's (runs on a shared machine do a little more
// or less: the measured ratio may pass it by a few percent).
func gamesLine(games, jobs, cpus int, g []stageResult) string {
	ran := min(jobs, games)
	line := fmt.Sprintf("%d games: --jobs 1 %.3f s wall, %s s CPU (%.2f M loc/s); --jobs %d %.3f s wall, %s s CPU (%.2f M loc/s): %.2fx\n",
		games, g[0].wall.Seconds(), g[0].cpuSeconds(), g[0].perWall()/1e6, ran, g[1].wall.Seconds(),
		g[1].cpuSeconds(), g[1].perWall()/1e6, g[0].wall.Seconds()/g[1].wall.Seconds())
	if g[0].haveCPU && g[1].haveCPU && g[0].wall > 0 && g[1].wall > 0 && g[0].wallCPU > 0 {
		busy1 := g[0].wallCPU.Seconds() / g[0].wall.Seconds()
		busyJ := g[1].wallCPU.Seconds() / g[1].wall.Seconds()
		line += fmt.Sprintf("CPUs busy in the fastest run: --jobs 1 %.2f, --jobs %d %.2f of %d; with one job keeping %.2f busy, %d CPUs leave room for about %.2fx (the same work spread over them all)\n",
			busy1, ran, busyJ, cpus, busy1, cpus, min(float64(ran), float64(cpus)/busy1))
	}
	switch {
	case ran == 1:
		line += fmt.Sprintf("note: --jobs %d with --games %d runs one job at a time: both sides ran alike, and their ratio is the method's noise; give --games at least 2\n", jobs, games)
	case ran < jobs:
		line += fmt.Sprintf("note: --jobs %d with --games %d runs only %d jobs at a time: the speed-up above is --jobs %d's; give --games at least %d for --jobs %d's\n", jobs, games, ran, ran, jobs, jobs)
	}
	return line
}

// The stages of bench pipeline, in their order in the table.
const (
	stageDecode = iota
	stageEngine
	stagePipeline1
	stagePipeline
	stageAnalyze
)

// stageCounts is what one run of a stage processed.
type stageCounts struct {
	locations int64  // input location messages
	bytes     int64  // input text
	rows      int64  // output sample rows (0 for decode)
	out       string // the directory the run wrote its outputs to ("": none)
}

// stageResult is a stage's runs folded together (stageResult.fold).
type stageResult struct {
	runFigures
	name string
}

// printStages prints the table of the stages' results.
func printStages(w io.Writer, results []stageResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\twall s\tCPU s\tM loc/s (wall)\tM loc per CPU s\trows out\tpeak heap MB\tpeak live MB\tpeak RSS MB\t")
	for _, r := range results {
		perCPU := "-"
		if r.haveCPU {
			perCPU = fmt.Sprintf("%.2f", r.perCPU()/1e6)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%s\t%.2f\t%s\t%d\t%.1f\t%.1f\t%s\t\n", r.name, r.wall.Seconds(), r.cpuSeconds(),
			r.perWall()/1e6, perCPU, r.rows, float64(r.peakHeap)/1e6, float64(r.peakLive)/1e6, rssMB(r.peakRSS))
	}
	tw.Flush()
}

// stageCosts says what each stage adds per location sample in CPU time,
// beside decoding's cost (the project's targets: the engine at most 1x
// decode; the whole pipeline at least 4 M location samples per CPU
// second). results are the stages in their order (stageDecode, ...).
func stageCosts(results []stageResult) string {
	for _, r := range results {
		if !r.haveCPU {
			return "CPU per location sample: not measured (the process's CPU time cannot be read here)"
		}
	}
	perLoc := func(r stageResult) float64 { return float64(r.cpu.Nanoseconds()) / float64(max(r.locations, 1)) }
	dec, eng, all := perLoc(results[stageDecode]), perLoc(results[stageEngine]), perLoc(results[stagePipeline1])
	return fmt.Sprintf("CPU per location sample: decode %.0f ns; the engine (+ possession, heatmaps) adds %.0f ns (%.2fx decode); "+
		"writing the tables adds %.0f ns (%.2fx decode); one goroutine end to end %.0f ns = %.2f M per CPU second; "+
		"analyze's images add %.0f ns to the pipeline's %.0f ns",
		dec, eng-dec, (eng-dec)/dec, all-eng, (all-eng)/dec, all, 1e3/all,
		perLoc(results[stageAnalyze])-perLoc(results[stagePipeline]), perLoc(results[stagePipeline]))
}

func (r stageResult) perWall() float64 { return float64(r.locations) / r.wall.Seconds() }
func (r stageResult) perCPU() float64  { return float64(r.locations) / r.cpu.Seconds() }

// cpuSeconds formats the CPU time in seconds, or "-" where the process's
// CPU time cannot be read.
func (r stageResult) cpuSeconds() string {
	if !r.haveCPU {
		return "-"
	}
	return fmt.Sprintf("%.3f", r.cpu.Seconds())
}

// rssMB formats a peak RSS in MB, or "-" where it was not measured.
func rssMB(peak_bytes int64) string {
	if peak_bytes <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(peak_bytes)/1e6)
}

// runsEach says how many runs each game of --scale had.
func runsEach(reps int) string {
	if reps == 1 {
		return "1 run each"
	}
	return fmt.Sprintf("%d runs each", reps)
}

// denseGCPercent is the GOGC of --scale's second comparison.
const denseGCPercent = 10

// benchStage is something bench pipeline times: a stage of the table, or
// the pipeline on one of --scale's games.
type benchStage struct {
	name string
	run  func() (stageCounts, error)
}

// takeTurns runs the stages in turn, one run each per round, for reps
// rounds (a, b, a, b, ... for two), so that a burst of other load on a
// shared machine, or what a run leaves in the process, falls on every
// stage's runs alike instead of all of one stage's. It returns a result
// per stage, in order: the lowest wall and lowest CPU time of its runs
// (stageResult.fold), the highest heap peaks and the first run's peak RSS.
func takeTurns(reps int, stages []benchStage) ([]stageResult, error) {
	results := make([]stageResult, len(stages))
	for rep := range reps {
		for i, st := range stages {
			run, err := measureRun(st.run)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", st.name, err)
			}
			results[i].name = st.name
			results[i].fold(run, rep == 0)
		}
	}
	return results, nil
}

// loneRSSTurns runs 'stmotion analyze' on each of games in turn, reps
// rounds, each run a process of its own (loneRSS), and returns the lowest
// peak RSS of each game's runs.
func loneRSSTurns(ctx context.Context, reps int, games []batch.Input, cfg *analyzeConfig) ([]int64, error) {
	peaks := make([]int64, len(games))
	for range reps {
		for i, g := range games {
			p, err := loneRSS(ctx, g, cfg)
			if err != nil {
				return nil, err
			}
			if peaks[i] == 0 || p < peaks[i] {
				peaks[i] = p
			}
		}
	}
	return peaks, nil
}

// peakRSSLine is what 'stmotion bench peak-rss' prints last.
var peakRSSLine = regexp.MustCompile(`(?m)^peak RSS: ([0-9]+) bytes`)

// loneRSS runs 'stmotion analyze --images=false --jobs 1' on in with the
// options of the pipeline stage (cfg: table format, batch rows, cell
// size), writing to a new directory under cfg.out, alone in a child
// process (childPeakRSS), and returns its peak RSS.
func loneRSS(ctx context.Context, in batch.Input, cfg *analyzeConfig) (peak_bytes int64, err error) {
	peak_bytes, err = childPeakRSS(ctx, "analyze", "--quiet", "--images=false", "--jobs", "1",
		"--format", cfg.format.String(), "--batch-rows", strconv.Itoa(cfg.batchRows),
		"--cell", strconv.FormatFloat(cfg.cell_m, 'g', -1, 64),
		"--out", filepath.Join(cfg.out, fmt.Sprintf("run-%d", benchRun.Add(1))), in.Path)
	if err != nil {
		return 0, fmt.Errorf("a lone analyze run: %w", err)
	}
	return peak_bytes, nil
}

// childPeakRSS runs 'stmotion args...' in a child process of this binary,
// as 'stmotion bench peak-rss args...', and returns the peak RSS the child
// read from its own VmHWM: what a lone run needs, on no floor this
// process raised. (The child's rusage would not do: Go starts it with
// vfork, and Linux counts this process's peak in the child's ru_maxrss.)
func childPeakRSS(ctx context.Context, args ...string) (peak_bytes int64, err error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, err
	}
	args = append([]string{"bench", "peak-rss"}, args...)
	cmd := exec.CommandContext(ctx, exe, args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	err = cmd.Run()
	m := peakRSSLine.FindAllSubmatch(stderr.Bytes(), -1)
	if err != nil || m == nil {
		return 0, fmt.Errorf("%s %s: %v: %s", exe, strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return strconv.ParseInt(string(m[len(m)-1][1]), 10, 64)
}

// runFigures is what one run of a stage measured.
type runFigures struct {
	stageCounts
	wall     time.Duration
	cpu      time.Duration // user+system, every thread of the process
	haveCPU  bool          // false where the process's CPU time cannot be read (cpu is then 0)
	wallCPU  time.Duration // in a stageResult: the CPU time of the run with the lowest wall time
	peakHeap uint64        // bytes of heap objects above those before the run
	peakLive uint64        // bytes of live heap (as of the last GC) above those before the run
	peakRSS  int64         // peak resident set size of the process during the run, in bytes (0: not measurable here)
}

// fold adds a run to r: its wall time if the lowest so far, its CPU time
// if the lowest so far (each the steadiest figure of its kind on a shared
// machine; the two may come from different runs, since which run the
// scheduler favours is not the one that did the least work), its heap
// peaks if higher, and the first run's peak RSS (later runs start from
// what the runs before left resident). The counts are the first run's:
// every run of a stage processes the same input.
func (r *stageResult) fold(run runFigures, first bool) {
	switch {
	case first:
		r.stageCounts, r.wall, r.cpu, r.haveCPU = run.stageCounts, run.wall, run.cpu, run.haveCPU
		r.wallCPU = run.cpu
	default:
		if run.wall < r.wall {
			r.wall, r.wallCPU = run.wall, run.cpu
		}
		r.cpu, r.haveCPU = min(r.cpu, run.cpu), r.haveCPU && run.haveCPU
		if !r.haveCPU {
			r.cpu = 0
		}
	}
	r.peakHeap = max(r.peakHeap, run.peakHeap)
	r.peakLive = max(r.peakLive, run.peakLive)
	if first {
		r.peakRSS = run.peakRSS
	}
}

// measureRun runs a stage once.
func measureRun(run func() (stageCounts, error)) (runFigures, error) {
	// Each run starts as a lone 'stmotion analyze' does: without the
	// column buffers an earlier run's Writer left for reuse.
	export.ReleaseBuffers()
	runtime.GC()
	rss := bench.ResetPeakRSS()
	sampler := startHeapSampler()
	cpu0, ok0 := bench.ProcessCPUTime()
	start := time.Now()
	c, err := run()
	wall := time.Since(start)
	cpu1, ok1 := bench.ProcessCPUTime()
	peak := sampler.stop()
	if err != nil {
		return runFigures{}, err
	}
	f := runFigures{stageCounts: c, wall: wall, peakHeap: peak[0], peakLive: peak[1]}
	if ok0 && ok1 {
		f.cpu, f.haveCPU = cpu1-cpu0, true
	}
	if p, ok := bench.PeakRSS(); ok && rss {
		f.peakRSS = p
	}
	return f, nil
}

// heapSampler samples the Go heap every 2 ms until stop (runtime/metrics,
// no stop-the-world) and reports two peaks above the values at the start:
// the heap's objects (what the process holds, garbage not yet collected
// included: it depends on when the GC runs) and the live heap marked by
// the last GC (what the pipeline really keeps).
type heapSampler struct {
	done chan struct{}
	peak chan [2]uint64
}

func startHeapSampler() heapSampler {
	s := heapSampler{done: make(chan struct{}), peak: make(chan [2]uint64)}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	var base [2]uint64
	for i := range base {
		base[i] = sample[i].Value.Uint64()
	}
	go func() {
		var peak [2]uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			for i := range peak {
				if v := sample[i].Value.Uint64(); v > base[i] && v-base[i] > peak[i] {
					peak[i] = v - base[i]
				}
			}
			select {
			case <-s.done:
				s.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s heapSampler) stop() [2]uint64 {
	close(s.done)
	return <-s.peak
}

func benchDecodeOnly(in batch.Input) (stageCounts, error) {
	r, err := decode.OpenRecording(in.Bundle.MessagesPath, decode.ReaderOptions{})
	if err != nil {
		return stageCounts{}, err
	}
	defer r.Close()
	var m decode.Message
	var c stageCounts
	for r.Next(&m) {
		if m.Kind == decode.KindLocation {
			c.locations++
		}
	}
	c.bytes = r.Stats().Bytes
	return c, r.Err()
}

// countSink counts sample rows and drops them.
type countSink struct{ rows int64 }

func (s *countSink) Samples(b []track.Sample) error { s.rows += int64(len(b)); return nil }
func (s *countSink) Segment(*track.Segment) error   { return nil }
func (s *countSink) Close(*track.Summary) error     { return nil }

func benchEngine(ctx context.Context, in batch.Input, cfg *analyzeConfig) (stageCounts, error) {
	var sink countSink
	r, err := pipeline.OpenEngine(in.Bundle, in.SessionID, cfg.options(false), &sink)
	if err != nil {
		return stageCounts{}, err
	}
	sum, err := r.Do(ctx)
	if err != nil {
		return stageCounts{}, err
	}
	st := r.Stats()
	return stageCounts{locations: sum.Quality.Locations, bytes: st.Bytes, rows: sink.rows}, nil
}

func benchAnalyze(ctx context.Context, in batch.Input, cfg *analyzeConfig) (stageCounts, error) {
	return benchAnalyzeAs(ctx, in, cfg, in.SessionID)
}

// benchRun numbers the runs of benchAnalyzeAs, which each write to a
// directory of their own.
var benchRun atomic.Int64

// benchAnalyzeAs runs analyze's pipeline on in as session id (so parallel
// runs of one game write apart), summary.json included, and counts the
// samples rows through a second sink.
//
// Each run writes under a new directory of cfg.out, as a lone analyze run
// into a fresh --out does, and nothing is removed until the benchmark
// ends: runs that replace or remove the files of the run before make ext4
// look past the inodes freed in the last half minute at every file it
// creates, which cost up to 1 ms of CPU per file on the project's machine
// (some 60 per run with the images), against 20-40 µs on a quiet file
// system.
func benchAnalyzeAs(ctx context.Context, in batch.Input, cfg *analyzeConfig, id string) (stageCounts, error) {
	own := *cfg
	own.out = filepath.Join(cfg.out, fmt.Sprintf("run-%d", benchRun.Add(1)))
	cfg = &own
	in.SessionID = id
	res := batch.Analyze(ctx, cfg.batchConfig(), in, true)
	if res.Err != nil {
		return stageCounts{}, res.Err
	}
	if err := export.WriteJSON(filepath.Join(cfg.out, id+".summary.json"), res.Summary, cfg.fsync); err != nil {
		return stageCounts{}, err
	}
	q := res.Summary.Quality
	return stageCounts{locations: q.Locations, rows: res.Rows, out: cfg.out}, nil
}

// fileCosts measures what creating a file costs under dir (where the
// stages wrote) and says how much of the pipeline and analyze stages'
// CPU per location sample that is, from the number of files their runs
// created: on ext4 it depends on the directory's block group far more
// than on stmotion (on the project's machine, 0.8–1 ms of CPU per file
// under /tmp, against 25–35 µs under another directory of the same file
// system, the same hour). "" when the CPU time cannot be read.
func fileCosts(dir string, results []stageResult) string {
	per, ok := createCost(filepath.Join(dir, "create-cost"), 40)
	if !ok {
		return ""
	}
	line := fmt.Sprintf("files: creating a file in %s takes %s of CPU (mean of 40)", dir, microseconds(per))
	sep := "; files per run:"
	for _, i := range []int{stagePipeline, stageAnalyze} {
		r := results[i]
		n := countFiles(r.out)
		if n == 0 || r.locations == 0 {
			continue
		}
		line += fmt.Sprintf("%s %s %d (%.0f ns per location sample)", sep, r.name, n,
			float64(per.Nanoseconds())*float64(n)/float64(r.locations))
		sep = ","
	}
	return line + slowFiles(dir, per)
}

// slowFiles is the files line's advice when creating a file under dir took
// per, "" when that is as fast as a quiet file system. Under os.TempDir()
// (bench pipeline's default) another directory is the cure; elsewhere
// (--dir already away from it) the likely cause is files removed there in
// the last half minute (see benchAnalyzeAs).
func slowFiles(dir string, per time.Duration) string {
	if per <= 200*time.Microsecond {
		return ""
	}
	if under(dir, os.TempDir()) {
		return fmt.Sprintf(" (slow here: a quiet file system takes 20–40 µs; --dir outside %s leaves most of it out)", os.TempDir())
	}
	return " (slow here: a quiet file system takes 20–40 µs; on ext4, files removed nearby in the last half minute, as by an rm -rf of an earlier run, are the likely cause: wait half a minute before the next run)"
}

// under says whether path is dir or inside it, by their absolute paths.
func under(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// createCost creates n empty files in a new directory and returns the
// process CPU time per file. The files stay until the benchmark's
// directory is removed: removing them would make the next creations
// dearer (see benchAnalyzeAs).
func createCost(dir string, n int) (time.Duration, bool) {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return 0, false
	}
	c0, ok0 := bench.ProcessCPUTime()
	for i := range n {
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			return 0, false
		}
		f.Close()
	}
	c1, ok1 := bench.ProcessCPUTime()
	if !ok0 || !ok1 {
		return 0, false
	}
	return (c1 - c0) / time.Duration(n), true
}

// countFiles counts the regular files under dir (0 for "" or an error).
func countFiles(dir string) int {
	if dir == "" {
		return 0
	}
	n := 0
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return nil
	})
	return n
}

// microseconds formats d as µs below 10 ms.
func microseconds(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
	return d.Round(time.Millisecond).String()
}
