package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/synth"
)

func init() {
	register("synth", "simulate a game or practice and write a session bundle with ground truth", runSynth)
}

// synthHelp is synth's -h: the synopsis, then (after the flags) the
// reference.
var synthHelp = help{
	usage: `Usage: stmotion synth --out DIR [flags]

Simulates a basketball game (a practice with --practice) and writes it to
DIR as a session bundle, with the noise-free ground truth (truth.json) to
check an analysis against: input for analyze, inspect and mock. The same
seed and flags give the same bytes.
`,
	details: `Simulates a basketball game (or a practice: scrimmages and shooting drills) and writes a
session bundle to DIR: live.json, subscribe.json, court.json, stats.json,
shots.json, messages.jsonl[.gz|.zst] and truth.json (the noise-free ground
truth: distances, speeds, possession, shots; see its "definitions"); a
practice's also rounds.json, the live information of each drill after the
first, under the live id its DRILL_NEXT names, whose type says what the drill
is (SCRIMMAGE or SHOOTING, as live.json's says of the first: a scrimmage).
The same seed and flags give the same bytes. A bundle already in DIR is
replaced as a whole (a recording of another --compress included); the files
are renamed into place only once all are written, so a failed or
interrupted run (Ctrl-C) leaves DIR as it was.

The exit status is 2, before anything is written, when the command line
cannot be carried out (a bad flag or value), and 1 when the simulation or
writing fails, its lines on stdout included (a full disk, say: the
bundle is written all the same).
`,
}

func runSynth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := synth.DefaultConfig()
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { writeHelp(stdout, fs, synthHelp) }
	out := fs.String("out", "", "bundle directory to write (required)")
	sample := fs.Bool("sample", false, "start from the built-in sample (4-minute game, seed 33) instead of the defaults; other flags still apply")
	fs.Float64Var(&cfg.Minutes, "minutes", cfg.Minutes, "session length in minutes of wall clock (dead balls, half time and a practice's breaks\n"+
		"between drills included: --practice makes drills of about 2.5 minutes with a break between\n"+
		"each two of 6 % of the session, 25 to 90 s)")
	fs.Float64Var(&cfg.Hz, "hz", cfg.Hz, "location samples per second per sensor")
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "random seed")
	fs.Float64Var(&cfg.Noise_mm, "noise-mm", cfg.Noise_mm, "sensor noise sigma per axis, mm")
	fs.Float64Var(&cfg.Bias_mm, "bias-mm", cfg.Bias_mm, "sigma per axis of each sensor's slowly wandering offset (multipath), mm")
	fs.StringVar(&cfg.Court, "court-template", cfg.Court, "the court's `template`: "+strings.Join(court.TemplateNames(), ", ")+" (court.json holds the\n"+
		"corners and hoops only, as the API's: nba, wnba, ncaa and hs94 are one size, told apart by analyze's\n"+
		"and live's --court-template)")
	// The name it had: --court is a court.json file in analyze, live and
	// mock, and a script sharing flags between them broke on it.
	courtAlias := aliasStringVar(fs, &cfg.Court, "court", "deprecated: the same as --court-template, a `template` (analyze's, live's and mock's --court is a\n"+
		"court.json file); warned of on stderr")
	fs.BoolVar(&cfg.Practice, "practice", cfg.Practice, "simulate a practice (scrimmages alternating with shooting drills, DRILL_* markers) instead of a game")
	fs.StringVar(&cfg.Compress, "compress", cfg.Compress, `compress the recording: "", gz or zst`)
	fs.Float64Var(&cfg.Rotation_deg, "rotation-deg", cfg.Rotation_deg, "sensor frame rotation relative to the court, degrees")
	fs.Float64Var(&cfg.TX_mm, "tx-mm", cfg.TX_mm, "sensor frame translation x, mm")
	fs.Float64Var(&cfg.TY_mm, "ty-mm", cfg.TY_mm, "sensor frame translation y, mm")
	fs.Float64Var(&cfg.Jitter_ms, "jitter-ms", cfg.Jitter_ms, "sampling-instant jitter sigma, ms")
	fs.BoolVar(&cfg.JitterPerSensor, "jitter-per-sensor", cfg.JitterPerSensor, "jitter each sensor's sampling instant on its own (default: one instant per tick)")
	fs.Float64Var(&cfg.DropRate, "drop-rate", cfg.DropRate, "probability that a sample is lost")
	fs.Float64Var(&cfg.DropoutsPerMin, "dropouts-per-min", cfg.DropoutsPerMin, "per sensor, dropouts per minute")
	fs.Float64Var(&cfg.DuplicateRate, "dup-rate", cfg.DuplicateRate, "probability that a line is delivered twice")
	fs.Float64Var(&cfg.ReorderRate, "reorder-rate", cfg.ReorderRate, "probability that a location line arrives 1-4 lines late")
	fs.Float64Var(&cfg.OutlierRate, "outlier-rate", cfg.OutlierRate, "probability that a sample jumps 0.5-2.5 m")
	fs.Float64Var(&cfg.FeedGapRate, "feed-gap-rate", cfg.FeedGapRate, "probability that a dead ball silences the whole location feed for 2-8 s")
	fs.Int64Var(&cfg.StartTime_ms, "start-ms", cfg.StartTime_ms, "epoch ms of the first marker: 1 to 1e14 (year 5138) minus the session length")
	fs.Float64Var(&cfg.DistInterval_s, "dist-interval-s", cfg.DistInterval_s, "cadence of the cumulative DIST stats, seconds")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["court"] {
		fmt.Fprintln(stderr, "stmotion synth: warning: --court is deprecated: give --court-template (--court is a court.json file in analyze, live and mock)")
	}
	// Errors name the flag whose value stands, the last given of the two.
	courtFlag := courtAlias.name("court-template", "court")
	if *out == "" {
		return usageError(fs, errors.New("--out DIR is required"))
	}
	if *sample {
		// Flags given explicitly override the sample's values.
		s := synth.SampleConfig()
		if !set["minutes"] {
			cfg.Minutes = s.Minutes
		}
		if !set["seed"] {
			cfg.Seed = s.Seed
		}
	}
	if err := cfg.Validate(); err != nil {
		var ce *synth.ConfigError
		if errors.As(err, &ce) && synthFlags[ce.Field] != "" {
			name := synthFlags[ce.Field]
			if ce.Field == "Court" {
				name = courtFlag
			}
			err = fmt.Errorf("--%s: %s", name, ce.Detail)
		}
		return usageError(fs, err)
	}
	var progress func(done, total float64)
	if isTerminal(stderr) {
		last := time.Time{}
		progress = func(done, total float64) {
			if now := time.Now(); now.Sub(last) > 100*time.Millisecond || done >= total {
				last = now
				fmt.Fprintf(stderr, "\rsynth: %5.1f%% (%.0f of %.0f s simulated)", 100*done/total, done, total)
				if done >= total {
					fmt.Fprintln(stderr)
				}
			}
		}
	}
	t0 := time.Now()
	tr, err := synth.Write(ctx, cfg, *out, progress)
	if err != nil {
		return err
	}
	el := time.Since(t0)
	name := synth.MessagesFile(cfg.Compress)
	var size int64
	if st, err := os.Stat(filepath.Join(*out, name)); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(stdout, "wrote %s: %d lines (%d locations, %d stats, %d shots, %d markers), %.1f MB %s in %.2f s\n",
		*out, tr.Feed.Lines, tr.Feed.Locations, tr.Feed.Stats, tr.Feed.Shots, tr.Feed.Markers,
		float64(size)/1e6, name, el.Seconds())
	for _, t := range tr.Teams {
		fmt.Fprintf(stdout, "  %-20s %3d points, possession %.0f s\n", t.Name, t.Points, t.Possession_s)
	}
	return nil
}

// synthFlags names the flag that sets each synth.Config field, to report a
// value out of range as the user gave it.
var synthFlags = map[string]string{
	"Minutes": "minutes", "Hz": "hz", "Seed": "seed", "Noise_mm": "noise-mm", "Bias_mm": "bias-mm",
	"Court": "court-template", "Compress": "compress", "Rotation_deg": "rotation-deg", "TX_mm": "tx-mm",
	"TY_mm": "ty-mm", "Jitter_ms": "jitter-ms", "DropRate": "drop-rate", "DropoutsPerMin": "dropouts-per-min",
	"DuplicateRate": "dup-rate", "ReorderRate": "reorder-rate", "OutlierRate": "outlier-rate",
	"FeedGapRate": "feed-gap-rate", "StartTime_ms": "start-ms", "DistInterval_s": "dist-interval-s",
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
