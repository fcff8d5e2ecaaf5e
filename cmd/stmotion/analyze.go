package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/stmotion/stmotion/batch"
	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/track/heatmap"
)

func init() {
	register("analyze", "analyse recordings or session bundles into Parquet tables, summary.json and a report", runAnalyze)
}

// analyzeHelp is analyze's -h: the synopsis, then (after the flags)
// the reference.
var analyzeHelp = help{
	usage: `Usage: stmotion analyze [flags] [INPUT...]

Analyses ShotTracker recordings and writes movement analytics: tables
(Parquet, or Arrow IPC with --format arrow), summary.json and heatmap and
shot-chart images under --out, and a short report per team on stdout.
INPUT is a session bundle directory, a bare recording (.jsonl[.gz|.zst];
- is standard input) or a directory searched for both; without INPUT the
built-in sample game is analysed. --add adds the sessions to the dataset
under --out, a season grown game by game. Exit status: 0 every input
analysed, 1 any failed, 2 a bad command line (Details says which).
`,
	details: `INPUT is a session bundle directory (messages.jsonl[.gz|.zst] with live.json,
subscribe.json, court.json, ...), a bare recording (.jsonl, .jsonl.gz,
.jsonl.zst; any file or named pipe is read as a recording, a device is
refused; - reads one from standard input, session id "stdin"), or a
directory searched recursively for both. Flags may come before, between
or after the inputs ("analyze g05 --add --out season"); -- ends the flags,
for an input named like one ("analyze --out season -- -g05.jsonl").
A search takes the bundle directories (not searched further) and the files
named *.jsonl or *.ndjson, optionally with .gz or .zst after, in any case
(GAME2.JSONL.GZ too, as Windows and macOS match names); it skips
entries whose name starts with "." and follows symbolic links, to
directories too (a directory reached again, through another link or a
loop, is searched once). A directory with a live.json but no messages
file is an incomplete bundle: a failed input that says what it lacks.
A directory the search cannot enter (no permission to read it, say) is a
failed input of its own, with its path and why; what is found beside it
is analysed. So is a named pipe (or a socket, a device) the search finds
under a recording's name, and a bundle it finds whose messages file is
one: the search opens regular files only, as a named pipe left in a
directory would wait for a writer that never comes; named as INPUT, a
named pipe (or such a bundle) is read.
A .zst whose frames need a window over 128 MiB (compressed with zstd
--long=28 or more) is a failed input, as zstd -d refuses it without
--long or --memory (the limit bounds the memory an input costs):
decompress it with zstd -d --long=N, as the error says, and give the
plain file or pipe it to -.
A recording is UTF-8 text, plain, gzip or zstd (told apart by its first
bytes); what Windows tools leave in one is read as nothing: CRLF line
ends (as LF), a byte order mark at its start (a Windows editor's) or at
a line's start (files that had one, joined by copy /b a+b), and a
Ctrl-Z that ends it (copy /a's end-of-file mark). One compressed twice
(.jsonl.gz.zst) is read through both. One in UTF-16 (Windows Notepad's
"Unicode", PowerShell 5's >) or a zip archive is a failed input whose
error says so and how to make it readable (iconv -f UTF-16 -t UTF-8,
unzip). So is a JSON file (a bundle's, --court, --roster) in UTF-16,
zipped or compressed; one that is not UTF-8 (a roster saved as
Windows-1252, "ANSI") is read, with a warning naming it: its names read
garbled ("Jos�" for "José"). Every JSON file, the summary.json
under --out too, may start with a byte order mark.
A bare recording has no court and no roster: it stays in the sensor frame,
its players without names or teams, unless --court and --roster give them.
A court's markings (three-point line, lane, shot zones, chart lines) are
its template's: the one --court-template names, else the one its
court.json names ("template": stmotion's own key, which 'stmotion live
--court-template' records in the bundle), else the one its measured size
fits. The NBA, WNBA, NCAA and 94-ft high-school (hs94) courts are all
28.65 x 15.24 m: by size alone such a court is taken for NBA, with one
warning for the run naming the sessions, the other templates of that size
and --court-template. A named template that the court's size does not fit
(fiba on an NBA-sized court) is a bad command line.
--court is every input's court, in place of a bundle's own court.json
(with a warning that names it, and says whether it was valid): the way to
re-analyse a bundle recorded with another court's court.json (analyze
warns of one, summary.json limits off_court: its samples lie off the
court). A bundle's own court.json that is not valid (as the API served
it) is not used: the bundle is analysed in the sensor frame, with a
warning and summary.json limits no_court, as stmotion live ran it.
--roster is the roster of the inputs without one of their own. A court's
hoops only confirm its corners: hoops off their place or rim height are
dropped with a warning, and the court kept; a half court's corners are
refused (court.json gives the whole court's).
A bundle's stats.json and shots.json (the REST state at the join: /stats,
/shots) hold what came before its feed, and are fed before the feed's
first data message (location, stats or shot; not a marker), as 'stmotion
live' feeds a join's: the shots up to that message (the feed delivers the
later ones) and each player's box score, at that message's time: with
the bundle's stats_details.json, with its REST version, those stats
that changed after that message left to the feed; without one (or for
a player it does not date every stat of), with version 0, so that each stats message of the feed replaces its values,
stat by stat (stats.json may be of a later time than the feed's start,
the game's end, whose versions would make every one stale). So a recording joined mid-game keeps the shots and
box scores from before it. Their DIST is the box score's only, no point
or baseline of the DIST check (dist_check): it dates from before that
message. A shot's period is the one at its time. A bundle 'stmotion
live' recorded holds them already (the
lines it made of REST state, marked "stmotion_source", at its join and
at any later one), and so does one of a live id it followed from the
previous one (periods.json): their stats.json and shots.json are not fed
again. The messages made of stats.json and shots.json are counted in
quality.rest_messages, not in quality.messages (the recording's, as
'stmotion inspect' counts them). A
stats_details.json that does not parse, or box scores with no time to
give them (no message has one), are warned of.
Without INPUT the built-in sample game is analysed (a deterministic
simulated game, written for the run to a temporary directory under
$TMPDIR: about 16 MB; a write that fails there fails the run's one
input, exit status 1). Each input is a session, its id the live id of its
live.json or else its name without the extensions (.jsonl, .ndjson,
.json, .gz, .zst, in any case: GAME2.JSONL.GZ is GAME2), in Unicode NFC
(a name macOS wrote, its accents decomposed, NFD, is the id the same name
from Windows gets). Inputs with the same id get <id>-2, <id>-3, ...
(never the id of another input; ids that differ only in case, or in how
their accents are encoded, count as one: Game and game are one directory
on macOS and Windows) in the order of their absolute paths (- first),
whatever the order of the arguments; those whose compressed recording is
cut short (see quality.truncated below; analysed up to the break), and
those whose own court.json is not valid (analysed in the sensor frame),
come after the complete ones; those that fail before analysis (a bundle
that cannot be read, a live.json that is not valid) come last, and so do
those whose recording cannot be analysed (it cannot be opened, its
compressed stream is corrupt, nothing in it decodes; with --strict, a bad
line or a file cut short too): the recordings of the inputs that share an id are
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
                 summary.json with one entry per session in sessions[], in
                 time order (start_ms, the earliest time of the session's
                 data, then the session id)
  tables:        samples players possessions events shots boxscore
                 dist_check heatmaps quality (docs/schema.md)
  images:        images/ (several sessions: images/session_id=<id>/):
                 heatmaps per team, player and ball, shot charts, PNG and SVG:
                 heatmap_team_<team id>, heatmap_player_<player id (sensor)>,
                 heatmap_ball_<id>, shots_all, shots_team_<team id> (.png, .svg;
                 docs/schema.md "images"); each heatmap coloured against its
                 own hottest cell, the legend's "max" in s/cell: compare maps
                 by it, not by colour; PNG titles without accents, other
                 non-ASCII letters as ? (the SVG has the names as given)
                 (shot charts of the feed's shot messages, or when it has
                 none, of the shots detected from the ball, the first
                 10 000 at most, as their titles then say; without a
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
Runs into one --out take turns, with --add or without: each holds a lock
on <out>/.stmotion.lock (flock; the empty file stays) from before it
looks at what --out holds until it has written its summary.json, and a
run started meanwhile says "waiting for another run writing into OUT to
end" and waits, then goes on as if started after it: a run without --add
or --overwrite is then refused for the tables the first one wrote (exit
status 2), as above. Where such locks do not work (Windows, a file
system without flock) run one at a time.

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
replaced, ..."). An id that is a session's there but for case or how its
accents are encoded is that id, as within a run: the input takes the
dataset's spelling and replaces the session, with a warning ("X: session
id game is session Game's in OUT (ids that differ only in case are one):
written as Game"), as two would share their directories on macOS and
Windows. But a broken copy does not replace a game another source
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
and --fold are recorded, summary.json settings, but not compared: use the
same for every game). Runs adding to one --out take turns, as all runs
into one --out do (above).

An interrupted run (Ctrl-C, SIGTERM) removes nothing an earlier run wrote
for the inputs it did not analyse, nor, with --overwrite, for other
sessions; its summary.json (rewritten only when an input was analysed or
failed, or by --add's move into the Hive layout, as the "interrupted:"
line on stderr says) lists those inputs under canceled (not failed) and
keeps the earlier entries of their sessions, marked earlier_run, so that
it still describes every table under --out. Ctrl-C also ends a read
waiting on standard input or a named pipe with nothing coming: that input
is canceled too.

A short report per session, in time order (a practice recorded live, a
session per drill's live id, in the order it was played), its first line
naming the round of the event it is, as live.json names it, and the period
it is in the tables ("session ID (SOURCE): Shooting drill (drill 2),
SHOOTING, period 2"; a recording of several rounds, a whole practice,
lists each with its period, the later ones named by rounds.json; the
break after a drill, which its live id holds, is period 0: its own
distance is its period's entry of distance_period_m, docs/schema.md), then
per team (the roster players without any tracking data
named in one line, not as rows of zeros; for a practice, the minutes on
court in its drills beside all minutes, as players stand on the court in
the breaks between drills, which min, dist m and sprints count, all the
recording holds: a drill's live id holds its drill and the break after
it, and a line under the tables says which; the
figures per drill are in summary.json and the players table, docs/
querying.md), what the session lacked that
makes some events unreliable (summary.json limits: no roster, no court,
samples off the court, one team on the roster in a practice, only one
team's players tracked, several balls in play at once, the game ball unseen
for 30 s or more of live play), the definitions of sprints, accelerations,
speed bands and DIST flags when the flags set them away from the defaults,
and likewise --live-only, --fold and --cell (summary.json settings),
the quality counts, the grid rate and sensor noise the engine ran with and
the court it ran on (summary.json court: its template and how it was
chosen, its size, rotation, corner residual and hoop error, and the
court.json it came from; or none) go to stdout; problems go to stderr, each with its
file (and line for bad lines) first: "stmotion analyze: warning: ..." for
what an analysed input lacks or holds that is odd, and "stmotion analyze:
error: ..." for an input that failed (then nothing is said of the court or
roster it lacks). Text from the input (ids, names, paths) is printed with
its control characters escaped as Go quotes them (\x1b, \r): a bundle
cannot drive the terminal. Lines that do not decode, or are longer than --max-line
(1 MiB by default), are skipped, counted (quality.bad_lines) and reported,
and a compressed recording cut short (its stream breaks at the end of the
file, or where the rest of the file is zero bytes, as a write cut off may
leave it) is analysed up to the break (quality.truncated); --strict fails
the input instead. Zero bytes after a complete compressed stream, or
between its gzip members or zstd frames (padding), are ignored, with a
warning; other data after a complete member or frame fails the input. More than 1 % of
the location samples dropped for their timestamps
(quality.late: a clock that jumped back) is reported too, as are an input
without any location message (stats and shots only) or ball sensor, a
subscribe.json that lists no player (as no roster), a player the roster
lists on more than one team (taken as the last's), a roster that misses
half the player sensors or more, sides the events
cannot tell apart (one team on the roster in a practice, or without
live.json and no player off the roster tracked: every player on it, both
sides of a scrimmage too, said of sides only where live.json or
rounds.json says SCRIMMAGE; or only one team's players tracked), samples
that lie off the court (fewer than 10 % of the players' and of the ball's
in bounds: a court.json of another court), two or more balls
moving on the court at once for 10 s of live time or more (possession
follows one), no player moving while
the clock was live (no LIVE marker, or no location while it was: live-only
figures are 0), and timestamps that look wrong
(before 2000: seconds, not milliseconds; more than 10 % duplicates).
A shot or marker message that repeats an earlier one (a feed replayed
after a reconnect, a recording concatenated twice) is dropped, counted
(quality.repeated_shots, quality.repeated_markers) and reported; with such
repeats, many late samples are reported as a recording that seems to
repeat itself. The check remembers the last 16 384 shots and 4 096
markers (a game has a few hundred): what it forgot beyond them is counted
(quality.repeats_forgotten) and reported. Periods are numbered up to
1 024: a start marker beyond opens none, and is counted
(quality.periods_refused) and reported.
Inputs are independent: a bad one (unreadable, nothing decodable) is
reported and the others still complete. The exit status is
0 when every input was analysed and 1 when any failed or the run was
interrupted (an input --add does not analyse, as its bundle is there, does
not fail); either way the last line of stdout counts every input and says
how many were analysed, and how many failed: "1 of 3 inputs analysed into
OUT; 2 failed: a, b" (named when 3 or fewer; "; 1 not analysed, as its
bundle is there" with --add; "; 1 canceled" after an interrupt).
The status is 1 too when the report or that line cannot be written to
stdout (a full disk, a stdout open read-only, a pipe whose reader has gone:
| head), said on stderr; the tables,
images and summary.json are written all the same.
It is 2, without that line and before any input is analysed or output
written, when the command line cannot be carried out: a bad flag, a
--court or --roster that cannot be used, a --court-template that does not
fit --court's court or an input's own court.json, an --out that cannot be a
directory, where no file can be created (checked once, with a file
created and removed) or that holds tables this run would not replace (see
above), or with --add, of another --format or with a summary.json that
does not parse. A write that fails later fails its input, named: a
table's, or an image's (a read-only or full images/, a path too long for
an image's name), whose session then keeps no tables or images of this
run, as any failed session; but an image failure loses no earlier
analysis: the tables and images an earlier run wrote for the session
stay as they were, and its summary.json entry (earlier_run).
--images=false analyses without drawing any.

` + definitionsHelp,
}

// analyzeConfig is what the flags of analyze decide.
type analyzeConfig struct {
	out      string
	jobs     int
	format   export.Format
	liveOnly bool
	fold     bool
	cell_m   float64
	hz       float64
	defs     definitionFlags
	strict   bool
	maxLine  int // longest recording line read, bytes
	mirrored bool
	// courtTemplate is --court-template: the courts' markings template
	// (pipeline.Options.CourtTemplate); "" by the court.json or its size.
	courtTemplate string
	batchRows     int
	quiet         bool
	fsync         bool
	images        bool
	overwrite     bool
	// add: the run adds its sessions to the dataset under out (Hive
	// layout).
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
		"one team (its players may attack opposite hoops at once, as a scrimmage's sides do; without\n"+
		"live.json, a one-team roster and no player off it tracked) is not folded, with a warning;\n"+
		"a game's one-team roster is folded")
	fs.Float64Var(&cfg.cell_m, "cell", 0.5, fmt.Sprintf("heatmap cell `size` in metres, %g to %g", heatmap.MinCell_m, heatmap.MaxCell_m))
	fs.Float64Var(&cfg.hz, "hz", 0, fmt.Sprintf("output grid `rate` in Hz, %g to %g, the engine's range (0: the feed's median sample rate);\n"+
		"the grid period is 1000/rate ms rounded to whole ms. A rate above the feed's (one --hz for a dataset\n"+
		"of mixed rates) adds rows between its samples, not information: the filter weighs them as the feed's\n"+
		"samples, and the figures stay within a few tenths of a percent of the feed's own grid's", minRate_Hz, maxRate_Hz))
	cfg.defs.register(fs)
	fs.BoolVar(&cfg.strict, "strict", false, "fail an input that has any line that does not decode or is cut short (default: count, report and skip them)")
	fs.IntVar(&cfg.maxLine, "max-line", decode.DefaultMaxLineBytes, fmt.Sprintf("longest recording line read, in `bytes`, 1 to %d; a longer one is a bad line, skipped\n"+
		"and counted (quality.bad_lines), as in inspect", maxLineMax))
	fs.BoolVar(&cfg.mirrored, "allow-mirrored", false, "accept a court.json whose corners ne, se, sw, nw run counterclockwise: the sensor\n"+
		"frame is then taken as left-handed and positions are mirrored into the court frame\n"+
		"(default: such a court is not used, since swapped corners look the same: a --court fails\n"+
		"the command, a bundle's own court.json is analysed in the sensor frame, with a warning)")
	fs.StringVar(&cfg.courtTemplate, "court-template", "", "the courts' markings `template`: "+strings.Join(court.TemplateNames(), ", ")+" (hs: 84 ft, hs94: 94 ft);\n"+
		"nba, wnba, ncaa and hs94 courts are all 28.65 x 15.24 m, which by size alone are taken for\n"+
		"nba (with a warning): name the venue's to get its three-point line, lane and zones. Over\n"+
		"a court.json's own \"template\"; a court whose size it does not fit is refused (exit status 2);\n"+
		"an input without a court is analysed in the sensor frame, with a warning that it is not used")
	fs.StringVar(&cfg.courtPath, "court", "", "court.json `file` (the /court body) for every input: a bare recording's positions\n"+
		"then go into the court frame, and a bundle's own court.json is replaced, with a warning\n"+
		"(one of another court, or not valid; without --court, a bundle whose court.json is not\n"+
		"valid is analysed in the sensor frame, with a warning, as stmotion live ran it)")
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
		"other sessions; one already there is replaced (see \"Adding to a dataset\" under Details)")
	fs.BoolVar(&cfg.fsync, "fsync", false, "fsync every output file before giving it its final name (safe against power loss, slower)")
	fs.Usage = func() { writeHelp(stdout, fs, analyzeHelp) }
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
	if err := checkCourtTemplate(cfg.courtTemplate); err != nil {
		return usageError(fs, err)
	}
	// A --court or --roster that cannot be read, or a court that is not
	// valid, would fail every input without its own: say it once, before
	// any work.
	if cfg.court, err = readCourtFlag("analyze", cfg.courtPath, cfg.mirrored, cfg.courtTemplate); err != nil {
		return setupError(stderr, err)
	}
	if cfg.roster, err = readRosterFlag(stderr, "analyze", cfg.rosterPath); err != nil {
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
		path, remove, err := writeSample(ctx)
		defer remove()
		if err != nil {
			// The sample is the run's input, and writing it failed (a
			// TMPDIR full or read-only): not the command line's fault.
			if ctx.Err() != nil {
				fmt.Fprintln(stderr, "stmotion analyze: interrupted while writing the built-in sample game: nothing analysed or written")
				fmt.Fprintf(stdout, "0 of 1 inputs analysed into %s; 1 canceled\n", cfg.out)
				return exitError{code: 1}
			}
			fmt.Fprintf(stderr, "stmotion analyze: error: %v\n", err)
			fmt.Fprintf(stdout, "0 of 1 inputs analysed into %s; 1 failed: %s\n", cfg.out, sampleSource)
			return exitError{code: 1}
		}
		fmt.Fprintln(stderr, "stmotion analyze: no input given: analysing the built-in sample game")
		args, sample = []string{path}, path
	}

	// The places the run searched, the ids its inputs take, and how they
	// compare with the dataset under --out are batch's; this command says
	// what they come to in its flags' words.
	var prog progress // set once the inputs are known
	bcfg := cfg.batchConfig()
	bcfg.Waiting = func() {
		fmt.Fprintf(stderr, "stmotion analyze: waiting for another run writing into %s to end\n", cfg.out)
	}
	bcfg.InputDone = func(int, *batch.InputResult) { prog.Add(1) }
	plan := batch.PlanInputs(ctx, bcfg, args)
	for i := range plan.Inputs {
		if plan.Inputs[i].Path == sample {
			plan.Inputs[i].Source = sampleSource
		}
	}
	// A --court-template that does not fit an input's own court.json is
	// the command line's mistake, as one that does not fit --court's: said
	// before any work, for every such input.
	if err := templateMisfits(cfg.courtTemplate, plan.Inputs); err != nil {
		return setupError(stderr, err)
	}
	run, err := plan.Prepare(ctx)
	if err != nil {
		var se *batch.SetupError
		if errors.As(err, &se) && se.Stage == batch.StageLock && ctx.Err() != nil {
			fmt.Fprintf(stderr, "stmotion analyze: interrupted while waiting for another run writing into %s: nothing analysed or written\n", cfg.out)
			fmt.Fprintf(stdout, "0 of %d inputs analysed into %s%s; %d canceled\n", len(plan.Inputs)+len(plan.Failed), cfg.out, decode.Printable(failedList(plan.Failed)), len(plan.Inputs))
			return exitError{code: 1}
		}
		return setupError(stderr, cfg.setupText(err, nil))
	}
	defer run.Close()
	warn := func(w string) { fmt.Fprintf(stderr, "stmotion analyze: warning: %s\n", decode.Printable(w)) }
	for _, w := range run.Warnings {
		warn(w)
	}
	err = run.OpenOut()
	// A dataset begun by a run of one input grows: its session's
	// one-session tables and images became its partitions.
	if moved := run.Moved; moved != "" {
		what := "tables"
		if run.MovedImages {
			what = "tables and images"
		}
		fmt.Fprintf(stderr, "stmotion analyze: --add: moved session %s's one-session %s in %s into the Hive layout (<table>/%s/)\n", decode.Printable(moved), what, cfg.out, export.PartitionDir(moved))
	}
	if err != nil {
		return setupError(stderr, cfg.setupText(err, run))
	}
	if run.StaleErr != nil {
		warn(fmt.Sprintf("--out: %v", run.StaleErr))
	}
	if st := run.Stale; st.Files > 0 {
		dirs := ""
		if st.Dirs > 0 {
			dirs = ", and 1 directory that held nothing else"
			if st.Dirs > 1 {
				dirs = fmt.Sprintf(", and %d directories that held nothing else", st.Dirs)
			}
		}
		fmt.Fprintf(stderr, "stmotion analyze: removed from %s %s (%.1f MB) that a run killed while writing left%s\n", cfg.out, plural(st.Files, "temporary file"), float64(st.Bytes)/1e6, dirs)
	}
	prog = newProgress(stderr, len(run.Inputs), cfg.quiet)
	res := run.Do(ctx)
	prog.Finish()

	for i, r := range res.Inputs {
		for _, w := range r.Warnings {
			warn(w)
		}
		if e := r.CutReplaced; e != nil {
			warn(fmt.Sprintf("--add: %s: its recording is cut short (quality.truncated), and replaced session %s in %s, from %s, whose recording was read whole (%d messages then, %d now)", run.Inputs[i].Path, e.SessionID, cfg.out, e.Source, e.Quality.Messages, r.Summary.Quality.Messages))
		}
	}
	if cfg.add {
		if res.Grid != nil {
			warn(gridWarning(cfg.hz, res.Grid))
		}
		if len(res.Sessions) > 0 {
			if w := definitionsWarning(cfg.defs.d, res.Others); w != "" {
				warn(w)
			}
		}
	}
	for _, f := range res.Failed {
		msg := f.Error
		id := f.SessionID
		switch {
		case id != "" && len(f.EarlierOutputsLeft) > 0:
			n := len(f.EarlierOutputsLeft)
			msg += fmt.Sprintf(" (could not remove from %s %d of the %s an earlier run wrote for session %s, as a failed session keeps no outputs: %v; they stay, and readers of the dataset will read them", cfg.out, n, plural(n+res.Removed[id], "file"), id, res.LeftErrs[id])
			if res.SummaryWritten {
				msg += ": summary.json lists them in the session's failed entry, under earlier_outputs_left"
			}
			msg += ")"
		case id != "" && res.Removed[id] > 0:
			msg += fmt.Sprintf(" (removed from %s the %s an earlier run wrote for session %s: a failed session keeps no outputs)", cfg.out, plural(res.Removed[id], "file"), id)
		}
		fmt.Fprintf(stderr, "stmotion analyze: error: %s\n", decode.Printable(msg))
	}
	for _, r := range res.Replaced {
		e := r.Earlier
		warn(fmt.Sprintf("--add: %s: the same recording as %s, session %s in %s: replaced by session %s (its entry and %s removed)", run.Inputs[r.Input].Path, e.Source, e.SessionID, cfg.out, run.Inputs[r.Input].SessionID, plural(res.Removed[e.SessionID], "file")))
	}
	if w := columnDriftWarning(cfg.out, res.ColumnDrift); w != "" {
		warn(w)
	}
	if res.ColumnDriftErr != nil {
		warn(fmt.Sprintf("--add: the columns of the dataset's tables could not all be read: %v", res.ColumnDriftErr))
	}
	if len(res.Unlisted) > 0 {
		warn(unlistedWarning(cfg.out, res.Unlisted, res.SummaryWritten))
	}
	if res.Interrupted {
		fmt.Fprintf(stderr, "stmotion analyze: %s\n", decode.Printable(interruptedMessage(&cfg, res.Canceled, run.Hive, summaryState{tried: res.SummaryTried, wrote: res.SummaryWritten, kept: res.KeptEarlier, moved: res.SummaryMoved})))
	}
	analysed := len(res.Sessions)
	if cfg.overwrite && len(run.Inputs) > 0 && analysed == 0 {
		fmt.Fprintf(stderr, "stmotion analyze: --overwrite: no input was analysed, so what earlier runs wrote to %s stays (but for the failed sessions' own outputs)\n", cfg.out)
	}
	for _, w := range templateWarnings(res.Sessions) {
		warn(w)
	}
	if w := unusedTemplateWarning(cfg.courtTemplate, res.Sessions); w != "" {
		warn(w)
	}
	if !cfg.quiet {
		for i := range res.Sessions {
			writeReport(stdout, &res.Sessions[i])
		}
	}
	// The run ends with its count line, also when writing summary.json
	// or tidying --out failed (exit status 1).
	var outErr error
	for _, err := range res.Errs {
		if de := (*batch.DirError)(nil); errors.As(err, &de) {
			err = fmt.Errorf("analyze: --out: %w", de.Err)
		}
		outErr = errors.Join(outErr, err)
	}
	if outErr != nil {
		fmt.Fprintf(stderr, "stmotion analyze: error: %s\n", decode.Printable(outErr.Error()))
	}
	// Every input given is counted: one skipped as its bundle is there
	// made "0 of 0 inputs", as if its path had matched nothing.
	fmt.Fprintf(stdout, "%d of %d inputs analysed into %s%s%s%s\n", analysed, len(run.Inputs)+len(run.Failed)+len(run.Skipped), cfg.out, decode.Printable(failedList(res.Failed)), skippedCount(len(run.Skipped)), canceledCount(res.Canceled))
	if len(res.Failed) > 0 || len(res.Canceled) > 0 || outErr != nil || res.Interrupted {
		return exitError{code: 1}
	}
	return nil
}

// batchConfig is the batch run of the flags.
func (cfg *analyzeConfig) batchConfig() *batch.Config {
	return &batch.Config{
		Options: cfg.options(false), Jobs: cfg.jobs, Images: cfg.images,
		Overwrite: cfg.overwrite, Add: cfg.add,
		CourtPath: cfg.courtPath, Court: cfg.court, RosterPath: cfg.rosterPath, Roster: cfg.roster,
		CourtError: courtError,
	}
}

// options are the pipeline settings of the flags.
func (cfg *analyzeConfig) options(hive bool) pipeline.Options {
	return pipeline.Options{
		Out: cfg.out, Format: cfg.format, BatchRows: cfg.batchRows, Hive: hive,
		LiveOnly: cfg.liveOnly, Fold: cfg.fold, Sync: cfg.fsync,
		Cell_m: cfg.cell_m, Rate_Hz: cfg.hz, Strict: cfg.strict, AllowMirrored: cfg.mirrored, AllowMirroredName: "--allow-mirrored",
		CourtTemplate: cfg.courtTemplate,
		MaxLineBytes:  cfg.maxLine, Definitions: cfg.defs.definitions(),
	}
}

// setupText is an error of batch's Prepare or OpenOut (*batch.SetupError)
// in the flags' words, "analyze: " first. run (nil before Prepare
// succeeded) gives the inputs that could not be read, which an --out
// refused for tables this run would not replace may hold the earlier
// outputs of.
func (cfg *analyzeConfig) setupText(err error, run *batch.Run) error {
	var se *batch.SetupError
	if !errors.As(err, &se) {
		return fmt.Errorf("analyze: %w", err)
	}
	switch se.Stage {
	case batch.StageLock:
		return fmt.Errorf("analyze: --out: %w", se.Err)
	case batch.StageSummary:
		return fmt.Errorf("analyze: --add: %w: it describes the sessions under --out %s, and a run adding to them keeps its entries; mend it, or move it away to add without them (their partitions are then listed under unlisted, without figures)", se.Err, cfg.out)
	case batch.StageMove:
		return fmt.Errorf("analyze: --add: --out %s: %w; nothing was added", cfg.out, se.Err)
	case batch.StageMovedSummary:
		return fmt.Errorf("analyze: --add: %w", se.Err)
	}
	// Refused: say it in the flags' words.
	err = se.Err
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
		if run != nil {
			for _, in := range run.Inputs {
				if in.Err != nil {
					unread = append(unread, in.Err.Error())
				}
			}
			for _, f := range run.Failed {
				unread = append(unread, f.Error)
			}
		}
		if len(unread) > 0 {
			err = fmt.Errorf("%w; they may be the earlier outputs of %s, which could not be read this time: %s", err, plural(len(unread), "input"), strings.Join(unread, "; "))
		}
	} else {
		err = fmt.Errorf("--out: %w", err)
	}
	return fmt.Errorf("analyze: %w", err)
}

// writeSample writes the built-in sample game into a new temporary
// directory (pipeline.WriteSample) and returns its path and a function
// removing the directory, to call also after an error. Its error says
// where the sample went, and what to do when there is no room there.
func writeSample(ctx context.Context) (path string, remove func(), err error) {
	remove = func() {}
	dir, err := os.MkdirTemp("", "stmotion-sample-")
	if err == nil {
		remove = func() { os.RemoveAll(dir) }
		path, err = pipeline.WriteSample(ctx, dir)
	} else {
		err = fmt.Errorf("built-in sample: %w", err)
	}
	if err != nil {
		return "", remove, fmt.Errorf("%w (the sample game, its recording about 16 MB, is written to a temporary directory under %s: set TMPDIR (TMP on Windows) to a writable directory with room for it, or give an INPUT)", err, os.TempDir())
	}
	return path, remove, nil
}

// sampleSource names the built-in sample, which lives in a temporary
// directory only while analyze runs.
const sampleSource = "built-in sample (synth.SampleConfig)"
