package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/inspect"
)

func init() {
	register("inspect", "show what recordings or session bundles hold: messages, sensors, rates, markers, bad lines", runInspect)
}

// inspectHelp is inspect's -h: the synopsis, then (after the flags)
// the reference.
var inspectHelp = help{
	usage: `Usage: stmotion inspect [flags] INPUT...  (flags may also follow the inputs; -- ends them)

Shows what recordings (.jsonl, .jsonl.gz, .jsonl.zst; - is standard input)
or session bundles hold, without analysing them: the court, lines and
messages by type, the time span, the sensors with their sample rates, the markers,
what is unknown and the bad lines with their first errors. A directory is
searched as analyze searches it. --json prints one JSON object per file.
`,
	details: `Reads each recording (.jsonl, .jsonl.gz, .jsonl.zst; compression is detected
from the content, and a recording compressed twice, .jsonl.gz.zst, is
read through both; UTF-16 text and a zip archive are refused, saying
so, as analyze refuses them; - is standard input) or session bundle
directory, or, as analyze does, the bundles and recordings found under
any other directory (named *.jsonl or *.ndjson, optionally with .gz or
.zst after, in any case), and prints what each holds (with a warning for
a bundle's JSON file that is not UTF-8, whose names read garbled): the
bundle's court (its court.json fitted as analyze fits it, with
--court-template and --allow-mirrored as analyze takes them: the
template and how it was chosen, the size, rotation, corner residual and
hoops, or why analyze cannot use it and keeps the
positions in the sensor frame), lines and messages by type, the time
span, the sensors (players and balls: ids, roster names from a bundle or from
--roster, sample counts, the median interval and the sample rate from the
intervals near it, so that gaps do not count, the longest interval, "max
gap", and the samples older than the newest before or at its time,
"backwards" (late or reordered) and "repeats", which take no part in the
intervals: each interval runs from the newest time before, so a late
sample makes no gap, while a sample whose clock is far ahead makes one,
and the samples after it backwards up to its time), only the first 1024
sensors to appear listed, as many as analyze tracks (the others, ids a
corrupt feed invents, are counted: "N more sensors not listed" with their
location samples, --json's sensors_not_listed, up to 65536 ids ("more
than" and sensors_not_listed_capped past that), and
sensor_samples_not_listed), the markers in order,
unknown message types / sensor types / stat keys / classifications /
markers (each a count of messages, but location samples for sensor types
and keys for stat keys; analyze's quality.unknown holds them together, by
message: see docs/schema.md), and the bad lines with the first few errors
(FILE:LINE: error). Bad lines are counted and skipped, not fatal.
Location samples whose timestamp is impossible (occurred_at ≤ 0 or after
year 5138), which analyze drops (quality.bad_times), are counted as bad
times and kept out of the sensors, the time span and the gaps, and so
are other messages' impossible timestamps out of the time span.

A compressed file that ends in zero bytes (as a write cut off may leave
one) is read as analyze reads it: zeros after its complete stream are
ignored ("zero tail"), and a stream that breaks where the rest of the file
is zeros is a truncated file. Zeros between the members of a .gz or the
frames of a .zst (padding, as a tool that rotates logs may leave) are
skipped ("zero gaps"), and the stream is read on; other data after a
complete member or frame is a read error, at its byte offset. With
--json, "truncated" is true for a compressed stream cut short, read up
to the break (analyze's quality.truncated), and "read_error" says where;
any other read error leaves it false. A .zst whose frames need a window
over 128 MiB (compressed with zstd --long=28 or more) is a read error, as
zstd -d refuses it without --long or --memory (the limit bounds the
memory an input costs): the error says how to decompress it.

The exit status is 1 when a file cannot be opened or read to its end (a
truncated .gz, say), when the report cannot be written to stdout (a full
disk, a stdout open read-only, a pipe whose reader has gone: inspect stops
there, and says so on
stderr), or
when it is interrupted (Ctrl-C: the file being
read is reported up to there; a second Ctrl-C ends inspect at once, when
it waits for input on a pipe, say); what was read before is still
reported. It is 2 for a bad command line (no INPUT, an unknown flag or a value out of range) and
for a --roster that cannot be used, before any INPUT is read. A path that
does not exist, a directory holding nothing to read, one the search
cannot enter (no permission to read it, say), or a named pipe, socket or
device the search finds (it opens regular files only: a named pipe would
wait for its writer; named as INPUT, one is read), is reported and gives
exit status 1; the other inputs, and what is found beside it, are still read.
`,
}

// inspectText words inspect's report in the flags' terms.
var inspectText = inspect.TextOptions{LineLimitHint: "--max-line raises the limit", AllowMirroredName: "--allow-mirrored", CourtTemplateName: "--court-template"}

func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file per line")
	nErrors := fs.Int("errors", 5, "how many bad-line errors to show per file, 0 (none) or more")
	maxLine := fs.Int("max-line", decode.DefaultMaxLineBytes, fmt.Sprintf("longest accepted line in `bytes`, 1 to %d; longer ones are bad lines", maxLineMax))
	rosterPath := fs.String("roster", "", "roster `file` for the sensors' names where an input has none of its own (a bare\n"+
		"recording): a subscribe.json, or a JSON array of teams with their players")
	mirrored := fs.Bool("allow-mirrored", false, "fit a court.json whose corners run counterclockwise, as analyze --allow-mirrored does")
	courtTemplate := fs.String("court-template", "", "fit the court.json to this markings `template`, as analyze --court-template does: "+strings.Join(court.TemplateNames(), ", "))
	fs.Usage = func() { writeHelp(stdout, fs, inspectHelp) }
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		// One line that says so, as the other commands say what they
		// miss (the whole usage, 51 lines, had not).
		return usageError(fs, errors.New("no INPUT: name a recording, a bundle or a directory (- for standard input)"))
	}
	// A negative count had shown no error, as 0 does, silently.
	if *nErrors < 0 {
		return usageError(fs, fmt.Errorf("--errors %d: want 0 (none) or more", *nErrors))
	}
	if err := checkMaxLine(*maxLine); err != nil {
		return usageError(fs, err)
	}
	if err := checkCourtTemplate(*courtTemplate); err != nil {
		return usageError(fs, err)
	}
	roster, err := readRosterFlag(stderr, "inspect", *rosterPath)
	if err != nil {
		return setupError(stderr, err)
	}
	// The first Ctrl-C stops the reading at the next lines and reports what
	// was read; a read blocked on a pipe with nothing coming never gets
	// there, so the signals then get their default action back and a
	// second Ctrl-C ends inspect. (live, by contrast, keeps them: its
	// shutdown writes the recording's last tables.)
	stopReset := context.AfterFunc(ctx, func() { signal.Reset(os.Interrupt, syscall.SIGTERM) })
	defer stopReset()
	keep := *nErrors
	if keep == 0 {
		keep = -1 // none (0 would mean the reader's default)
	}
	opt := inspect.Options{
		Roster: roster, Reader: decode.ReaderOptions{MaxLineBytes: *maxLine, KeepErrors: keep},
		Court: court.Options{AllowMirrored: *mirrored, Template: *courtTemplate},
	}
	failed := 0
	// The inputs analyze takes: a directory that is not a bundle is
	// searched for bundles and recordings, as analyze searches it
	// (decode.FindBundles), each reported in turn.
	var paths []string
	for _, arg := range fs.Args() {
		found, unsearched, err := decode.FindBundles(arg)
		if err != nil {
			fmt.Fprintf(stderr, "stmotion inspect: %s\n", decode.Printable(err.Error()))
			failed++
			continue
		}
		// A directory that cannot be searched fails as an input of its
		// own; what was found beside it is read.
		for _, u := range unsearched {
			fmt.Fprintf(stderr, "stmotion inspect: %s\n", decode.Printable(u.Error()))
			failed++
		}
		paths = append(paths, found...)
	}
	for i, path := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep, err := inspect.Read(ctx, path, opt)
		if err != nil {
			fmt.Fprintf(stderr, "stmotion inspect: %s\n", decode.Printable(err.Error()))
			failed++
			continue
		}
		if rep.Err != nil {
			fmt.Fprintf(stderr, "stmotion inspect: %s: %s\n", decode.Printable(path), decode.Printable(rep.ReadError))
			failed++
		}
		// A report that cannot be written ends inspect: the report is
		// its product (Run says so on stderr, exit status 1).
		if *asJSON {
			if err := json.NewEncoder(stdout).Encode(rep); err != nil {
				return err
			}
			continue
		}
		if i > 0 {
			if _, err := fmt.Fprintln(stdout); err != nil {
				return err
			}
		}
		if err := inspect.WriteText(stdout, rep, inspectText); err != nil {
			return err
		}
	}
	if failed > 0 {
		return exitError{code: 1}
	}
	return ctx.Err()
}
