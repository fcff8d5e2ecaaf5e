package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/track"
	"github.com/stmotion/stmotion/track/heatmap"
)

func init() {
	register("analyze", "analyse recordings or session bundles into Parquet tables, summary.json and a report", runAnalyze)
}

const analyzeUsage = `Usage: stmotion analyze [flags] [INPUT...]

Analyses ShotTracker recordings and writes movement analytics.

INPUT is a session bundle directory (messages.jsonl[.gz|.zst] with live.json,
subscribe.json, court.json, ...), a bare recording (.jsonl, .jsonl.gz,
.jsonl.zst; any file is read as a recording; - reads one from standard
input, session id "stdin"), or a directory searched recursively for both.
A search takes the bundle directories (not searched further) and the files
named *.jsonl or *.ndjson, optionally with .gz or .zst after; it skips
entries whose name starts with "." and follows symbolic links, to
directories too (a directory reached again, through another link or a
loop, is searched once). A directory with a live.json but no messages
file is an incomplete bundle: a failed input that says what it lacks.
A directory the search cannot enter (no permission to read it, say) is a
failed input of its own, with its path and why; what is found beside it
is analysed.
A bare recording has no court and no roster: it stays in the sensor frame,
its players without names or teams, unless --court and --roster give them.
Without INPUT the built-in sample game is analysed (a deterministic
simulated game). Each input is a session, its id the live id of its
live.json or else its name. Inputs with the same id get <id>-2, <id>-3,
... (never the id of another input; ids that differ only in case count as
one) in the order of their absolute paths (- first), whatever the order
of the arguments; those whose compressed recording is cut short (see
quality.truncated below; analysed up to the break) come after the
complete ones; those that fail before analysis (a bundle that cannot be
read, a live.json or court that is not valid) come last, and so do those
whose recording cannot be analysed (it cannot be opened, its compressed
stream is corrupt, nothing in it decodes; with --strict, a bad line or a
file cut short too): the recordings of the inputs that share an id are
read through before ids are given, to tell (but standard input and named
pipes, which can be read only once). So a broken or cut copy of a game
does not take its id (a broken one's analysis fails, and says why). Each
input renamed so is warned of, a failed one too (its id is that of its
failed[] entry in summary.json, and of the earlier outputs its failure
removes): "X: session id game already used by Y: written as game-2". A
path given twice (- too), or also found under a directory given, or a
recording met again under another name (a link, a bundle beside its own
messages file), is analysed once: as the bundle when one of them is a
bundle (with its live id, court and roster; the bare file would have
none), whatever the order of the arguments or of the names found in a
directory, else as the first by absolute path:
"g02/messages.jsonl.gz: the same recording as g02: analysed once, as the
bundle".

Outputs under --out:
  one session:   <table>.parquet (.arrow with --format arrow) and summary.json
  several, or --add:
                 <table>/session_id=<id>/part-0.parquet (a Hive-partitioned
                 dataset DuckDB, Spark, Trino and pandas read as one) and
                 summary.json with one entry per session in sessions[]
  tables:        samples players possessions events shots boxscore
                 dist_check heatmaps quality (docs/schema.md)
  images:        images/ (several sessions: images/session_id=<id>/):
                 heatmaps per team, player and ball, shot charts, PNG and SVG
                 (shot charts of the feed's shot messages, or when it has
                 none, of the shots detected from the ball; without a
                 court, heatmaps in the sensor frame, without markings)
A run replaces the outputs of its own sessions, in the layout it writes:
what a session does not write again (tables of the other --format or
layout, images of players no longer there) is removed, and a session that
fails loses all its earlier outputs (tables, images, a summary.json naming
it), which would read as this run's; its failure message says so. Those
that cannot be removed (a read-only directory) stay, the others go: its
failure message says how many stay and why, and its entry in
summary.json's failed[] lists them (earlier_outputs_left). (An
input that cannot even be read — a path that does not exist — has no
session id: nothing of it is removed. A bundle whose live.json does not
parse is the session the earlier summary.json lists for the same source,
if any.) An --out holding tables it would not replace (other sessions'
partitions, one-session tables of another session: the session the
summary.json there names, or without one, as a run killed before it wrote
it leaves, the one their session_id column names) is refused before any
work, as readers would take them for part of its output; with --overwrite
they are removed once an input has been analysed, with --add they stay.
Only files analyze writes are removed: a user's own files under --out
stay, as do the temporary files (.<name>.tmp-<digits>) of a run still
writing; those a killed run left anywhere analyze writes under --out (in
any session's partition, this run's or not, with --overwrite or without:
a glob over the dataset fails on them) are removed, with the partition
directories that held nothing else (docs/schema.md, "Files and layout").

Adding to a dataset: with --add the run adds its sessions to those under
--out, whose tables, images and summary.json entries (marked earlier_run)
stay, and a failed game's failed[] entry too until it is added (an entry
without a session id, a path that did not exist or a directory that could
not be searched, until a run is given it or a directory above it and
searches it). A session
already there is the same game analysed again, and replaced: ids decide
(the live id of a bundle, else the recording's name; "stdin" for -), so
give two different games with one id distinct names (replacing one from
another source is warned of: "X: session id game already used in OUT by Y:
replaced, ..."). But a broken copy does not replace a game another source
added: an input whose id is that of a session there from another source
has its recording read through first, and if it cannot be analysed (as
above), or is cut short while the session there was read whole (its
quality.truncated false), it fails without a session id and the session
stays ("X: session id game already used in OUT by Y, which stays: X
cannot be analysed ..." or "... X is cut short ..."). From the session's
own source, a recording cut short since replaces it, with a warning that
says so ("--add: X: its recording is cut short ..., and replaced session
game in OUT, from X, whose recording was read whole ...").
A recording already there under another id is one game,
as within a run (sources are compared by the absolute paths summary.json
records, source_path, whatever directory each run was started in): its bundle replaces its bare file's session, and its bare
file is not analysed while its bundle is there. Partitions that no entry
describes (a run killed before it wrote summary.json, a summary.json moved
away) are warned of and listed in summary.json under unlisted, without
figures, until their game is added again. The one-session outputs of a
plain run of one input are first moved into the Hive layout. An --out of
another --format is refused, and a --hz grid or definitions (--sprint-mps
and the others below; an earlier entry without them took the defaults)
that differ from the other sessions' are warned of (--cell, --live-only
and --fold are not recorded: use the same for every game). Runs adding to one --out take turns (a lock
file, .stmotion.lock).

An interrupted run (Ctrl-C, SIGTERM) removes nothing an earlier run wrote
for the inputs it did not analyse, nor, with --overwrite, for other
sessions; its summary.json (rewritten only when an input was analysed or
failed, or by --add's move into the Hive layout, as the "interrupted:"
line on stderr says) lists those inputs under canceled (not failed) and
keeps the earlier entries of their sessions, marked earlier_run, so that
it still describes every table under --out. Ctrl-C also ends a read
waiting on standard input or a named pipe with nothing coming: that input
is canceled too.

A short report per team (the roster players without any tracking data
named in one line, not as rows of zeros), what the session lacked that
makes some events unreliable (summary.json limits: no roster, no court,
one team on the roster in a practice, only one team's players tracked,
several balls in play at once),
the quality counts and the grid rate and sensor noise the engine ran with
go to stdout; problems go to stderr, each with its
file (and line for bad lines) first: "stmotion analyze: warning: ..." for
what an analysed input lacks or holds that is odd, and "stmotion analyze:
error: ..." for an input that failed (then nothing is said of the court or
roster it lacks). Lines that do not decode, or are longer than --max-line
(1 MiB by default), are skipped, counted (quality.bad_lines) and reported,
and a compressed recording cut short (its stream breaks at the end of the
file, or where the rest of the file is zero bytes, as a write cut off may
leave it) is analysed up to the break (quality.truncated); --strict fails
the input instead. Zero bytes after a complete compressed stream are
ignored, with a warning. More than 1 % of
the location samples dropped for their timestamps
(quality.late: a clock that jumped back) is reported too, as are an input
without any location message (stats and shots only) or ball sensor, a
subscribe.json that lists no player (as no roster), a player the roster
lists on more than one team (taken as the last's), a roster that misses
half the player sensors or more, sides the events
cannot tell apart (one team on the roster in a practice, or without
live.json and no player off the roster tracked: its scrimmage sides; or
only one team's players tracked), two or more balls
moving on the court at once for 10 s of live time or more (possession
follows one), no player moving while
the clock was live (no LIVE marker, or no location while it was: live-only
figures are 0), and timestamps that look wrong
(before 2000: seconds, not milliseconds; more than 10 % duplicates).
A shot or marker message that repeats an earlier one (a feed replayed
after a reconnect, a recording concatenated twice) is dropped, counted
(quality.repeated_shots, quality.repeated_markers) and reported; with such
repeats, many late samples are reported as a recording that seems to
repeat itself.
Inputs are independent: a bad one (unreadable, invalid court, nothing
decodable) is reported and the others still complete. The exit status is
0 when every input was analysed and 1 when any failed or the run was
interrupted; either way the last line of stdout says how many were, and
how many failed: "1 of 3 inputs analysed into OUT; 2 failed: a, b" (named
when 3 or fewer; "; 1 canceled" after an interrupt).
It is 2, without that line and before any input is analysed or output
written, when the command line cannot be carried out: a bad flag, a
--court or --roster that cannot be used, an --out that cannot be a
directory, where no file can be created (checked once, with a file
created and removed) or that holds tables this run would not replace (see
above), or with --add, of another --format or with a summary.json that
does not parse. A write that fails later fails its input, named.

` + definitionsHelp + `
Flags:
`

// analyzeConfig is what the flags of analyze decide.
type analyzeConfig struct {
	out       string
	jobs      int
	format    export.Format
	liveOnly  bool
	fold      bool
	cell_m    float64
	hz        float64
	defs      definitionFlags
	strict    bool
	maxLine   int // longest recording line read, bytes
	mirrored  bool
	batchRows int
	quiet     bool
	fsync     bool
	images    bool
	// foreground writes samples batches on the engine's goroutine
	// (export.WithForeground); bench pipeline compares both ways.
	foreground bool
	overwrite  bool
	// add: the run adds its sessions to the dataset under out (Hive
	// layout), holding its lock (export.LockOutDir).
	add bool
	// court and roster are what --court and --roster read, for the
	// inputs without their own (decode.Bundle.Supply); nil without the flag.
	courtPath, rosterPath string
	court                 []byte
	roster                *decode.Subscribe
}

func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg analyzeConfig
	var format string
	fs.StringVar(&cfg.out, "out", "stmotion-out", "output `directory` (created if needed)")
	fs.IntVar(&cfg.jobs, "jobs", runtime.NumCPU(), "inputs analysed in `parallel`")
	fs.StringVar(&format, "format", "parquet", "table file `format`: parquet or arrow (Arrow IPC)")
	fs.BoolVar(&cfg.liveOnly, "live-only", false, "keep only samples and heatmap time with the game clock live")
	fs.BoolVar(&cfg.fold, "fold", false, "fold the heatmaps onto one half court, so a game reads as offence and defence: each\n"+
		"team's and each player's heatmap is drawn (and written to the heatmaps table) with the\n"+
		"team's attacking half on the right (east, x > 0) in every period, by a half turn of the\n"+
		"periods it attacks west; the ball's heatmap is folded by the team in control (the last\n"+
		"team that held it). Attacking directions are learned from the detected shots; a team\n"+
		"and period without any (nor shots of the other team) stays unfolded. A practice's roster of\n"+
		"one team (its scrimmage sides attack opposite hoops; without live.json, a one-team roster\n"+
		"and no player off it tracked) is not folded, with a warning; a game's one-team roster is folded")
	fs.Float64Var(&cfg.cell_m, "cell", 0.5, fmt.Sprintf("heatmap cell `size` in metres, %g to %g", heatmap.MinCell_m, heatmap.MaxCell_m))
	fs.Float64Var(&cfg.hz, "hz", 0, fmt.Sprintf("output grid `rate` in Hz, %g to %g, the engine's range (0: the feed's median sample rate);\n"+
		"the grid period is 1000/rate ms rounded to whole ms", minRate_Hz, maxRate_Hz))
	cfg.defs.register(fs)
	fs.BoolVar(&cfg.strict, "strict", false, "fail an input that has any line that does not decode or is cut short (default: count, report and skip them)")
	fs.IntVar(&cfg.maxLine, "max-line", decode.DefaultMaxLineBytes, fmt.Sprintf("longest recording line read, in `bytes`, 1 to %d; a longer one is a bad line, skipped\n"+
		"and counted (quality.bad_lines), as in inspect", maxLineMax))
	fs.BoolVar(&cfg.mirrored, "allow-mirrored", false, "accept a court.json whose corners ne, se, sw, nw run counterclockwise: the sensor\n"+
		"frame is then taken as left-handed and positions are mirrored into the court frame\n"+
		"(default: such a court fails its input, since swapped corners look the same)")
	fs.StringVar(&cfg.courtPath, "court", "", "court.json `file` (the /court body) for every input without one of its own, such as\n"+
		"bare recordings: their positions then go into the court frame (a bundle's own court.json\n"+
		"is used for that bundle)")
	fs.StringVar(&cfg.rosterPath, "roster", "", "roster `file` for every input without one of its own: a subscribe.json, or a JSON\n"+
		"array of teams with their players, for the players' names and teams (a bundle's own\n"+
		"subscribe.json is used for that bundle, unless it lists no player)")
	fs.IntVar(&cfg.batchRows, "batch-rows", export.DefaultBatchRows, fmt.Sprintf("rows per record batch / Parquet row group of the samples table, %d to %d", minBatchRows, maxBatchRows))
	fs.BoolVar(&cfg.images, "images", true, "draw heatmaps and shot charts (PNG and SVG) under <out>/images; with\n"+
		"--images=false the images an earlier run drew for these sessions are removed")
	fs.BoolVar(&cfg.quiet, "quiet", false, "no report on stdout and no progress bar")
	fs.BoolVar(&cfg.overwrite, "overwrite", false, "once an input has been analysed, remove the tables, images and summary.json that earlier\n"+
		"runs wrote under --out and this run did not (only files analyze writes: nothing else there\n"+
		"is touched; a run that analyses no input removes nothing but the failed sessions' own\n"+
		"outputs, as any run does); without it, a --out holding\n"+
		"tables of sessions this run would not replace is refused, since readers would take them\n"+
		"for part of its output")
	fs.BoolVar(&cfg.add, "add", false, "add this run's sessions to the dataset under --out (Hive layout), keeping the\n"+
		"other sessions; one already there is replaced (see \"Adding to a dataset\" above)")
	fs.BoolVar(&cfg.fsync, "fsync", false, "fsync every output file before giving it its final name (safe against power loss, slower)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), analyzeUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if cfg.format, err = export.ParseFormat(format); err != nil {
		return usageError(fs, err)
	}
	if cfg.add && cfg.overwrite {
		return usageError(fs, errors.New("--add keeps the other sessions under --out, --overwrite removes them: give one of them"))
	}
	if cfg.jobs < 1 {
		return usageError(fs, fmt.Errorf("--jobs %d: want at least 1", cfg.jobs))
	}
	if err := checkCell(cfg.cell_m); err != nil {
		return usageError(fs, err)
	}
	if cfg.batchRows < minBatchRows || cfg.batchRows > maxBatchRows {
		return usageError(fs, fmt.Errorf("--batch-rows %d: want %d to %d rows", cfg.batchRows, minBatchRows, maxBatchRows))
	}
	if err := checkGridRate(cfg.hz); err != nil {
		return usageError(fs, err)
	}
	if err := cfg.defs.check(); err != nil {
		return usageError(fs, err)
	}
	if err := checkMaxLine(cfg.maxLine); err != nil {
		return usageError(fs, err)
	}
	// A --court or --roster that cannot be read, or a court that is not
	// valid, would fail every input without its own: say it once, before
	// any work.
	if cfg.court, err = readCourtFlag("analyze", cfg.courtPath, cfg.mirrored); err != nil {
		return setupError(stderr, err)
	}
	if cfg.roster, err = readRosterFlag("analyze", cfg.rosterPath); err != nil {
		return setupError(stderr, err)
	}
	// An --out that cannot be a directory fails every input alike: say it
	// once, before any work.
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return setupError(stderr, fmt.Errorf("analyze: --out: %w", err))
	}
	if err := checkWritable(cfg.out); err != nil {
		return setupError(stderr, fmt.Errorf("analyze: --out %s: cannot write there: %w", cfg.out, err))
	}
	args = fs.Args()
	sample := ""
	if len(args) == 0 {
		dir, err := os.MkdirTemp("", "stmotion-sample-")
		if err != nil {
			return setupError(stderr, fmt.Errorf("analyze: built-in sample: %w", err))
		}
		defer os.RemoveAll(dir)
		path, err := pipeline.WriteSample(ctx, dir)
		if err != nil {
			return setupError(stderr, fmt.Errorf("analyze: built-in sample: %w", err))
		}
		fmt.Fprintln(stderr, "stmotion analyze: no input given: analysing the built-in sample game")
		args, sample = []string{path}, path
	}

	inputs, failed, warnings := planInputs(args)
	// The places the run searched (its arguments, but those that could
	// not be searched at all): with --add, earlier failures there without
	// a session id go (export.AddSummary).
	var searched []string
	for _, a := range args {
		if p := sourcePath(a); p != "" && !slices.ContainsFunc(failed, func(f export.FailedInput) bool { return f.Source == a }) {
			searched = append(searched, p)
		}
	}
	for i := range inputs {
		in := &inputs[i]
		in.bundle.Supply(cfg.courtPath, cfg.court, cfg.rosterPath, cfg.roster)
		if in.path == sample {
			in.source = sampleSource
		}
		// A court that cannot be used fails its input before any work,
		// so that the input takes no session id from one that can be
		// analysed (assignSessionIDs).
		if in.openErr == nil {
			if _, err := pipeline.ParseCourt(in.bundle, cfg.options(false)); err != nil {
				in.openErr = courtError(err)
			}
		}
		// A read waiting on a pipe ends with Ctrl-C (interruptible).
		if in.openErr == nil && isStream(in.bundle.MessagesPath) {
			in.bundle.Stream = newInterruptible(ctx, openStream(in.bundle.MessagesPath))
		}
	}
	// A run adding to a dataset holds its lock from before it reads
	// summary.json until it has written its own: another run's summary
	// written meanwhile would be lost.
	if cfg.add {
		release, err := export.LockOutDir(ctx, cfg.out, func() {
			fmt.Fprintf(stderr, "stmotion analyze: --add: waiting for another run adding to %s to end\n", cfg.out)
		})
		if err != nil && ctx.Err() != nil {
			fmt.Fprintf(stderr, "stmotion analyze: interrupted while waiting for another run adding to %s: nothing analysed or written\n", cfg.out)
			fmt.Fprintf(stdout, "0 of %d inputs analysed into %s%s; %d canceled\n", len(inputs)+len(failed), cfg.out, failedList(failed), len(inputs))
			return exitError{code: 1}
		}
		if err != nil {
			return setupError(stderr, fmt.Errorf("analyze: --out: %w", err))
		}
		defer release()
	}
	// An earlier summary.json that cannot be read names no session: the
	// run goes on without it (but one adding to it: its entries of the
	// other sessions would be lost). The ids it gives are taken before
	// the others are made unique, so that the warnings name the ids
	// written.
	earlier, err := export.ReadSummary(cfg.out)
	if err != nil && cfg.add {
		return setupError(stderr, fmt.Errorf("analyze: --add: %w: it describes the sessions under --out %s, and a run adding to them keeps its entries; mend it, or move it away to add without them (their partitions are then listed under unlisted, without figures)", err, cfg.out))
	}
	// With --add, the inputs are also compared with the dataset's games,
	// by their sources, as planInputs compares them with each other.
	var present func(id string) bool // with --add: the session's tables are under --out
	if cfg.add {
		present, _ = presentSessions(cfg.out) // an error is said below
		var w []string
		inputs, w = dropBundled(inputs, earlier.Sessions, present, cfg.out)
		warnings = append(warnings, w...)
	}
	adoptEarlierIDs(inputs, earlier.Sessions)
	// A broken copy of a game must not take the id from one that can be
	// analysed: the recordings of the inputs that could take one are
	// read through first.
	held := func(input) (export.SessionSummary, bool) { return export.SessionSummary{}, false }
	if cfg.add {
		held = func(in input) (export.SessionSummary, bool) {
			for _, e := range earlier.Sessions {
				if e.SessionID == in.sessionID && present(e.SessionID) && !sameSource(e.Source, e.SourcePath, in) {
					return e, true
				}
			}
			return export.SessionSummary{}, false
		}
	}
	inputs, failed, warnings = checkSharedIDs(ctx, inputs, failed, warnings, &cfg, held)
	warnings = append(warnings, assignSessionIDs(inputs)...)
	var replaces map[int]export.SessionSummary // input → the earlier session of its recording it replaces
	if cfg.add {
		var w []string
		replaces, w = compareEarlier(inputs, earlier, present, cfg.out)
		warnings = append(warnings, w...)
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", w)
	}
	total := len(inputs) + len(failed)
	results := make([]analyzeResult, len(inputs))
	hive := total > 1 || cfg.add
	ids := make([]string, len(inputs))
	for i, in := range inputs {
		ids[i] = in.sessionID
	}
	out, err := export.PrepareOutDir(cfg.out, ids, export.OutDirOptions{Hive: hive, Overwrite: cfg.overwrite, Add: cfg.add, Format: cfg.format})
	if err != nil {
		// Refused: say it in the flags' words.
		var fe *export.ForeignOutputsError
		var me *export.FormatError
		if errors.As(err, &me) {
			err = fmt.Errorf("--add --format %s: --out %s holds the %s tables of %s: a dataset is read in one format; add with --format %s, or use another --out", me.Want, cfg.out, me.Have, sessionList(me.Sessions), me.Have)
		} else if errors.As(err, &fe) {
			add := "--add to add this run's sessions to them, "
			if cfg.add {
				add = ""
			}
			err = fmt.Errorf("--out %s holds %s, which this run would not replace and readers would take for part of its output: use another --out, %sor --overwrite to remove the tables, images and summary.json there once an input is analysed", cfg.out, fe.What, add)
			// They may be the earlier outputs of an input that could
			// not be read this time, under an id it had then: say so.
			var unread []string
			for _, in := range inputs {
				if in.openErr != nil {
					unread = append(unread, in.openErr.Error())
				}
			}
			for _, f := range failed {
				unread = append(unread, f.Error)
			}
			if len(unread) > 0 {
				err = fmt.Errorf("%w; they may be the earlier outputs of %s, which could not be read this time: %s", err, plural(len(unread), "input"), strings.Join(unread, "; "))
			}
		} else {
			err = fmt.Errorf("--out: %w", err)
		}
		return setupError(stderr, fmt.Errorf("analyze: %w", err))
	}
	// A dataset begun by a run of one input grows: its session's
	// one-session tables and images become its partitions.
	rewritten := "" // the session whose entry MoveFlat rewrote in summary.json
	if cfg.add {
		moved, err := out.MoveFlat(cfg.fsync)
		if err != nil {
			return setupError(stderr, fmt.Errorf("analyze: --add: --out %s: %w; nothing was added", cfg.out, err))
		}
		if moved != "" {
			what := "tables"
			if _, err := os.Stat(filepath.Join(cfg.out, export.ImagesDir, export.PartitionDir(moved))); err == nil {
				what = "tables and images"
			}
			fmt.Fprintf(stderr, "stmotion analyze: --add: moved session %s's one-session %s in %s into the Hive layout (<table>/%s/)\n", moved, what, cfg.out, export.PartitionDir(moved))
			if earlier, err = export.ReadSummary(cfg.out); err != nil {
				return setupError(stderr, fmt.Errorf("analyze: --add: %w", err))
			}
			if slices.ContainsFunc(earlier.Sessions, func(e export.SessionSummary) bool { return e.SessionID == moved }) {
				rewritten = moved
			}
		}
	}
	// A killed run's temporary files, in any session's partition, would
	// break a reader's glob over the partitions; those of a run still
	// writing are left.
	st, err := out.RemoveStaleTemps(time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "stmotion analyze: warning: --out: %v\n", err)
	}
	if st.Files > 0 {
		dirs := ""
		if st.Dirs > 0 {
			dirs = ", and 1 directory that held nothing else"
			if st.Dirs > 1 {
				dirs = fmt.Sprintf(", and %d directories that held nothing else", st.Dirs)
			}
		}
		fmt.Fprintf(stderr, "stmotion analyze: removed from %s %s (%.1f MB) that a run killed while writing left%s\n", cfg.out, plural(st.Files, "temporary file"), float64(st.Bytes)/1e6, dirs)
	}
	progress := newProgress(stderr, len(inputs), cfg.quiet)
	runJobs(ctx, cfg.jobs, len(inputs), func(i int) {
		results[i] = analyzeInput(ctx, inputs[i], &cfg, hive)
		progress.Add(1)
	})
	progress.Finish()

	// An interrupt (Ctrl-C, SIGTERM) cuts the inputs still running short
	// and leaves the others not started: they did not fail, and keep
	// what earlier runs wrote for them.
	interrupted := ctx.Err() != nil
	var sums []export.SessionSummary
	var canceled []export.CanceledInput
	done := make([]export.SessionFiles, len(results))
	for i, r := range results {
		for _, w := range r.warnings {
			fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", w)
		}
		done[i] = export.SessionFiles{SessionID: inputs[i].sessionID, Files: r.files}
		switch {
		case r.err == nil:
			sums = append(sums, r.summary)
			if w := cutReplacement(&cfg, inputs[i], r.summary, earlier.Sessions, present); w != "" {
				fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", w)
			}
		case interrupted && errors.Is(r.err, pipeline.ErrCanceled):
			canceled = append(canceled, export.CanceledInput{Source: inputs[i].path, SessionID: inputs[i].sessionID})
			done[i].Canceled = true
		default:
			failed = append(failed, export.FailedInput{Source: inputs[i].path, SourcePath: sourcePath(inputs[i].path), SessionID: inputs[i].sessionID, Error: r.err.Error()})
			done[i].Failed = true
		}
	}
	// A game added before under another id, from the same recording (its
	// bare file, then its bundle) loses its outputs and entry to this
	// run's session, as within a run it is analysed once.
	var replaced []int // the inputs that replaced such a session
	for _, i := range slices.Sorted(maps.Keys(replaces)) {
		if results[i].err == nil {
			done = append(done, export.SessionFiles{SessionID: replaces[i].SessionID, Replaced: true})
			replaced = append(replaced, i)
		}
	}
	analysed := len(sums)
	// From here on the run ends with its count line, also when writing
	// summary.json or tidying --out fails (exit status 1).
	var outErr error
	// ran: the run analysed the session, which succeeded or failed.
	ran := func(id string) bool {
		return slices.ContainsFunc(done, func(s export.SessionFiles) bool { return s.SessionID == id && !s.Canceled })
	}
	switch {
	case cfg.add:
		// summary.json goes on describing the dataset's other sessions
		// (export.AddSummary).
		present, outErr = presentSessions(cfg.out)
		if w := gridWarning(&cfg, sums, earlier.Sessions, ran, present); w != "" {
			fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", w)
		}
		if len(sums) > 0 {
			if w := definitionsWarning(cfg.defs.d, earlier.Sessions, ran, present); w != "" {
				fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", w)
			}
		}
	case hive && interrupted:
		// summary.json describes what --out holds: the sessions the run
		// did not reach keep their earlier tables, and so their earlier
		// entries.
		kept, err := keptEntries(cfg.out, earlier.Sessions, done)
		outErr = err
		sums = append(sums, kept...)
	}
	// Written when a session was analysed, or, after an interrupt, when
	// a failure removes outputs the earlier summary.json may describe;
	// with --add, when one failed: its entry goes, the others stay.
	summarise := analysed > 0 || hive && interrupted && len(failed) > 0 || cfg.add && len(failed) > 0
	var entries []export.SessionSummary // sessions[] of the summary.json written
	// doc is the summary.json of the run. Its unlisted sessions (those
	// with partitions under --out that no entry describes: a run killed
	// before it wrote summary.json, a summary.json moved away) are found
	// once, as the run's own sessions, whose outputs Tidy removes or
	// replaces, are none of them (nor, with --overwrite, any other).
	var unlisted []export.UnlistedSession
	found := false
	gone := func(id string) bool { return ran(id) || cfg.overwrite && !interrupted }
	doc := func() any {
		m := export.MultiSummary{Sessions: append([]export.SessionSummary{}, sums...), Failed: failed, Canceled: canceled}
		switch {
		case cfg.add:
			m = export.AddSummary(earlier, m, ran, present, searched)
		case !hive:
			return sums[0]
		}
		if !found {
			var err error
			if unlisted, err = export.FindUnlisted(cfg.out, m, gone); err != nil {
				outErr = errors.Join(outErr, fmt.Errorf("analyze: --out: %w", err))
			}
			found = true
		}
		m.Unlisted, entries = unlisted, m.Sessions
		return m
	}
	writeSummary := func() error { return out.WriteSummary(doc(), cfg.fsync) }
	wrote := false
	if summarise {
		err := writeSummary()
		wrote = err == nil
		outErr = errors.Join(outErr, err)
	} else if hive {
		doc() // the unlisted sessions, for the warning
	}
	removed, err := out.Tidy(done)
	// What could not be removed of a failed session's earlier outputs is
	// said in its failure and in its failed[] entry: summary.json must not
	// read as if the dataset held none of it. What stays of other
	// sessions' is an error of the run.
	var re *export.RemoveError
	why := map[string]error{}
	if errors.As(err, &re) {
		for i := range failed {
			if id := failed[i].SessionID; id != "" && len(re.Left[id]) > 0 {
				failed[i].EarlierOutputsLeft, why[id] = re.Left[id], re.Errs[id]
				delete(re.Left, id)
				delete(re.Errs, id)
			}
		}
	}
	if err != nil && (err != error(re) || len(re.Left) > 0) {
		outErr = errors.Join(outErr, fmt.Errorf("analyze: --out: %w", err))
	}
	if wrote && len(why) > 0 {
		outErr = errors.Join(outErr, writeSummary())
	}
	for _, f := range failed {
		msg := f.Error
		id := f.SessionID
		switch {
		case id != "" && len(f.EarlierOutputsLeft) > 0:
			n := len(f.EarlierOutputsLeft)
			msg += fmt.Sprintf(" (could not remove from %s %d of the %s an earlier run wrote for session %s, as a failed session keeps no outputs: %v; they stay, and readers of the dataset will read them", cfg.out, n, plural(n+removed[id], "file"), id, why[id])
			if wrote {
				msg += ": summary.json lists them in the session's failed entry, under earlier_outputs_left"
			}
			msg += ")"
		case id != "" && removed[id] > 0:
			msg += fmt.Sprintf(" (removed from %s the %s an earlier run wrote for session %s: a failed session keeps no outputs)", cfg.out, plural(removed[id], "file"), id)
		}
		fmt.Fprintf(stderr, "stmotion analyze: error: %s\n", msg)
	}
	for _, i := range replaced {
		e := replaces[i]
		fmt.Fprintf(stderr, "stmotion analyze: warning: --add: %s: the same recording as %s, session %s in %s: replaced by session %s (its entry and %s removed)\n", inputs[i].path, e.Source, e.SessionID, cfg.out, inputs[i].sessionID, plural(removed[e.SessionID], "file"))
	}
	if len(unlisted) > 0 {
		fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", unlistedWarning(cfg.out, unlisted, wrote))
	}
	if interrupted {
		kept := 0 // the earlier entries of canceled sessions summary.json keeps
		for _, e := range entries {
			if e.EarlierRun && slices.ContainsFunc(canceled, func(c export.CanceledInput) bool { return c.SessionID == e.SessionID }) {
				kept++
			}
		}
		fmt.Fprintf(stderr, "stmotion analyze: %s\n", interruptedMessage(&cfg, canceled, hive, summaryState{tried: summarise, wrote: wrote, kept: kept, moved: rewritten}))
	}
	if cfg.overwrite && len(inputs) > 0 && analysed == 0 {
		fmt.Fprintf(stderr, "stmotion analyze: --overwrite: no input was analysed, so what earlier runs wrote to %s stays (but for the failed sessions' own outputs)\n", cfg.out)
	}
	if !cfg.quiet {
		for i := range sums[:analysed] {
			writeReport(stdout, &sums[i])
		}
	}
	if outErr != nil {
		fmt.Fprintf(stderr, "stmotion analyze: error: %v\n", outErr)
	}
	fmt.Fprintf(stdout, "%d of %d inputs analysed into %s%s%s\n", analysed, total, cfg.out, failedList(failed), canceledCount(canceled))
	if len(failed) > 0 || len(canceled) > 0 || outErr != nil || interrupted {
		return exitError{code: 1}
	}
	return nil
}

// cutReplacement is, with --add, the warning for an input analysed as
// sum whose recording is cut short (quality.truncated) and which replaced
// a session of the dataset (earlier, its tables there: present) read
// whole: one from the same source (a recording since cut, by a copy
// interrupted over it), or a stream, which is not read through before
// (checkSharedIDs refuses a cut copy from another source). "" otherwise.
func cutReplacement(cfg *analyzeConfig, in input, sum export.SessionSummary, earlier []export.SessionSummary, present func(string) bool) string {
	if !cfg.add || !sum.Quality.Truncated {
		return ""
	}
	i := slices.IndexFunc(earlier, func(e export.SessionSummary) bool {
		return e.SessionID == in.sessionID && present(e.SessionID) && !e.Quality.Truncated
	})
	if i < 0 {
		return ""
	}
	e := earlier[i]
	return fmt.Sprintf("--add: %s: its recording is cut short (quality.truncated), and replaced session %s in %s, from %s, whose recording was read whole (%d messages then, %d now)", in.path, e.SessionID, cfg.out, e.Source, e.Quality.Messages, sum.Quality.Messages)
}

// keptEntries returns the entries of the earlier summary.json (earlier)
// of the sessions an interrupted run did not analyse (not among done, or
// canceled there) whose tables are still under out, each marked
// EarlierRun: the run leaves those tables in place, and its summary.json
// must not read as if they were gone. Failed sessions lose their tables
// (OutDir.Tidy), so their entries go.
func keptEntries(out string, earlier []export.SessionSummary, done []export.SessionFiles) ([]export.SessionSummary, error) {
	if len(earlier) == 0 {
		return nil, nil
	}
	o, err := export.FindOutputs(out)
	if err != nil {
		return nil, fmt.Errorf("analyze: --out: %w", err)
	}
	var kept []export.SessionSummary
	for _, e := range earlier {
		ran := slices.ContainsFunc(done, func(s export.SessionFiles) bool { return s.SessionID == e.SessionID && !s.Canceled })
		there := slices.Contains(o.Sessions, e.SessionID) || len(o.Flat) > 0 && o.FlatSession == e.SessionID
		if !ran && there {
			e.EarlierRun = true
			kept = append(kept, e)
		}
	}
	return kept, nil
}

// presentSessions reports, for a run adding to the dataset under out,
// whether a session's tables are there (export.AddSummary drops the
// entries of the others). When that cannot be told, every session is
// taken to be there, and the error is returned.
func presentSessions(out string) (func(id string) bool, error) {
	o, err := export.FindOutputs(out)
	if err != nil {
		return func(string) bool { return true }, fmt.Errorf("analyze: --out: %w", err)
	}
	return func(id string) bool {
		return slices.Contains(o.Sessions, id) || len(o.Flat) > 0 && o.FlatSession == id
	}, nil
}

// unlistedWarning is the warning of a run that leaves sessions under out
// that no summary.json entry describes (export.FindUnlisted): which, where
// their partitions are, why, and what to do; listed says summary.json was
// written, listing them under unlisted.
func unlistedWarning(out string, us []export.UnlistedSession, listed bool) string {
	ids := make([]string, len(us))
	tables, images := false, false
	for i, u := range us {
		ids[i] = u.SessionID
		tables = tables || len(u.Tables) > 0
		images = images || len(u.Images) > 0
	}
	var what, dirs []string
	part := export.SessionColumn + "=<id>"
	if len(us) == 1 {
		part = export.PartitionDir(ids[0])
	}
	if tables {
		what, dirs = append(what, "tables"), append(dirs, "<table>/"+part+"/")
	}
	if images {
		what, dirs = append(what, "images"), append(dirs, export.ImagesDir+"/"+part+"/")
	}
	it, its := "them", "their games"
	if len(us) == 1 {
		it, its = "it", "its game"
	}
	msg := fmt.Sprintf("--out %s holds the %s of %s (%s), which no summary.json entry describes (a run killed before it wrote summary.json, or summary.json moved away) but readers of the dataset read", out, strings.Join(what, " and "), sessionList(ids), strings.Join(dirs, " and "))
	if listed {
		msg += ": summary.json lists " + it + " under unlisted, without figures"
	}
	return msg + "; add " + its + " again to describe " + it + ", or remove those directories"
}

// gridWarning is the warning of a run adding sessions (run, this run's
// entries) to a dataset whose other sessions (earlier's entries, those
// not ran and present) were analysed on another grid period: the one
// figure-changing setting summary.json records (quality.grid_period_ms,
// set by --hz or the feed's rate); "" when they agree. --cell,
// --live-only and --fold are not recorded: nothing tells whether they
// differ.
func gridWarning(cfg *analyzeConfig, run, earlier []export.SessionSummary, ran, present func(string) bool) string {
	periods := func(ss []export.SessionSummary, keep func(export.SessionSummary) bool) []int64 {
		var ps []int64
		for _, s := range ss {
			if p := s.Quality.GridPeriod_ms; p > 0 && keep(s) && !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		slices.Sort(ps)
		return ps
	}
	mine := periods(run, func(export.SessionSummary) bool { return true })
	others := periods(earlier, func(s export.SessionSummary) bool { return !ran(s.SessionID) && present(s.SessionID) })
	if len(mine) == 0 || len(others) == 0 || !slices.ContainsFunc(mine, func(p int64) bool { return !slices.Contains(others, p) }) {
		return ""
	}
	ms := func(ps []int64) string {
		var s []string
		for _, p := range ps {
			s = append(s, fmt.Sprint(p))
		}
		return strings.Join(s, ", ") + " ms"
	}
	hz := fmt.Sprintf("--hz %g", cfg.hz)
	if cfg.hz == 0 {
		hz = "--hz 0, the feed's rate"
	}
	return fmt.Sprintf("--add: --hz: this run's sessions have a %s grid (%s), the dataset's other sessions %s (quality.grid_period_ms): their samples and figures are not on one grid", ms(mine), hz, ms(others))
}

// sessionList names sessions in a message: "session a", "sessions a, b
// and c", "sessions a, b, c and 2 more".
func sessionList(ids []string) string {
	if len(ids) == 1 {
		return "session " + ids[0]
	}
	list := strings.Join(ids[:min(len(ids), 3)], ", ")
	if len(ids) > 3 {
		return fmt.Sprintf("sessions %s and %d more", list, len(ids)-3)
	}
	if i := strings.LastIndex(list, ", "); i >= 0 {
		list = list[:i] + " and " + list[i+2:]
	}
	return "sessions " + list
}

// summaryState is what became of summary.json in an interrupted run:
// whether it was to be written (tried), was written, how many earlier
// entries of the canceled sessions it kept (keptEntries), and the session
// whose entry the move of one-session outputs into the Hive layout
// rewrote (MoveFlat, with --add; "" when none), which a run that writes
// no summary.json of its own has changed all the same.
type summaryState struct {
	tried, wrote bool
	kept         int
	moved        string
}

// interruptedMessage says what an interrupted run left: which inputs it
// did not analyse, that their earlier outputs stay, and what summary.json
// says of them, as it happened.
func interruptedMessage(cfg *analyzeConfig, canceled []export.CanceledInput, hive bool, sum summaryState) string {
	var names []string
	for _, c := range canceled[:min(len(canceled), 3)] {
		names = append(names, c.Source)
	}
	list := strings.Join(names, ", ")
	if len(canceled) > 3 {
		list += fmt.Sprintf(" and %d more", len(canceled)-3)
	}
	msg := "interrupted"
	if len(canceled) > 0 {
		them, their := "them", "their sessions"
		if len(canceled) == 1 {
			them, their = "it", "its session"
		}
		msg += fmt.Sprintf(": %s not analysed (%s); what earlier runs wrote for %s under %s is left in place", plural(len(canceled), "input"), list, them, cfg.out)
		switch {
		case !hive:
			// One input: no summary.json is written for it.
		case sum.wrote:
			msg += ", and summary.json lists " + them + " under canceled"
			switch {
			case sum.kept == len(canceled):
				msg += ", the earlier entries of " + their + " kept in sessions[] with earlier_run"
			case sum.kept > 0:
				msg += fmt.Sprintf(", the earlier entries of %d of their sessions kept in sessions[] with earlier_run (the others had none there)", sum.kept)
			default:
				msg += " (the earlier summary.json had no entry of " + their + " to keep)"
			}
		case sum.tried:
			msg += ", but summary.json could not be written (the error below)"
		case sum.moved != "":
			msg += fmt.Sprintf(", and so is summary.json as the move of session %s into the Hive layout rewrote it (its entry's paths; no input was analysed or failed)", sum.moved)
		default:
			if _, err := os.Stat(filepath.Join(cfg.out, export.SummaryFile)); err == nil {
				msg += ", and so is summary.json, not rewritten as no input was analysed or failed"
			} else {
				msg += "; no summary.json was written, as no input was analysed or failed"
			}
		}
	}
	if cfg.overwrite {
		msg += "; --overwrite removed no other session's outputs"
	}
	return msg
}

// maxListedFailures is how many failed inputs the last line of analyze
// names; with more, it counts them.
const maxListedFailures = 3

// failedList is what the last line of analyze says of the failed inputs:
// "; 2 failed: a, b", or with more than maxListedFailures, "; 9 failed
// (the error: lines on stderr)"; "" when none failed.
func failedList(failed []export.FailedInput) string {
	if len(failed) == 0 {
		return ""
	}
	if len(failed) > maxListedFailures {
		return fmt.Sprintf("; %d failed (the error: lines on stderr)", len(failed))
	}
	names := make([]string, len(failed))
	for i, f := range failed {
		names[i] = f.Source
	}
	return fmt.Sprintf("; %d failed: %s", len(failed), strings.Join(names, ", "))
}

// canceledCount is what the last line of analyze says of the inputs an
// interrupt cut short or left unstarted: "; 2 canceled", or "".
func canceledCount(canceled []export.CanceledInput) string {
	if len(canceled) == 0 {
		return ""
	}
	return fmt.Sprintf("; %d canceled", len(canceled))
}

// checkCell is the check of a --cell flag (analyze's, and live's, which
// is "as analyze's --cell"): the heatmaps' own bounds, refused here
// rather than held to.
func checkCell(cell_m float64) error {
	if !(cell_m >= heatmap.MinCell_m && cell_m <= heatmap.MaxCell_m) {
		return fmt.Errorf("--cell %g: want a size from %g to %g m", cell_m, heatmap.MinCell_m, heatmap.MaxCell_m)
	}
	return nil
}

// minBatchRows and maxBatchRows bound --batch-rows. Each row group costs
// its pages' headers, statistics and a footer entry, and a reader's work
// per group: on a 3-minute game (synth --minutes 3) the samples table was
// 200 MB, 52 s and 2.4 GB of memory at one row a group, 2.7 MB and 0.12 s
// at 1024 rows, 2.2 MB at the default (export.DefaultBatchRows). The
// samples table holds two buffers of that many rows, 55 bytes a row: at
// the top, 230 MB.
const minBatchRows, maxBatchRows = 1 << 10, 1 << 21

// minRate_Hz and maxRate_Hz bound --hz as the engine does:
// track.Config.Rate_Hz above 1000 Hz is an invalid config, which failed
// every input one by one, and below 1 Hz the grid period is clamped to
// 1000 ms (track/estimate.go, maxPeriod_ms), so a slower rate was silently
// run at 1 Hz. TestGridRateBounds checks these against the engine.
const minRate_Hz, maxRate_Hz float64 = 1, 1000

// checkGridRate is the check of an --hz flag (analyze's, and live's, which
// is "as analyze's --hz"): 0 (the feed's rate) or a rate the engine runs.
func checkGridRate(hz float64) error {
	if !(hz == 0 || hz >= minRate_Hz && hz <= maxRate_Hz) {
		return fmt.Errorf("--hz %g: want a rate from %g to %g Hz, or 0 for the feed's own", hz, minRate_Hz, maxRate_Hz)
	}
	return nil
}

// readCourtFlag reads and checks the court.json of command's --court
// (nil when path is ""): a court that cannot be used fails the command
// once, before any work.
func readCourtFlag(command, path string, mirrored bool) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := decode.ReadCourt(path)
	if err != nil {
		return nil, fmt.Errorf("%s: --court: %w", command, err)
	}
	if _, err := court.Parse(data, court.Options{AllowMirrored: mirrored}); err != nil {
		return nil, courtError(fmt.Errorf("%s: --court %s: %w", command, path, err))
	}
	return data, nil
}

// readRosterFlag reads the roster file of command's --roster (nil when
// path is "").
func readRosterFlag(command, path string) (*decode.Subscribe, error) {
	if path == "" {
		return nil, nil
	}
	sub, err := decode.ReadRoster(path)
	if err != nil {
		return nil, fmt.Errorf("%s: --roster: %w", command, err)
	}
	return sub, nil
}

// checkWritable checks that files can be created in dir (a directory),
// by creating one and removing it: a read-only --out (its mode, a
// read-only mount; root passes any mode check) otherwise failed every
// input alike, one line each, none naming the cause.
func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".stmotion-write-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// setupError reports err (which starts "analyze: ") on stderr and returns
// exit status 2: the command line could not be carried out, before any
// input was analysed (see the usage's last paragraph).
func setupError(stderr io.Writer, err error) error {
	fmt.Fprintf(stderr, "stmotion %v\n", err)
	return exitError{code: 2}
}

// usageError reports err as "stmotion <command>: err" followed by a line
// pointing at -h (not the whole usage, which scrolled err out of sight),
// and returns exit status 2.
func usageError(fs *flag.FlagSet, err error) error {
	fmt.Fprintf(fs.Output(), "stmotion %s: %v\n%s\n", fs.Name(), err, helpHint(fs))
	return exitError{code: 2}
}

// input is one session to analyse.
type input struct {
	path      string // as found: bundle directory or recording file
	source    string // what to call it in summary.json and the report, if not path
	sessionID string
	bundle    *decode.Bundle
	// openErr: the input could not be opened (decode.OpenBundle), but
	// what was read names its session, whose earlier outputs the run
	// then removes as any failed session's.
	openErr error
	// broken: its recording was read through before ids were given
	// (checkSharedIDs), and cannot be analysed: assignSessionIDs orders
	// it with the failed ones. Its analysis fails, and says why.
	broken bool
	// cut: its recording was read through so (checkSharedIDs), and its
	// compressed stream breaks before its end (quality.truncated): it can
	// be analysed, up to the break, and assignSessionIDs orders it after
	// the complete ones.
	cut bool
}

// sampleSource names the built-in sample, which lives in a temporary
// directory only while analyze runs.
const sampleSource = "built-in sample (synth.SampleConfig)"

// planInputs expands the arguments into inputs with unique session ids.
// An argument that cannot be expanded or opened is a failed input; the
// others go on. A path met again (the same cleaned absolute path, given
// twice or also found under a directory given), or whose recording is one
// already met (os.SameFile: a symbolic link, a bundle beside its own
// messages file), is analysed once, with a warning: twice, it would put
// the same game in the dataset twice. Of the same recording met twice,
// the one kept does not depend on the order of the arguments or of a
// search (preferred): the bundle, not its bare messages file, which
// would lose its session id, court and roster.
//
// Session ids come from the inputs (pipeline.SessionID) and may repeat:
// assignSessionIDs makes them unique, once the courts are checked.
func planInputs(args []string) (ins []input, failed []export.FailedInput, warnings []string) {
	given := map[string]string{} // cleaned absolute path → as first met
	var recs []fs.FileInfo       // the recordings met, to find one met again under another path
	var recIns []int             // the index in ins of the input each of recs is read for
	for _, a := range args {
		paths, unsearched, err := decode.FindBundles(a)
		if err != nil {
			failed = append(failed, export.FailedInput{Source: a, SourcePath: sourcePath(a), Error: err.Error()})
			continue
		}
		// A directory under a that cannot be searched is an input that
		// failed, as a recording there that cannot be read is; the
		// others go on. What it holds is not known: it has no session
		// id, as an argument that cannot be searched has none.
		for _, u := range unsearched {
			failed = append(failed, export.FailedInput{Source: u.Dir, SourcePath: sourcePath(u.Dir), Error: u.Error()})
		}
		for _, p := range paths {
			key := absPath(p)
			if first, ok := given[key]; ok {
				if first == p {
					warnings = append(warnings, fmt.Sprintf("%s: given more than once: analysed once", p))
				} else {
					warnings = append(warnings, fmt.Sprintf("%s: given more than once (first as %s): analysed once", p, first))
				}
				continue
			}
			given[key] = p
			b, err := decode.OpenBundle(p)
			if b == nil {
				failed = append(failed, export.FailedInput{Source: p, SourcePath: sourcePath(p), Error: err.Error()})
				continue
			}
			in := input{path: p, sessionID: pipeline.SessionID(b), bundle: b, openErr: err}
			// The same recording under another name: a symbolic link,
			// or a bundle given beside its own messages file.
			if fi, serr := os.Stat(b.MessagesPath); serr == nil && b.MessagesPath != decode.Stdin {
				if first := slices.IndexFunc(recs, func(r fs.FileInfo) bool { return os.SameFile(r, fi) }); first >= 0 {
					j := recIns[first]
					kept, dropped := ins[j], in
					if preferred(in, ins[j]) {
						kept, dropped = in, ins[j]
						ins[j] = in
					}
					msg := fmt.Sprintf("%s: the same recording as %s: analysed once", dropped.path, kept.path)
					if kept.bundle.Dir != "" && dropped.bundle.Dir == "" {
						msg += ", as the bundle"
					}
					warnings = append(warnings, msg)
					continue
				}
				recs, recIns = append(recs, fi), append(recIns, len(ins))
			}
			ins = append(ins, in)
		}
	}
	return ins, failed, warnings
}

// absPath is p's cleaned absolute form, by which analyze compares and
// orders its inputs (decode.Stdin stays as it is).
func absPath(p string) string {
	if p != decode.Stdin {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	return p
}

// preferred reports whether a is kept rather than b when both are the
// same recording (planInputs), whatever the order they were met in: a
// bundle, whose live.json, court and roster go with the recording, over
// a bare recording, which has none of them (a bundle beside its own
// messages file, a link to the file and one to the directory); between
// two of a kind, the first by cleaned absolute path.
func preferred(a, b input) bool {
	if ab, bb := a.bundle.Dir != "", b.bundle.Dir != ""; ab != bb {
		return ab
	}
	return absPath(a.path) < absPath(b.path)
}

// adoptEarlierIDs gives each input that could not be opened, and whose
// session id is therefore its name rather than the live id of its
// live.json (pipeline.SessionID; a live.json that does not parse), the
// session id the earlier summary.json (its sessions, earlier) gave the
// same source, if it gave one that no other input of the run has as its
// own (before assignSessionIDs, which then gives no other input it). That
// is the session whose outputs the input wrote then: as a failed session
// it loses them, instead of their refusing the whole run as another
// session's partitions.
func adoptEarlierIDs(ins []input, earlier []export.SessionSummary) {
	taken := func(id string, self int) bool {
		for i, in := range ins {
			if i != self && strings.EqualFold(in.sessionID, id) {
				return true
			}
		}
		return false
	}
	for i := range ins {
		in := &ins[i]
		if in.openErr == nil || in.bundle.Live != nil {
			continue
		}
		for _, e := range earlier {
			if e.SessionID != "" && e.SessionID != in.sessionID && filepath.Clean(e.Source) == filepath.Clean(in.path) && !taken(e.SessionID, i) {
				in.sessionID = e.SessionID
				break
			}
		}
	}
}

// sourceName is what summary.json calls in (SessionSummary.Source).
func sourceName(in input) string {
	if in.source != "" {
		return in.source
	}
	return in.path
}

// sourcePath is SessionSummary.SourcePath of an input at path: its
// absolute path, "" for standard input.
func sourcePath(path string) string {
	if path == decode.Stdin {
		return ""
	}
	return absPath(path)
}

// earlierSource is where an earlier run's input (a summary.json entry's
// source and source_path) is, as an absolute path, and whether that is
// known: an entry without source_path (written before it existed) is
// known only when its source is absolute, as a relative one was relative
// to a working directory nobody recorded.
func earlierSource(source, sourcePath string) (string, bool) {
	switch {
	case sourcePath != "":
		return sourcePath, true
	case filepath.IsAbs(source):
		return filepath.Clean(source), true
	}
	return "", false
}

// sameRecording reports whether source, an earlier run's input (an
// absolute path, earlierSource), is in's recording: the same path, or the
// same file (os.SameFile) as the recording, or as the messages file of a
// bundle at source (a bundle and its own messages file, a link).
func sameRecording(source string, in input) bool {
	if in.source != "" || in.path == decode.Stdin {
		return false // the built-in sample, standard input: no path to compare
	}
	if source == absPath(in.path) {
		return true
	}
	if in.bundle == nil || in.bundle.MessagesPath == "" || in.bundle.MessagesPath == decode.Stdin {
		return false
	}
	rec, err := os.Stat(in.bundle.MessagesPath)
	if err != nil {
		return false
	}
	fi, err := os.Stat(source)
	if err != nil {
		return false
	}
	if !fi.IsDir() {
		return os.SameFile(fi, rec)
	}
	for _, ext := range []string{"", ".gz", ".zst"} {
		if m, err := os.Stat(filepath.Join(source, decode.BundleMessages+ext)); err == nil && os.SameFile(m, rec) {
			return true
		}
	}
	return false
}

// isBundleSource reports whether an earlier run's source is a bundle
// directory (not a bare recording).
func isBundleSource(source string) bool {
	fi, err := os.Stat(source)
	return err == nil && fi.IsDir()
}

// dropBundled removes from ins, with --add, the bare recordings whose
// bundle is a session of the dataset already (earlier, its tables there:
// present): analysed as bare files they would be the game a second time,
// without its live id, court and roster, as planInputs analyses a bundle
// given beside its own messages file once, as the bundle. It returns the
// inputs kept and a warning for each dropped.
func dropBundled(ins []input, earlier []export.SessionSummary, present func(string) bool, out string) (kept []input, warnings []string) {
	for _, in := range ins {
		bare := in.bundle != nil && in.bundle.Dir == "" && in.openErr == nil
		i := slices.IndexFunc(earlier, func(e export.SessionSummary) bool {
			src, ok := earlierSource(e.Source, e.SourcePath)
			return bare && ok && isBundleSource(src) && present(e.SessionID) && sameRecording(src, in)
		})
		if i < 0 {
			kept = append(kept, in)
			continue
		}
		e := earlier[i]
		warnings = append(warnings, fmt.Sprintf("%s: the same recording as %s, session %s in %s: not analysed, as the bundle is there (add %s again to analyse it again)", in.path, e.Source, e.SessionID, out, e.Source))
	}
	return kept, warnings
}

// sameSource reports whether an earlier entry's input (source,
// sourcePath) may be in's: the same recording, or a source whose place
// is not known (an entry written before source_path existed, with a
// relative source), of which nothing is said. It is false only when
// both places are known and differ.
func sameSource(source, sourcePath string, in input) bool {
	src, ok := earlierSource(source, sourcePath)
	if !ok || in.source != "" || in.path == decode.Stdin {
		return source == sourceName(in)
	}
	return sameRecording(src, in)
}

// compareEarlier compares, with --add, each input (its session id given)
// with the dataset's sessions (earlier), whose entries name their sources:
//
//   - an input whose id is that of an earlier session (or failed entry)
//     from another source replaces it, as the same game added again (a
//     recording mended, or moved): ids decide. Two different games with
//     one id (two bare recordings both named messages.jsonl) would
//     replace each other: a warning names both sources and what to do.
//   - an input whose recording is that of an earlier session under
//     another id (its bare file then, its bundle now; dropBundled drops
//     the reverse), which no input of the run has, replaces it once
//     analysed: replaces maps the input to that session, whose outputs
//     and entry the run removes.
func compareEarlier(ins []input, earlier export.MultiSummary, present func(string) bool, out string) (replaces map[int]export.SessionSummary, warnings []string) {
	ours := func(id string) bool {
		return slices.ContainsFunc(ins, func(in input) bool { return in.sessionID == id })
	}
	for i, in := range ins {
		if j := slices.IndexFunc(earlier.Sessions, func(e export.SessionSummary) bool { return e.SessionID == in.sessionID }); j >= 0 {
			if e := earlier.Sessions[j]; !sameSource(e.Source, e.SourcePath, in) {
				warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s: replaced, as the same game added again (two different games need distinct names: rename one, and add it again)", in.path, in.sessionID, out, e.Source))
			}
		} else if j := slices.IndexFunc(earlier.Failed, func(f export.FailedInput) bool { return f.SessionID == in.sessionID }); j >= 0 {
			if f := earlier.Failed[j]; !sameSource(f.Source, f.SourcePath, in) {
				warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s, which failed there: its failed entry replaced, as the same game added again (two different games need distinct names: rename one, and add it again)", in.path, in.sessionID, out, f.Source))
			}
		}
		if in.openErr != nil {
			continue
		}
		for _, e := range earlier.Sessions {
			if src, ok := earlierSource(e.Source, e.SourcePath); ok && e.SessionID != in.sessionID && !ours(e.SessionID) && present(e.SessionID) && sameRecording(src, in) {
				if replaces == nil {
					replaces = map[int]export.SessionSummary{}
				}
				replaces[i] = e
				break
			}
		}
	}
	return replaces, warnings
}

// checkSharedIDs reads through, before session ids are given, the
// recordings of the inputs that would otherwise take an id from one that
// can be analysed (pipeline.Check): those whose id (ids that differ only
// in case are one) two or more inputs that could be opened share, and
// those for which held names another source whose session has the id
// (with --add: a session under --out, from another recording). One that
// cannot be analysed is marked broken, so that assignSessionIDs gives the
// id to one that can be (its analysis then fails as it would have, with
// its warnings), and one cut short (quality.truncated) is marked cut, so
// that a complete copy takes the id before it; one whose id held names
// leaves ins for failed, without a session id (its failure removes
// nothing), and with a warning, when it cannot be analysed (with Check's
// error, the error its analysis would give) or is cut short while the
// session there was read whole: the session there is not replaced by a
// broken copy, nor by less of the game. A stream (standard input, a
// named pipe) is not read twice: it is taken as one that can be
// analysed. Inputs are read jobs at a time; one an interrupt cuts short
// is left as it was.
func checkSharedIDs(ctx context.Context, ins []input, failed []export.FailedInput, warnings []string, cfg *analyzeConfig, held func(input) (export.SessionSummary, bool)) ([]input, []export.FailedInput, []string) {
	openable := map[string]int{}
	for _, in := range ins {
		if in.openErr == nil {
			openable[strings.ToLower(in.sessionID)]++
		}
	}
	var check []int
	for i, in := range ins {
		if in.openErr != nil || in.bundle.Stream != nil {
			continue
		}
		if _, h := held(in); h || openable[strings.ToLower(in.sessionID)] > 1 {
			check = append(check, i)
		}
	}
	errs := make([]error, len(check))
	cut := make([]bool, len(check))
	runJobs(ctx, cfg.jobs, len(check), func(k int) {
		cut[k], errs[k] = pipeline.Check(ctx, ins[check[k]].bundle, cfg.options(false))
	})
	drop := map[int]bool{}
	for k, i := range check {
		in, err := &ins[i], errs[k]
		if errors.Is(err, pipeline.ErrCanceled) || err == nil && !cut[k] {
			continue
		}
		e, h := held(*in)
		switch {
		case h && err != nil:
			warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s, which stays: %s cannot be analysed (the error below), and takes no session id", in.path, in.sessionID, cfg.out, e.Source, in.path))
			failed = append(failed, export.FailedInput{Source: in.path, SourcePath: sourcePath(in.path), Error: err.Error()})
			drop[i] = true
		case h && !e.Quality.Truncated:
			warnings = append(warnings, fmt.Sprintf("%s: session id %s already used in %s by %s, which stays: %s is cut short (the error below), and takes no session id", in.path, in.sessionID, cfg.out, e.Source, in.path))
			failed = append(failed, export.FailedInput{Source: in.path, SourcePath: sourcePath(in.path), Error: fmt.Sprintf("%s: its compressed stream breaks before the end of the file (quality.truncated), while session %s in %s, from %s, was read whole: not added, as it would replace the game with less of it", in.bundle.MessagesPath, in.sessionID, cfg.out, e.Source)})
			drop[i] = true
		case err != nil:
			in.broken = true
		default:
			in.cut = true
		}
	}
	if len(drop) > 0 {
		kept := ins[:0:0]
		for i, in := range ins {
			if !drop[i] {
				kept = append(kept, in)
			}
		}
		ins = kept
	}
	return ins, failed, warnings
}

// assignSessionIDs makes the session ids of ins unique
// (pipeline.UniqueSessionIDs), in an order that does not depend on the
// arguments': the inputs that can be analysed first, then those cut short
// (cut), then those that failed already (openErr) or will (broken), each
// group by its cleaned absolute path (standard input, "-", first). So an
// id's plain form goes to the same input whatever the order of the
// arguments, and not to a broken or cut copy of a game beside the good
// one. It returns a warning for each input
// renamed, failed already or not: a failed one's id names the session
// whose earlier outputs the run removes, and its failed[] entry.
func assignSessionIDs(ins []input) (warnings []string) {
	keys := make([]string, len(ins))
	for i, in := range ins {
		keys[i] = absPath(in.path)
	}
	order := make([]int, len(ins))
	for i := range order {
		order[i] = i
	}
	rank := func(in input) int {
		switch {
		case in.openErr != nil || in.broken:
			return 2
		case in.cut:
			return 1
		}
		return 0
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := cmp.Compare(rank(ins[a]), rank(ins[b])); c != 0 {
			return c
		}
		return strings.Compare(keys[a], keys[b])
	})
	ids := make([]string, len(ins))
	for k, i := range order {
		ids[k] = ins[i].sessionID
	}
	owner := map[string]int{} // an id as UniqueSessionIDs compares them → the input that keeps it
	for k, id := range pipeline.UniqueSessionIDs(ids) {
		in := &ins[order[k]]
		key := strings.ToLower(in.sessionID)
		first, ok := owner[key]
		if !ok {
			owner[key] = order[k]
		}
		if ok {
			by := ins[first].path
			if ins[first].sessionID != in.sessionID {
				by += " (as " + ins[first].sessionID + ": ids that differ only in case are one)"
			}
			msg := fmt.Sprintf("%s: session id %s already used by %s: written as %s", in.path, in.sessionID, by, id)
			if in.cut && !ins[first].cut {
				msg += fmt.Sprintf(", as its recording is cut short (quality.truncated) and %s's is not", ins[first].path)
			}
			warnings = append(warnings, msg)
		}
		in.sessionID = id
	}
	return warnings
}

// analyzeResult is what one input gave.
type analyzeResult struct {
	summary  export.SessionSummary
	rows     int64    // samples rows written
	files    []string // the tables and images written, under --out
	warnings []string
	err      error
}

// analyzeInput runs one input through decode → engine → tables. Its
// errors name the file, and the line when one is to blame. On failure no
// table of the input is left on disk.
func analyzeInput(ctx context.Context, in input, cfg *analyzeConfig, hive bool) (res analyzeResult) {
	if in.openErr != nil {
		res.err = in.openErr
		return res
	}
	if ctx.Err() != nil {
		// Interrupted before this input began: nothing is opened or
		// written for it.
		res.err = fmt.Errorf("%s: %w", in.path, pipeline.ErrCanceled)
		return res
	}
	r, err := pipeline.Open(in.bundle, in.sessionID, cfg.options(hive))
	if err != nil {
		res.err = canceledError(in, courtError(err))
		return res
	}
	sum, err := r.Do(ctx)
	res.warnings = r.Warnings()
	if err != nil {
		res.err = canceledError(in, err)
		return res
	}
	res.summary = export.Summarize(sum)
	res.summary.Source = in.path
	if in.source != "" {
		res.summary.Source = in.source
	} else {
		res.summary.SourcePath = sourcePath(in.path)
	}
	res.summary.SetTables(cfg.out, r.Writer())
	res.files = append(res.files, r.Writer().Paths()...)
	res.rows = r.Writer().Rows(export.TableSamples)
	if cfg.images {
		dir := export.ImageDir(cfg.out, in.sessionID, hive)
		files, err := pipeline.RenderImages(dir, sum, r.Shots(), r.Template(), cfg.cell_m, cfg.fold, cfg.fsync)
		if err != nil {
			res.warnings = append(res.warnings, fmt.Sprintf("%s: images: %v", in.path, err))
		}
		if why := r.NoShotChartReason(); why != "" {
			res.warnings = append(res.warnings, why)
		}
		res.files = append(res.files, files...)
		res.summary.SetImages(cfg.out, files)
	}
	return res
}

// courtError is err in the flags' words: a court check that a setting
// relaxes (corners that run counterclockwise, court.CheckError.Option)
// names the flag that sets it, --allow-mirrored, not the Go option
// (Options.AllowMirrored) a command-line user has no use for. The error
// keeps its chain for errors.Is and As.
func courtError(err error) error {
	var ce *court.CheckError
	if !errors.As(err, &ce) || !errors.Is(ce.Err, court.ErrMirrored) {
		return err
	}
	flagged := *ce
	flagged.Option = "--allow-mirrored"
	msg := err.Error()
	if !strings.Contains(msg, ce.Error()) { // a wrapper that did not quote it
		return fmt.Errorf("%w (%s accepts it)", err, flagged.Option)
	}
	return &rewordedError{msg: strings.Replace(msg, ce.Error(), flagged.Error(), 1), err: err}
}

// rewordedError is err with another message.
type rewordedError struct {
	msg string
	err error
}

func (e *rewordedError) Error() string { return e.msg }
func (e *rewordedError) Unwrap() error { return e.err }

// canceledError is err, or "<input>: canceled" when err is the end of an
// interrupted read (which may have come while opening the recording, as
// a wrapped read error): one message for every input cut short.
func canceledError(in input, err error) error {
	if errors.Is(err, pipeline.ErrCanceled) {
		return fmt.Errorf("%s: %w", in.path, pipeline.ErrCanceled)
	}
	return err
}

// options are the pipeline settings of the flags.
func (cfg *analyzeConfig) options(hive bool) pipeline.Options {
	return pipeline.Options{
		Out: cfg.out, Format: cfg.format, BatchRows: cfg.batchRows, Hive: hive,
		LiveOnly: cfg.liveOnly, Fold: cfg.fold, Sync: cfg.fsync, Foreground: cfg.foreground,
		Cell_m: cfg.cell_m, Rate_Hz: cfg.hz, Strict: cfg.strict, AllowMirrored: cfg.mirrored,
		MaxLineBytes: cfg.maxLine, Definitions: cfg.defs.definitions(),
	}
}

// runJobs calls do(i) for i in [0, n) on up to jobs goroutines.
func runJobs(ctx context.Context, jobs, n int, do func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				do(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// progress is a progress bar on stderr when stderr is a terminal, and
// nothing otherwise.
type progress struct{ bar *progressbar.ProgressBar }

func newProgress(stderr io.Writer, n int, quiet bool) progress {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) || n < 1 {
		return progress{}
	}
	return progress{bar: progressbar.NewOptions(n,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("analyze"),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100_000_000),
	)}
}

func (p progress) Add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

func (p progress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

// untrackedPlayer reports whether p has nothing measured: no location
// (no distance, raw or filtered, no time on court, no touch) and no DIST
// stat. Such a player is a roster name only; the report lists him in one
// line, summary.json keeps his entry.
func untrackedPlayer(p *export.PlayerSummary) bool {
	return p.Distance_m == 0 && p.RawDistance_m == 0 && p.TimeOnCourt_s == 0 && p.Touches == 0 && p.DistStat_m == 0
}

// limitText says in the report what a summary.json limit (export.Limits)
// makes unreliable.
func limitText(limit string) string {
	switch limit {
	case export.LimitNoRoster:
		return "no roster (--roster): passes and steals, offensive and defensive rebounds are not told apart (events labelled " + track.LabelUnverified + ")"
	case export.LimitPartialRoster:
		return "players not on the roster (quality.unknown_ids): their passes, turnovers and rebounds are not told apart (events labelled " + track.LabelUnverified + "), and team possession misses their possessions"
	case export.LimitNoCourt:
		return "no court (--court): no shots detected from the ball, so missed and made shots read as passes or turnovers (events labelled " + track.LabelUnverified + "), and possession counts the pickup of a made basket; images in the sensor frame"
	case export.LimitOneTeam:
		return "one team on the roster (a practice): its scrimmage sides are not told apart, so passes and steals, offensive and defensive rebounds are not either (events labelled " + track.LabelUnverified + "); no team-level possessions, the team's possession is both sides' together, heatmaps not folded"
	case export.LimitOneTeamTracked:
		return "only one team's players tracked: the other side is not in the feed, so passes and steals, offensive and defensive rebounds are not told apart (events labelled " + track.LabelUnverified + "); no team-level possessions, the team's possession is both sides' together"
	case export.LimitSeveralBalls:
		return fmt.Sprintf("several balls moving on the court at once (%g s of live time or more): possession follows one, so the players with the others have no touches or possession meanwhile, and shooter_agreement counts their shots as disagreements", track.SeveralBallsMin_s)
	}
	return limit
}

// writeReport prints one session's players per team: minutes on court,
// distance, top speed, sprints, possession and the DIST ratio.
func writeReport(w io.Writer, s *export.SessionSummary) {
	fmt.Fprintf(w, "\nsession %s (%s)\n", s.SessionID, s.Source)
	teams := map[int64]string{}
	var order []int64
	for _, t := range s.Teams {
		teams[t.TeamID] = t.Name
		order = append(order, t.TeamID)
	}
	byTeam := map[int64][]export.PlayerSummary{}
	for _, p := range s.Players {
		if _, ok := teams[p.TeamID]; !ok {
			teams[p.TeamID] = ""
			order = append(order, p.TeamID)
		}
		byTeam[p.TeamID] = append(byTeam[p.TeamID], p)
	}
	// Team possession is measured for the roster's teams only, which are
	// summary.json's teams[]; a player's team_id may also come from the
	// feed's stats (track: the box score), as every team of a bare
	// recording's does. Such a team has no possession figure: printing 0
	// would contradict the summary, which has no entry for it.
	// A roster team none of whose players is one of the feed's sensors
	// has no possession measured (its 0 is for want of any: the engine
	// knows a holder's team from the roster only), while its players by
	// the feed's stats may show theirs: say so rather than print 0.
	poss := map[int64]float64{}
	matched := map[int64]bool{}
	for _, t := range s.Teams {
		poss[t.TeamID] = t.Possession_s
		matched[t.TeamID] = t.PlayerSensors > 0
	}
	for _, id := range order {
		ps := byTeam[id]
		if len(ps) == 0 {
			continue
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i].Distance_m > ps[j].Distance_m })
		name := teams[id]
		if name == "" {
			name = fmt.Sprintf("team %d", id)
		}
		p, rostered := poss[id]
		switch {
		case id == 0 && slices.Contains(s.Limits, export.LimitNoRoster):
			fmt.Fprintf(w, "\nplayers (no roster: no teams):\n")
		case id == 0:
			fmt.Fprintf(w, "\nnot on the roster:\n")
		case !rostered:
			fmt.Fprintf(w, "\n%s (from the feed's stats, not on a roster: no team possession):\n", name)
		case !matched[id]:
			fmt.Fprintf(w, "\n%s (the roster matched none of the player sensors: no team possession measured):\n", name)
		case slices.Contains(s.Limits, export.LimitOneTeam):
			// Both sides of a scrimmage are the team: its figure is
			// theirs together, no team's.
			fmt.Fprintf(w, "\n%s: possession %.0f s, both sides together (one team on the roster)\n", name, p)
		case slices.Contains(s.Limits, export.LimitOneTeamTracked):
			// The untracked side's ball time goes to the tracked
			// players near the ball.
			fmt.Fprintf(w, "\n%s: possession %.0f s, both sides together (only one team's players tracked)\n", name, p)
		default:
			fmt.Fprintf(w, "\n%s: possession %.0f s\n", name, p)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		// A roster player who never sent a location (and has no DIST
		// stat) is named in one line: a row of zeros would read as
		// measured.
		var untracked []string
		header := false
		for _, p := range ps {
			player := p.Name
			if player == "" {
				player = fmt.Sprint(p.PlayerID)
			}
			if untrackedPlayer(&p) {
				untracked = append(untracked, player)
				continue
			}
			if !header {
				fmt.Fprintln(tw, "player\tmin\tdist m\ttop m/s\tsprints\tposs s\tDIST ratio\t")
				header = true
			}
			ratio := "-"
			if p.DistRatio > 0 {
				ratio = fmt.Sprintf("%.3f", p.DistRatio)
			}
			fmt.Fprintf(tw, "%s\t%.1f\t%.0f\t%.2f\t%d\t%.1f\t%s\t\n", player, p.TimeOnCourt_s/60, p.Distance_m, p.TopSpeed_mps, p.Sprints, p.Possession_s, ratio)
		}
		tw.Flush()
		if len(untracked) > 0 {
			sort.Strings(untracked)
			fmt.Fprintf(w, "no tracking data (%d): %s\n", len(untracked), strings.Join(untracked, ", "))
		}
	}
	if len(s.Limits) > 0 {
		fmt.Fprintf(w, "\nlimits (summary.json limits: %s):\n", strings.Join(s.Limits, ", "))
		for _, l := range s.Limits {
			fmt.Fprintf(w, "  %s\n", limitText(l))
		}
	}
	q := s.Quality
	repeats := ""
	if q.RepeatedShots+q.RepeatedMarkers > 0 {
		// Only when there are any: a feed without repeats reads as before.
		repeats = fmt.Sprintf(", %d repeated shots, %d repeated markers", q.RepeatedShots, q.RepeatedMarkers)
	}
	fmt.Fprintf(w, "\nquality: %d messages, %d locations, %d bad lines, %d duplicates, %d late, %d gaps, %d teleports, %d outliers, %d unknown ids%s\n",
		q.Messages, q.Locations, q.BadLines, q.Duplicates, q.Late, q.Gaps, q.Teleports, q.Outliers, q.UnknownIDs, repeats)
	if q.GridPeriod_ms > 0 {
		fmt.Fprintf(w, "grid: %d ms (%.4g Hz), sensor noise σ %.0f mm\n", q.GridPeriod_ms, 1000/float64(q.GridPeriod_ms), 1000*q.Noise_m)
	}
}
