package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stmotion/stmotion/bench"
	"github.com/stmotion/stmotion/pipeline"
)

// quick keeps the CLI tests short: a few seconds of game, one brief rep.
var quick = []string{"--duration", "3", "--reps", "1", "--min-time", "1ms"}

func TestBenchDecodeJSON(t *testing.T) {
	for _, extra := range [][]string{nil, {"--shuffled"}} {
		var stdout, stderr bytes.Buffer
		args := append(append([]string{"bench", "decode", "--json"}, quick...), extra...)
		if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%q: %v\nstderr: %s", args, err, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		var names []string
		var sum string
		for _, l := range lines {
			var obj map[string]any
			if err := json.Unmarshal([]byte(l), &obj); err != nil {
				t.Fatalf("%q: line %q is not a JSON object: %v", args, l, err)
			}
			for _, k := range []string{"decoder", "mb_per_s", "msgs_per_s", "ns_per_msg", "allocs_per_msg", "ratio_vs_encoding_json"} {
				if _, ok := obj[k]; !ok {
					t.Errorf("%q: line %q lacks key %q", args, l, k)
				}
			}
			names = append(names, obj["decoder"].(string))
			if obj["available"] == true {
				if sum == "" {
					sum = obj["checksum"].(string)
				} else if obj["checksum"] != sum {
					t.Errorf("%q: checksums differ: %s", args, stdout.String())
				}
			} else if obj["error"] == "" {
				t.Errorf("%q: unavailable without a reason: %s", args, l)
			}
		}
		if got := strings.Join(names, ","); got != "stmotion,encoding/json,goccy/go-json,sonic" {
			t.Errorf("%q: decoders %s", args, got)
		}
	}
}

func TestBenchDecodeText(t *testing.T) {
	// A recording file as the corpus.
	c, err := bench.GameCorpus(bench.GameOptions{Seed: 2, Duration_s: 2})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "rec.jsonl")
	// A live_id with escapes, as many JSON encoders write it: every
	// decoder reads "ab/cd", and the run does not abort.
	escaped := `{"type":"marker","data":{"occurred_at":1500571400000,"type":"LIVE","live_id":"ab\/c\u0064"}}` + "\n"
	if err := os.WriteFile(p, append(append([]byte("{broken\n"), c.Data...), escaped...), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := []string{"bench", "decode", "--corpus", p, "--reps", "1", "--min-time", "1ms"}
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%q: %v\nstderr: %s", args, err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"corpus    " + p, "1 lines skipped", "checksum  ", "decoder", "MB/s", "allocs/msg", "vs encoding/json",
		"stmotion ", "encoding/json ", "goccy/go-json ", "stmotion is ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	var ee exitError
	if err := Run(context.Background(), []string{"bench"}, &stdout, &stderr); !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr.String(), "decode") {
		t.Errorf("bench without a benchmark: %v, stderr %q", err, stderr.String())
	}
	if err := Run(context.Background(), []string{"bench", "nope"}, &stdout, &stderr); err == nil {
		t.Error("unknown benchmark: want an error")
	}
	wantFlagError(t, []string{"bench", "decode", "--corpus", "x", "--shuffled"}, "--shuffled")
	wantFlagError(t, []string{"bench", "decode", "--reps", "x"}, "-reps")
	wantFlagError(t, []string{"bench", "decode", "extra"}, "unexpected arguments")
	// Not replaced by the defaults while the report prints the flag's value.
	wantFlagError(t, []string{"bench", "decode", "--reps", "0"}, "--reps 0")
	wantFlagError(t, []string{"bench", "decode", "--reps", "-3"}, "--reps -3")
	wantFlagError(t, []string{"bench", "decode", "--min-time", "0"}, "--min-time 0s")
	wantFlagError(t, []string{"bench", "decode", "--min-time", "-1s"}, "--min-time -1s")
	// Before the 600 s corpus is built, not by Measure after it.
	wantFlagError(t, []string{"bench", "decode", "--clock", "sundial"}, "--clock sundial: want cpu or wall")
	wantFlagError(t, []string{"bench", "decode", "--clock", "Wall"}, "--clock Wall")
	// Not the default 600 s, a feed of markers, nor a panic.
	for _, d := range []string{"0", "-5", "NaN", "0.01", "+Inf", "1e+12"} {
		wantFlagError(t, []string{"bench", "decode", "--duration", d}, "--duration "+d)
	}
	// Checked before the game is simulated: one row per row group would
	// run for minutes.
	for _, rows := range []string{"0", "-5", "9999999"} {
		wantFlagError(t, []string{"bench", "pipeline", "--batch-rows", rows}, "--batch-rows "+rows)
	}
	wantFlagError(t, []string{"bench", "pipeline", "--format", "csv"}, "csv")
	wantFlagError(t, []string{"bench", "pipeline", "--reps", "0"}, "--reps 0")
	wantFlagError(t, []string{"bench", "pipeline", "--jobs", "0"}, "--jobs 0")
	wantFlagError(t, []string{"bench", "pipeline", "--minutes", "-1"}, "--minutes -1")
	wantFlagError(t, []string{"bench", "pipeline", "--minutes", "1e9"}, "--minutes 1e+09")
	wantFlagError(t, []string{"bench", "pipeline", "--hz", "0"}, "--hz 0")
	// Before the table runs, rather than skipped or failing at its end.
	for _, sc := range []string{"-1", "NaN", "0.5", "+Inf", "1e+09"} {
		wantFlagError(t, []string{"bench", "pipeline", "--minutes", "0.05", "--reps", "1", "--scale", sc}, "--scale "+sc)
	}
	wantFlagError(t, []string{"bench", "pipeline", "--minutes", "0.05", "--reps", "1", "--games", "-1"}, "--games -1")
	stdout.Reset()
	stderr.Reset()
	// A profile that cannot be written fails before the timed runs, not
	// after them.
	bad := filepath.Join(t.TempDir(), "missing", "cpu.prof")
	err := Run(context.Background(), []string{"bench", "pipeline", "--minutes", "0.05", "--reps", "1", "--cpuprofile", bad}, &stdout, &stderr)
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr.String(), "--cpuprofile") || strings.Contains(stderr.String(), "simulating") || stdout.Len() > 0 {
		t.Errorf("--cpuprofile %s: %v, stdout %q, stderr %q; want exit status 2 naming the flag before any run", bad, err, stdout.String(), stderr.String())
	}
	stdout.Reset()
	if err := Run(context.Background(), []string{"bench", "decode", "-h"}, &stdout, &stderr); err != nil {
		t.Errorf("-h: %v", err)
	}
}

// wantFlagError runs args and wants what analyze does with a bad flag:
// exit status 2, before any work, with stderr naming the flag (want)
// above a line pointing at -h.
func wantFlagError(t *testing.T, args []string, want string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), args, &stdout, &stderr)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), " -h' for its usage") || strings.Contains(stderr.String(), "Usage:") {
		t.Errorf("%q: %v, stderr %q; want exit status 2 and stderr naming %q above a pointer at -h", args, err, stderr.String(), want)
	}
	if stdout.Len() > 0 {
		t.Errorf("%q: printed %q on stdout", args, stdout.String())
	}
}

// Two invocations with one --dir write apart: the second replaces none of
// the first one's files (each invocation numbers its runs from 1), and
// each says where it wrote.
func TestBenchPipelineDirKeepsEarlierRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and analyses a game twice")
	}
	dir := t.TempDir()
	seen := map[string]bool{}
	for i := range 2 {
		var stdout, stderr bytes.Buffer
		args := []string{"bench", "pipeline", "--minutes", "0.05", "--reps", "1", "--dir", dir}
		if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("run %d %q: %v\n%s", i+1, args, err, stderr.String())
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) != i+1 {
			t.Fatalf("after run %d, --dir holds %d entries; want one new directory per run", i+1, len(ents))
		}
		for _, e := range ents {
			if seen[e.Name()] {
				continue
			}
			seen[e.Name()] = true
			if game := filepath.Join(dir, e.Name(), "game"); !strings.Contains(stdout.String(), game) {
				t.Errorf("run %d does not name its game %s:\n%s", i+1, game, stdout.String())
			}
		}
	}
	for sub := range seen {
		if _, err := os.Stat(filepath.Join(dir, sub, "out")); err != nil {
			t.Errorf("an earlier run's outputs: %v", err)
		}
	}
}

// The CPU columns and the costs line come from each stage's lowest CPU
// time (StageResult.CPU), not the CPU time of its run fastest by wall
// time (WallCPU): decode reads 12 ns per sample, not 19 ns.
func TestBenchStagesUseLowestCPU(t *testing.T) {
	results := make([]bench.StageResult, bench.StageAnalyze+1)
	for i := range results {
		n := time.Duration(i + 1)
		results[i] = bench.StageResult{Name: fmt.Sprintf("stage%d", i), Locations: 1e6, HaveCPU: true,
			Wall: 18 * time.Millisecond * n, CPU: 12 * time.Millisecond * n, WallCPU: 19 * time.Millisecond * n}
	}
	line := stageCosts(results)
	if !strings.Contains(line, "decode 12 ns; the engine (+ possession, heatmaps) adds 12 ns (1.00x decode)") {
		t.Errorf("costs line %q: want decode 12 ns and the engine adding 12 ns, from the lowest CPU times", line)
	}
	var b strings.Builder
	printStages(&b, results)
	if row := strings.Fields(strings.Split(b.String(), "\n")[1]); row[1] != "0.018" || row[2] != "0.012" {
		t.Errorf("decode row %q: want wall 0.018 s and CPU 0.012 s", row)
	}
}

// End to end: one game with --jobs 3 reports the one job that ran, and
// --scale measures each game's peak RSS in lone child processes of the
// binary ('bench peak-rss analyze'; here the test binary, which TestMain
// runs as stmotion).
func TestBenchPipelineFewGamesScale(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and analyses a game")
	}
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	args := []string{"bench", "pipeline", "--minutes", "0.05", "--reps", "2", "--scale", "2", "--games", "1", "--jobs", "3", "--dir", dir}
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%q: %v\n%s", args, err, stderr.String())
	}
	out := stdout.String()
	if strings.Contains(out, "--jobs 3 0.") || !strings.Contains(out, "note: --jobs 3 with --games 1 runs one job at a time") {
		t.Errorf("%q: want the --jobs 1 that ran and a note:\n%s", args, out)
	}
	if _, ok := bench.PeakRSS(); !ok {
		return // no peak RSS line off Linux
	}
	lone := regexp.MustCompile(`peak RSS of a lone 'stmotion analyze --images=false --jobs 1' \(a child process per run, the two games in turn, 2 runs each; the lowest of each game's\): 0.05 min: ([0-9.]+) MB; 0.1 min: ([0-9.]+) MB \(([0-9.]+)x\)`)
	m := lone.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%q: no lone peak RSS line:\n%s", args, out)
	}
	for _, v := range m[1:3] {
		if mb, _ := strconv.ParseFloat(v, 64); mb < 5 || mb > 2000 {
			t.Errorf("lone peak RSS %s MB: want a process's, in MB", v)
		}
	}
	// The children wrote their tables, each in a directory of its own.
	runs, _ := filepath.Glob(filepath.Join(dir, "bench-*", "out", "run-*", "samples"))
	if len(runs) < 4 {
		t.Errorf("%d run directories with a samples table under %s; want the 4 children's too", len(runs), dir)
	}
}

// bench peak-rss runs a command and prints the process's peak RSS after
// its output; a failing command keeps its error and prints no peak.
func TestBenchPeakRSS(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := append([]string{"bench", "peak-rss", "bench", "decode", "--json"}, quick...)
	err := Run(context.Background(), args, &stdout, &stderr)
	if _, ok := bench.PeakRSS(); !ok {
		if err == nil || !strings.Contains(err.Error(), "cannot be read here") {
			t.Errorf("%q without a readable peak RSS: %v, want an error saying so", args, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%q: %v\n%s", args, err, stderr.String())
	}
	m := peakRSSLine.FindSubmatch(stderr.Bytes())
	if m == nil || !strings.Contains(stdout.String(), `"decoder":"stmotion"`) {
		t.Fatalf("%q: stdout %q, stderr %q; want the command's output and a peak RSS line", args, stdout.String(), stderr.String())
	}
	if peak, _ := strconv.ParseInt(string(m[1]), 10, 64); peak < 1e6 {
		t.Errorf("peak RSS %d bytes: not a process's", peak)
	}
	stderr.Reset()
	if err := Run(context.Background(), []string{"bench", "peak-rss", "bench", "decode", "--reps", "0"}, &stdout, &stderr); err == nil || peakRSSLine.Match(stderr.Bytes()) {
		t.Errorf("a failing command: %v, stderr %q; want its error and no peak", err, stderr.String())
	}
	wantFlagError(t, []string{"bench", "peak-rss"}, "want a command to run")
	stdout.Reset()
	if err := Run(context.Background(), []string{"bench", "peak-rss", "-h"}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String()+stderr.String(), "Usage: stmotion bench peak-rss") {
		t.Errorf("-h: %v, want the usage", err)
	}
}

// A child's peak RSS is its own: this process's peak does not leak into
// it (as it does into a vfork'd child's rusage).
func TestChildPeakRSSIsTheChilds(t *testing.T) {
	if _, ok := bench.PeakRSS(); !ok {
		t.Skip("no peak RSS here")
	}
	const size = 160 << 20
	b := make([]byte, size)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	peak, err := childPeakRSS(context.Background(), "bench", "decode", "-h")
	runtime.KeepAlive(b)
	if err != nil {
		t.Fatal(err)
	}
	if parent, _ := bench.PeakRSS(); peak <= 0 || peak > size/2 || peak >= parent {
		t.Errorf("the child's peak RSS %d bytes, this process's %d after touching %d: want the child's own, far below", peak, parent, size)
	}
}

// The --games line says how many CPUs each side kept busy in its fastest
// run (WallCPU, not the lowest CPU time of another run) and what speed-up
// that leaves room for; without CPU times it says nothing of it.
func TestBenchGamesBusy(t *testing.T) {
	g := &bench.GamesReport{Games: 4, Jobs: 2,
		One:  bench.StageResult{Locations: 1e6, Wall: 2 * time.Second, CPU: 2400 * time.Millisecond, WallCPU: 2600 * time.Millisecond, HaveCPU: true},
		Many: bench.StageResult{Locations: 1e6, Wall: 1500 * time.Millisecond, CPU: 2800 * time.Millisecond, WallCPU: 2800 * time.Millisecond, HaveCPU: true},
	}
	line := gamesLine(2, g)
	for _, w := range []string{"--jobs 1 1.30, --jobs 2 1.87 of 2", "keeping 1.30 busy, 2 CPUs leave room for about 1.54x", ": 1.33x\n"} {
		if !strings.Contains(line, w) {
			t.Errorf("%q lacks %q", line, w)
		}
	}
	g.One.HaveCPU = false
	if line := gamesLine(2, g); strings.Contains(line, "busy") {
		t.Errorf("without CPU times: %q", line)
	}
}

// --games fewer than --jobs runs only as many jobs as games: the line
// names the job count that ran, and a note says so.
func TestBenchGamesLine(t *testing.T) {
	g := bench.GamesReport{
		One:  bench.StageResult{Name: "--jobs 1", Locations: 1e6, Wall: 2 * time.Second},
		Many: bench.StageResult{Name: "--jobs J", Locations: 1e6, Wall: time.Second},
	}
	for _, tt := range []struct {
		games, jobs int
		want, not   []string
	}{
		{4, 2, []string{"4 games: --jobs 1 2.000 s wall", "; --jobs 2 1.000 s wall", ": 2.00x\n"}, []string{"note"}},
		{2, 2, []string{"; --jobs 2 1.000 s wall"}, []string{"note"}},
		{1, 3, []string{"1 games: --jobs 1 2.000 s wall", "; --jobs 1 1.000 s wall", "note: --jobs 3 with --games 1 runs one job at a time", "noise"}, []string{"--jobs 3 1.000"}},
		{2, 3, []string{"; --jobs 2 1.000 s wall", "note: --jobs 3 with --games 2 runs only 2 jobs at a time", "at least 3"}, []string{"--jobs 3 1.000"}},
	} {
		g.Games, g.Jobs = tt.games, tt.jobs
		line := gamesLine(2, &g)
		for _, w := range tt.want {
			if !strings.Contains(line, w) {
				t.Errorf("--games %d --jobs %d: %q lacks %q", tt.games, tt.jobs, line, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(line, n) {
				t.Errorf("--games %d --jobs %d: %q holds %q", tt.games, tt.jobs, line, n)
			}
		}
	}
}

// Where the process's CPU time cannot be read (ProcessCPUTime false, as
// off unix), the CPU figures read "-", not 0.000, +Inf or NaN.
func TestBenchStagesWithoutCPUClock(t *testing.T) {
	results := make([]bench.StageResult, bench.StageAnalyze+1)
	for i := range results {
		results[i] = bench.StageResult{Name: fmt.Sprintf("stage%d", i), Locations: 1000, Wall: time.Millisecond}
	}
	var b strings.Builder
	printStages(&b, results)
	text := b.String() + stageCosts(results) + cpuSeconds(results[0])
	for _, bad := range []string{"NaN", "Inf", "0.000"} {
		if strings.Contains(text, bad) {
			t.Errorf("without a CPU clock the report shows %q:\n%s", bad, text)
		}
	}
	// Millions of samples per CPU second, not per second per CPU second.
	if header := strings.Split(b.String(), "\n")[0]; !strings.Contains(header, "M loc per CPU s") || strings.Contains(header, "loc/s per") {
		t.Errorf("header %q: want the column M loc per CPU s", header)
	}
	for _, line := range strings.Split(b.String(), "\n")[1:len(results)] {
		// stage, wall s, CPU s, M loc/s (wall), M loc per CPU s, ...
		if f := strings.Fields(line); len(f) < 5 || f[2] != "-" || f[4] != "-" {
			t.Errorf("without a CPU clock, row %q: want - for CPU s and per CPU s", line)
		}
	}
	if !strings.Contains(text, "CPU per location sample: not measured") {
		t.Errorf("without a CPU clock the costs line does not say so:\n%s", text)
	}

	for i := range results {
		results[i].CPU, results[i].HaveCPU = 2*time.Millisecond, true
	}
	b.Reset()
	printStages(&b, results)
	if text := b.String() + stageCosts(results); !strings.Contains(text, "0.002") || !strings.Contains(text, "0.50") || !strings.Contains(text, "= 0.50 M per CPU second") || strings.Contains(text, "not measured") {
		t.Errorf("with a CPU clock:\n%s", text)
	}
}

// The files line turns the cost of creating a file into nanoseconds per
// location sample of the pipeline and analyze stages, from the files
// their runs wrote; without a measured cost there is no line.
func TestBenchFileCosts(t *testing.T) {
	dir := "/work/bd/bench-1"
	rep := &bench.StagesReport{Stages: make([]bench.StageResult, bench.StageAnalyze+1), FileCost: 30 * time.Microsecond, HaveFileCost: true}
	for i := range rep.Stages {
		rep.Stages[i] = bench.StageResult{Name: fmt.Sprintf("stage%d", i), Locations: 1000}
	}
	rep.Stages[bench.StagePipeline].Files, rep.Stages[bench.StageAnalyze].Files = 3, 5
	line := fileCosts(dir, rep)
	for _, want := range []string{"files: creating a file in " + dir + " takes 30 µs of CPU (mean of 40)",
		"; files per run: stage3 3 (90 ns per location sample), stage4 5 (150 ns per location sample)"} {
		if !strings.Contains(line, want) {
			t.Errorf("files line %q: want %q", line, want)
		}
	}
	rep.HaveFileCost = false
	if line := fileCosts(dir, rep); line != "" {
		t.Errorf("without a measured cost: %q, want none", line)
	}
}

// The files line's advice fits where the outputs went: another directory
// helps only under the temporary directory; elsewhere (--dir already away
// from it) it names the likely cause instead.
func TestBenchSlowFiles(t *testing.T) {
	tmp := filepath.Join(os.TempDir(), "stmotion-bench-1")
	elsewhere := "/work/bd/bench-1"
	if under(elsewhere, os.TempDir()) {
		elsewhere = filepath.Join(filepath.Dir(os.TempDir()), "not-temp", "bench-1")
	}
	if got := slowFiles(tmp, 30*time.Microsecond); got != "" {
		t.Errorf("30 µs a file: %q, want no advice", got)
	}
	if got := slowFiles(tmp, 700*time.Microsecond); !strings.Contains(got, "--dir outside "+os.TempDir()) {
		t.Errorf("slow under %s: %q, want the advice to write elsewhere", tmp, got)
	}
	if got := slowFiles(elsewhere, 250*time.Microsecond); strings.Contains(got, "--dir") || !strings.Contains(got, "removed nearby in the last half minute") {
		t.Errorf("slow under %s: %q, want the likely cause, not --dir elsewhere", elsewhere, got)
	}
	for _, tt := range []struct {
		path, dir string
		want      bool
	}{{"/tmp/a/b", "/tmp", true}, {"/tmp", "/tmp", true}, {"/tmpx/a", "/tmp", false}, {"/work/a", "/tmp", false}, {"/tmp/../work", "/tmp", false}} {
		if got := under(tt.path, tt.dir); got != tt.want {
			t.Errorf("under(%q, %q) = %v, want %v", tt.path, tt.dir, got, tt.want)
		}
	}
}

// Ctrl-C or SIGTERM (the context main cancels) stops bench decode with
// exit status 1 and an error saying where, nothing on stdout, as it
// stops bench pipeline: it had run to its end and exited 0, results and
// all.
func TestBenchDecodeInterrupted(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "decode", "--duration", "1", "--reps", "1", "--min-time", "1ms"},
		{"bench", "decode", "--json", "--duration", "1", "--reps", "1", "--min-time", "1ms"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var stdout, stderr bytes.Buffer
		err := Run(ctx, args, &stdout, &stderr)
		if !errors.Is(err, pipeline.ErrCanceled) || !strings.HasPrefix(err.Error(), "bench decode: ") || stdout.Len() != 0 {
			t.Errorf("%q, interrupted: %v, stdout %q; want \"bench decode: ...: canceled\" (exit status 1) and nothing on stdout", args, err, stdout.String())
		}
	}
}
