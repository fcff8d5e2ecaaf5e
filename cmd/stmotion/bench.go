package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/stmotion/stmotion/bench"
)

// bench has subcommands of its own, each in its own file registering itself
// with registerBench from an init function (bench.go: "decode").
var benchCommands = map[string]command{}

func registerBench(name, summary string, run func(ctx context.Context, args []string, stdout, stderr io.Writer) error) {
	benchCommands[name] = command{summary: summary, run: run}
}

func init() {
	register("bench", "measure throughput side by side with peers (decode, pipeline, ...: run 'stmotion help bench')", runBench)
	registerBench("decode", "decoder throughput: stmotion vs encoding/json, goccy/go-json, sonic", runBenchDecode)
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		// No benchmark is a bad command line (exit status 2, the list on
		// stderr); help asked for is stdout's, with status 0.
		benchUsage(stderr)
		return exitError{code: 2}
	}
	switch args[0] {
	case "-h", "--help", "-help":
		benchUsage(stdout)
		return nil
	case "help":
		// "bench help decode" is "bench decode -h", as "stmotion help
		// bench decode" is.
		if len(args) == 1 {
			benchUsage(stdout)
			return nil
		}
		if len(args) > 2 {
			fmt.Fprintf(stderr, "stmotion bench help: want one benchmark, not %q\nRun 'stmotion bench help' for the benchmarks.\n", args[1:])
			return exitError{code: 2}
		}
		args = []string{args[1], "-h"}
	}
	c, ok := benchCommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stmotion bench: unknown benchmark %q\n\n", args[0])
		benchUsage(stderr)
		return exitError{code: 2}
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

func benchUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: stmotion bench <benchmark> [flags]\n\nBenchmarks:")
	listCommands(w, benchCommands)
	fmt.Fprintln(w, "\nRun 'stmotion help bench <benchmark>' (or 'stmotion bench <benchmark> -h') for its usage and flags.")
}

// benchDecodeHelp is 'bench decode -h': the synopsis, then (after the flags)
// the reference.
var benchDecodeHelp = help{
	usage: `Usage: stmotion bench decode [flags]

Measures the JSON decoders side by side in one run, on one core: stmotion's
own, encoding/json, goccy/go-json and bytedance/sonic, on a generated game
(or a recording: --corpus), each checked against encoding/json. Prints
MB/s, messages/s, ns and allocations per message, and each one's ratio to
encoding/json.
`,
	details: `Measures the decoders side by side in one run, on one core: stmotion's
zero-allocation decoder, encoding/json, goccy/go-json and bytedance/sonic
(each of the last three into the natural Go struct plus a switch on
"type"). Every decoder must produce the same checksum over the corpus as
encoding/json, or the command fails and names the first message that
differs; every timed pass must then fold to encoding/json's value too (a
cheap checksum of the same fields, timed with the decoding: the same few
ns per message for every decoder), or the command fails naming the pass.
sonic is reported as unavailable where it cannot run.

The corpus is a generated game (10 players and the ball at 25 Hz, ~99%
location messages of ~110 bytes, stats, shots and markers interleaved),
the same with keys shuffled and extra whitespace (--shuffled), or a
recording file (--corpus; lines that encoding/json or stmotion reject are
left out and counted).

Prints MB/s (1e6 bytes of message text), million msgs/s, ns/msg, allocs/msg
and the speed ratio to encoding/json, per second of the process's CPU time
by default (--clock cpu: time other processes take on a shared machine is
left out; the garbage collector's threads are counted), with the elapsed-time
MB/s beside. The machine may be shared: compare ratios from one run, not
absolute figures between runs.

The exit status is 2 for a bad command line, before any work; 1 when a
decoder disagrees with encoding/json, --corpus cannot be read, or Ctrl-C
or SIGTERM stops it, wherever it is (building the corpus, checking or
timing a decoder: "bench decode: timing sonic, repetition 2: canceled"),
with no results printed.
`,
}

func runBenchDecode(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per decoder per line")
	corpusPath := fs.String("corpus", "", "measure on this recording `file` (.jsonl, .gz, .zst) instead of a generated game")
	shuffled := fs.Bool("shuffled", false, "generated game with keys in random order and extra whitespace")
	duration_s := fs.Float64("duration", 600, fmt.Sprintf("length of the generated game in `seconds`, %g to %g (600 s is about 165,000 messages)", bench.MinGameDuration_s, bench.MaxGameDuration_s))
	seed := fs.Uint64("seed", 1, "seed of the generated game")
	reps := fs.Int("reps", 5, "timed `repetitions` per decoder; the best is reported")
	minTime := fs.Duration("min-time", 200*time.Millisecond, "least `time` per repetition per decoder (whole passes over the corpus)")
	clock := fs.String("clock", "cpu", "time a repetition by the process's `clock`: cpu (CPU time of every thread, robust on a shared machine) or wall")
	fs.Usage = func() { writeHelp(stdout, fs, benchDecodeHelp) }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if *corpusPath != "" && *shuffled {
		return usageError(fs, errors.New("--shuffled applies to the generated corpus, not to --corpus"))
	}
	if !(*duration_s >= bench.MinGameDuration_s && *duration_s <= bench.MaxGameDuration_s) {
		return usageError(fs, fmt.Errorf("--duration %g: want %g to %g seconds", *duration_s, bench.MinGameDuration_s, bench.MaxGameDuration_s))
	}
	if *reps < 1 {
		return usageError(fs, fmt.Errorf("--reps %d: want at least 1", *reps))
	}
	if *minTime <= 0 {
		return usageError(fs, fmt.Errorf("--min-time %v: want a positive time, such as 200ms", *minTime))
	}
	// Before the corpus is built, as the other flags are.
	if c := bench.Clock(*clock); c != bench.ClockCPU && c != bench.ClockWall {
		return usageError(fs, fmt.Errorf("--clock %s: want cpu or wall", *clock))
	}

	var c *bench.Corpus
	if *corpusPath != "" {
		var err error
		if c, err = bench.LoadCorpusContext(ctx, *corpusPath); err != nil {
			return err
		}
	} else {
		var err error
		if c, err = bench.GameCorpusContext(ctx, bench.GameOptions{Seed: *seed, Duration_s: *duration_s, Shuffled: *shuffled}); err != nil {
			return err
		}
	}
	// Ctrl-C stops it (exit status 1, "bench decode: ...: canceled"), as
	// it does bench pipeline: it had run to its end and exited 0.
	results, err := bench.MeasureContext(ctx, c, bench.Options{Reps: *reps, MinTime: *minTime, Clock: bench.Clock(*clock)})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}

	fmt.Fprintf(stdout, "corpus    %s\n", c.Describe())
	for _, r := range results {
		if r.Available {
			fmt.Fprintf(stdout, "checksum  %s (every available decoder agrees with encoding/json, before timing and on every timed pass)\n", r.Checksum)
			break
		}
	}
	fmt.Fprintf(stdout, "timing    one goroutine locked to one OS thread, GOMAXPROCS=1 (%d CPUs here), best of %d repetitions of at least %v of %s time\n\n",
		runtime.NumCPU(), results[0].Reps, *minTime, results[0].Clock)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "decoder\tMB/s\tM msgs/s\tns/msg\tallocs/msg\tvs encoding/json\twall MB/s\t")
	var ours, goccy, sonic *bench.Result
	for i := range results {
		r := &results[i]
		if !r.Available {
			continue
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%.1f\t%.2f\t%.1fx\t%.1f\t\n", r.Decoder, r.MB_per_s, r.Msgs_per_s/1e6, r.Ns_per_msg, r.Allocs_per_msg, r.RatioVsEncodingJSON, r.WallMB_per_s)
		switch r.Decoder {
		case "stmotion":
			ours = r
		case "goccy/go-json":
			goccy = r
		case "sonic":
			sonic = r
		}
	}
	tw.Flush()
	for _, r := range results {
		if !r.Available {
			fmt.Fprintf(stdout, "%s: not measured: %s\n", r.Decoder, r.Error)
		}
	}
	if ours != nil {
		fmt.Fprintf(stdout, "\nstmotion is %.1fx encoding/json", ours.RatioVsEncodingJSON)
		for _, p := range []*bench.Result{goccy, sonic} {
			if p != nil {
				fmt.Fprintf(stdout, ", %.1fx %s", p.Ns_per_msg/ours.Ns_per_msg, p.Decoder)
			}
		}
		fmt.Fprintln(stdout, " (same run; the machine may be shared, so ratios are what compare)")
	}
	return nil
}
