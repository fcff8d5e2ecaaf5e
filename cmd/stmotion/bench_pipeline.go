package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
)

// 'stmotion bench pipeline' is its flags, usage and report here; package
// bench measures (bench.NewPipeline). The lone runs of --scale re-execute
// this binary (lonePeakRSS, through 'bench peak-rss': childPeakRSS).

func init() {
	registerBench("pipeline", "end to end: decode → engine → possession/heatmaps → Parquet, beside decode only", runBenchPipeline)
}

// benchPipelineHelp is 'bench pipeline -h': the synopsis, then (after the flags)
// the reference.
var benchPipelineHelp = help{
	usage: `Usage: stmotion bench pipeline [flags]

Measures what 'stmotion analyze' does, end to end, on a simulated game,
side by side in one run with the stages below it (decode, engine, the
pipeline on one goroutine, the pipeline, analyze with images): location
samples per second of wall and CPU time, rows, heap and RSS peaks, and what
each stage costs per sample. --scale compares the peak memory of a longer
game, --games the speed-up of --jobs.
`,
	details: `Measures what 'stmotion analyze' does, end to end, on a simulated game
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

The exit status is 2 for a bad command line, before any run; 1 when a
run fails, the temporary directory cannot be made (TMPDIR), or Ctrl-C
or SIGTERM stops it ("bench pipeline: engine: ...: canceled": the part
it stopped in prints nothing, the tables printed before it stay).
`,
}

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
	fs.Usage = func() { writeHelp(stdout, fs, benchPipelineHelp) }
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
	opts := bench.PipelineOptions{Game: gameConfig(*minutes), Reps: *reps, Format: f, BatchRows: *batchRows,
		Cell_m: 0.5, Log: stderr, LonePeakRSS: lonePeakRSS}
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
		opts.CPUProfile = profile
	}
	// A directory of its own for every invocation: a --dir used before
	// keeps what the earlier runs wrote (their run-N directories would be
	// numbered from 1 again).
	if *keep == "" {
		if opts.Dir, err = makeTempDir("bench pipeline: the simulated game", "stmotion-bench-", "or give --dir"); err != nil {
			return err
		}
		defer os.RemoveAll(opts.Dir)
	} else {
		if err := os.MkdirAll(*keep, 0o755); err != nil {
			return setupError(stderr, fmt.Errorf("bench pipeline: --dir: %w", err))
		}
		if opts.Dir, err = os.MkdirTemp(*keep, "bench-"); err != nil {
			return setupError(stderr, fmt.Errorf("bench pipeline: --dir: %w", err))
		}
	}

	p, err := bench.NewPipeline(ctx, opts)
	if err != nil {
		return err
	}
	rep, err := p.Stages(ctx)
	if err != nil {
		return err
	}
	if profile != nil {
		err := profile.Close()
		profile = nil
		if err != nil {
			return fmt.Errorf("bench pipeline: --cpuprofile: %w", err)
		}
	}
	results := rep.Stages
	fmt.Fprintf(stdout, "game      %s: %g min at %g Hz, %d location samples, %.1f MB of messages\n",
		rep.Game, *minutes, *hz, results[bench.StageDecode].Locations, float64(results[bench.StageDecode].Bytes)/1e6)
	fmt.Fprintf(stdout, "machine   GOMAXPROCS=%d on %d CPUs, %s; each stage's lowest wall and lowest CPU time of %d runs\n\n", runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version(), *reps)
	printStages(stdout, results)
	fmt.Fprintln(stdout, "\n"+stageCosts(results))
	if line := fileCosts(opts.Dir, rep); line != "" {
		fmt.Fprintln(stdout, line)
	}

	if *scale != 0 {
		s, err := p.Scale(ctx, *scale)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, "\n"+scaleLines(*reps, *minutes, s))
	}
	if *games != 0 {
		g, err := p.Games(ctx, *games, *jobs)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, "\n"+gamesLine(runtime.GOMAXPROCS(0), g))
	}
	return nil
}

// scaleLines reports --scale: the heap peaks of the two games' runs in
// turn, their lone runs' peak RSS (where measured) and the heap peaks
// again with dense marking.
func scaleLines(reps int, minutes float64, s *bench.ScaleReport) string {
	base, r := s.Short, s.Long
	long := minutes * s.Times
	text := fmt.Sprintf("memory vs length (pipeline; the two games in turn, %s): %g min: peak heap %.1f MB, live %.1f MB; %g min: peak heap %.1f MB (%.2fx), live %.1f MB (%.2fx), for %.1fx the samples; %.2f M loc/s on the long game\n",
		runsEach(reps), minutes, float64(base.PeakHeap_bytes)/1e6, float64(base.PeakLive_bytes)/1e6,
		long, float64(r.PeakHeap_bytes)/1e6, float64(r.PeakHeap_bytes)/float64(base.PeakHeap_bytes),
		float64(r.PeakLive_bytes)/1e6, float64(r.PeakLive_bytes)/float64(base.PeakLive_bytes),
		float64(r.Locations)/float64(base.Locations), r.Locs_per_s()/1e6)
	if peaks := s.LonePeakRSS_bytes; peaks[0] != 0 {
		text += fmt.Sprintf("memory vs length, peak RSS of a lone 'stmotion analyze --images=false --jobs 1' (a child process per run, the two games in turn, %s; the lowest of each game's): %g min: %.1f MB; %g min: %.1f MB (%.2fx)\n",
			runsEach(reps), minutes, float64(peaks[0])/1e6, long, float64(peaks[1])/1e6, float64(peaks[1])/float64(peaks[0]))
	}
	dense := s.Dense
	return text + fmt.Sprintf("memory vs length, GOGC=%d (dense marking): %g min: peak heap %.1f MB, live %.1f MB; %g min: peak heap %.1f MB (%.2fx), live %.1f MB (%.2fx)\n",
		bench.DenseGCPercent, minutes, float64(dense[0].PeakHeap_bytes)/1e6, float64(dense[0].PeakLive_bytes)/1e6,
		long, float64(dense[1].PeakHeap_bytes)/1e6, float64(dense[1].PeakHeap_bytes)/float64(dense[0].PeakHeap_bytes),
		float64(dense[1].PeakLive_bytes)/1e6, float64(dense[1].PeakLive_bytes)/float64(dense[0].PeakLive_bytes))
}

// lonePeakRSS is bench.PipelineOptions.LonePeakRSS: 'stmotion analyze
// --images=false --jobs 1' of run, alone in a child process of this
// binary (childPeakRSS).
func lonePeakRSS(ctx context.Context, run bench.LoneRun) (peak_bytes int64, err error) {
	return childPeakRSS(ctx, "analyze", "--quiet", "--images=false", "--jobs", "1",
		"--format", run.Format.String(), "--batch-rows", strconv.Itoa(run.BatchRows),
		"--cell", strconv.FormatFloat(run.Cell_m, 'g', -1, 64),
		"--out", run.Out, run.Recording)
}

// gamesLine reports --games, run on cpus CPUs. Fewer games than jobs run
// only as many jobs as games (batch.RunJobs): the line names the number of
// jobs that ran, and says so.
//
// One job already keeps more than one CPU busy (the samples table's
// Parquet batches are encoded on a second goroutine, and the GC marks
// beside the engine), so the speed-up of more jobs is bounded by the
// CPUs left: a second line says how many CPUs each side kept busy in its
// fastest run and the speed-up that leaves room for if the jobs' work
// were the same as one job's (runs on a shared machine do a little more
// or less: the measured ratio may pass it by a few percent).
func gamesLine(cpus int, g *bench.GamesReport) string {
	games, jobs, one, many := g.Games, g.Jobs, g.One, g.Many
	ran := min(jobs, games)
	line := fmt.Sprintf("%d games: --jobs 1 %.3f s wall, %s s CPU (%.2f M loc/s); --jobs %d %.3f s wall, %s s CPU (%.2f M loc/s): %.2fx\n",
		games, one.Wall.Seconds(), cpuSeconds(one), one.Locs_per_s()/1e6, ran, many.Wall.Seconds(),
		cpuSeconds(many), many.Locs_per_s()/1e6, one.Wall.Seconds()/many.Wall.Seconds())
	if one.HaveCPU && many.HaveCPU && one.Wall > 0 && many.Wall > 0 && one.WallCPU > 0 {
		busy1 := one.WallCPU.Seconds() / one.Wall.Seconds()
		busyJ := many.WallCPU.Seconds() / many.Wall.Seconds()
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

// printStages prints the table of the stages' results.
func printStages(w io.Writer, results []bench.StageResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\twall s\tCPU s\tM loc/s (wall)\tM loc per CPU s\trows out\tpeak heap MB\tpeak live MB\tpeak RSS MB\t")
	for _, r := range results {
		perCPU := "-"
		if r.HaveCPU {
			perCPU = fmt.Sprintf("%.2f", r.Locs_per_CPU_s()/1e6)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%s\t%.2f\t%s\t%d\t%.1f\t%.1f\t%s\t\n", r.Name, r.Wall.Seconds(), cpuSeconds(r),
			r.Locs_per_s()/1e6, perCPU, r.Rows, float64(r.PeakHeap_bytes)/1e6, float64(r.PeakLive_bytes)/1e6, rssMB(r.PeakRSS_bytes))
	}
	tw.Flush()
}

// stageCosts says what each stage adds per location sample in CPU time,
// beside decoding's cost (the project's targets: the engine at most 1x
// decode; the whole pipeline at least 4 M location samples per CPU
// second). results are the stages in their order (bench.StageDecode, ...).
func stageCosts(results []bench.StageResult) string {
	for _, r := range results {
		if !r.HaveCPU {
			return "CPU per location sample: not measured (the process's CPU time cannot be read here)"
		}
	}
	perLoc := func(r bench.StageResult) float64 { return float64(r.CPU.Nanoseconds()) / float64(max(r.Locations, 1)) }
	dec, eng, all := perLoc(results[bench.StageDecode]), perLoc(results[bench.StageEngine]), perLoc(results[bench.StagePipeline1])
	return fmt.Sprintf("CPU per location sample: decode %.0f ns; the engine (+ possession, heatmaps) adds %.0f ns (%.2fx decode); "+
		"writing the tables adds %.0f ns (%.2fx decode); one goroutine end to end %.0f ns = %.2f M per CPU second; "+
		"analyze's images add %.0f ns to the pipeline's %.0f ns",
		dec, eng-dec, (eng-dec)/dec, all-eng, (all-eng)/dec, all, 1e3/all,
		perLoc(results[bench.StageAnalyze])-perLoc(results[bench.StagePipeline]), perLoc(results[bench.StagePipeline]))
}

// cpuSeconds formats r's CPU time in seconds, or "-" where the process's
// CPU time cannot be read.
func cpuSeconds(r bench.StageResult) string {
	if !r.HaveCPU {
		return "-"
	}
	return fmt.Sprintf("%.3f", r.CPU.Seconds())
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

// fileCosts says what creating a file costs under dir (where the stages
// wrote) and how much of the pipeline and analyze stages' CPU per
// location sample that is, from the number of files their first runs
// created. "" when the cost could not be measured (no CPU time).
func fileCosts(dir string, rep *bench.StagesReport) string {
	if !rep.HaveFileCost {
		return ""
	}
	per := rep.FileCost
	line := fmt.Sprintf("files: creating a file in %s takes %s of CPU (mean of %d)", dir, microseconds(per), bench.FileCostFiles)
	sep := "; files per run:"
	for _, i := range []int{bench.StagePipeline, bench.StageAnalyze} {
		r := rep.Stages[i]
		if r.Files == 0 || r.Locations == 0 {
			continue
		}
		line += fmt.Sprintf("%s %s %d (%.0f ns per location sample)", sep, r.Name, r.Files,
			float64(per.Nanoseconds())*float64(r.Files)/float64(r.Locations))
		sep = ","
	}
	return line + slowFiles(dir, per)
}

// slowFiles is the files line's advice when creating a file under dir took
// per, "" when that is as fast as a quiet file system. Under os.TempDir()
// (bench pipeline's default) another directory is the cure; elsewhere
// (--dir already away from it) the likely cause is files removed there in
// the last half minute (bench pipeline removes none while it runs).
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

// microseconds formats d as µs below 10 ms.
func microseconds(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
	return d.Round(time.Millisecond).String()
}
