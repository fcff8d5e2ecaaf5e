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
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track"
)

func init() {
	register("inspect", "show what recordings or session bundles hold: messages, sensors, rates, markers, bad lines", runInspect)
}

const inspectUsage = `Usage: stmotion inspect [flags] INPUT...

Reads each recording (.jsonl, .jsonl.gz, .jsonl.zst; compression is detected
from the content; - is standard input) or session bundle directory, or, as
analyze does, the bundles and recordings found under any other directory
(named *.jsonl or *.ndjson, optionally with .gz or .zst after), and
prints what each holds: lines and messages by type, the time span, the
sensors (players and balls: ids, roster names from a bundle or from
--roster, sample counts, the median interval and the sample rate from the
intervals near it, so that gaps do not count, and the samples older than
the one before or at its time, "backwards" and "repeats", which take no
part in the intervals), the markers in order, unknown
message types / sensor types / stat keys / classifications / markers, and
the bad lines with the first few errors (FILE:LINE: error). Bad lines are
counted and skipped, not fatal. Location samples whose timestamp is
impossible (occurred_at ≤ 0 or after year 5138), which analyze drops
(quality.bad_times), are counted as bad times and kept out of the sensors,
the time span and the gaps, and so are other messages' impossible
timestamps out of the time span.

A compressed file that ends in zero bytes (as a write cut off may leave
one) is read as analyze reads it: zeros after its complete stream are
ignored ("zero tail"), and a stream that breaks where the rest of the file
is zeros is a truncated file. With --json, "truncated" is true for a
compressed stream cut short, read up to the break (analyze's
quality.truncated), and "read_error" says where; any other read error
leaves it false.

The exit status is 1 when a file cannot be opened or read to its end (a
truncated .gz, say), or when it is interrupted (Ctrl-C: the file being
read is reported up to there; a second Ctrl-C ends inspect at once, when
it waits for input on a pipe, say); what was read before is still
reported. It is 2 for a
bad command line (no INPUT, an unknown flag or a value out of range) and
for a --roster that cannot be used, before any INPUT is read. A path that
does not exist, a directory holding nothing to read, or one the search
cannot enter (no permission to read it, say), is reported and gives exit
status 1; the other inputs, and what is found beside it, are still read.

Flags:
`

// maxLineMax bounds --max-line (inspect's and analyze's): 1 GiB, a
// thousand times the default, is the most a line may take of the
// reader's memory (one per input analysed at once).
const maxLineMax = 1 << 30

// checkMaxLine is the check of a --max-line flag. decode takes 0 or less
// for its default, which would make --max-line 0 mean 1 MiB; the
// reader's buffer grows to the limit, and near MaxInt its size
// overflowed.
func checkMaxLine(n int) error {
	if n < 1 || n > maxLineMax {
		return fmt.Errorf("--max-line %d: want 1 to %d bytes", n, maxLineMax)
	}
	return nil
}

// inspectMaxMarkers bounds the markers kept per file.
const inspectMaxMarkers = 1000

// sensorKey identifies a sensor: ids are only unique per type.
type sensorKey struct {
	sensor decode.SensorType
	id     int64
}

// sensorAcc accumulates one sensor's samples. The intervals are counted
// by their length in whole ms: a feed has few distinct ones, so the
// memory is small whatever the recording's length (and nothing for a
// sensor seen once).
type sensorAcc struct {
	samples, backwards, repeats int64
	first_ms, last_ms, prev     int64
	maxGap_ms                   int64
	intervals                   map[int64]int64 // forward intervals, ms → count
}

// Report is what inspect finds in one file; it is also the --json output.
type inspectReport struct {
	Path        string           `json:"path"`
	Bundle      *inspectBundle   `json:"bundle,omitempty"`
	Recording   string           `json:"recording"`
	Compression string           `json:"compression"`
	Lines       int64            `json:"lines"`
	Blank       int64            `json:"blank"`
	Bad         int64            `json:"bad"`
	TooLong     int64            `json:"too_long"`
	Messages    int64            `json:"messages"`
	ByType      map[string]int64 `json:"by_type"`
	// BadTimes are the location samples with an impossible timestamp
	// (track.PlausibleTime), as analyze counts them in quality.bad_times: not in
	// Sensors, the time span or the gaps.
	BadTimes    int64           `json:"bad_times"`
	First_ms    int64           `json:"first_t_ms,omitempty"`
	Last_ms     int64           `json:"last_t_ms,omitempty"`
	Span_s      float64         `json:"span_s"`
	Players     int             `json:"players"`
	Balls       int             `json:"balls"`
	Sensors     []inspectSensor `json:"sensors"`
	Markers     []inspectMarker `json:"markers"`
	MoreMarkers int             `json:"markers_not_listed,omitempty"`
	Unknown     inspectUnknown  `json:"unknown"`
	Errors      []inspectError  `json:"errors"`
	ReadError   string          `json:"read_error,omitempty"`
	// Truncated is a compressed stream cut short (decode.ErrTruncated),
	// read up to the break, as analyze's quality.truncated: ReadError
	// says where.
	Truncated bool `json:"truncated"`
	// ZeroTail is the zero bytes after the complete compressed stream at
	// the end of the file, ignored (decode.Reader.ZeroTail).
	ZeroTail    int64 `json:"zero_tail_bytes,omitempty"`
	Interrupted bool  `json:"interrupted,omitempty"` // the read was stopped (Ctrl-C) before the end
}

type inspectBundle struct {
	Dir   string   `json:"dir"`
	Files []string `json:"files"`
	Live  []string `json:"live,omitempty"` // live session ids, names and types from live.json, then rounds.json (a practice's later drills)
}

type inspectSensor struct {
	Type              string  `json:"type"`
	ID                int64   `json:"id"`
	Name              string  `json:"name,omitempty"` // from a bundle's roster (subscribe.json)
	Samples           int64   `json:"samples"`
	First_ms          int64   `json:"first_t_ms"`
	Last_ms           int64   `json:"last_t_ms"`
	MedianInterval_ms int64   `json:"median_interval_ms"`
	Rate_Hz           float64 `json:"rate_hz"` // 1000 / (mean interval within 0.5-1.5x the median)
	MaxGap_ms         int64   `json:"max_gap_ms"`
	Backwards         int64   `json:"backwards"` // samples older than the one before
	Repeats           int64   `json:"repeats"`   // samples at the time of the one before (duplicates, or two positions at once)
}

type inspectMarker struct {
	T_ms   int64  `json:"t_ms"`
	Type   string `json:"type"`
	LiveID string `json:"live_id,omitempty"`
	Line   int64  `json:"line"`
}

type inspectUnknown struct {
	Types           int64    `json:"types"`
	TypeTexts       []string `json:"type_texts,omitempty"` // the first few distinct ones
	SensorTypes     int64    `json:"sensor_types"`
	StatKeys        int64    `json:"stat_keys"`
	Classifications int64    `json:"classifications"`
	Markers         int64    `json:"markers"`
}

type inspectError struct {
	Line    int64  `json:"line"`
	Message string `json:"message"`
}

func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per file per line")
	nErrors := fs.Int("errors", 5, "how many bad-line errors to show per file")
	maxLine := fs.Int("max-line", decode.DefaultMaxLineBytes, fmt.Sprintf("longest accepted line in `bytes`, 1 to %d; longer ones are bad lines", maxLineMax))
	rosterPath := fs.String("roster", "", "roster `file` for the sensors' names where an input has none of its own (a bare\n"+
		"recording): a subscribe.json, or a JSON array of teams with their players")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), inspectUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError{code: 2}
	}
	if err := checkMaxLine(*maxLine); err != nil {
		return usageError(fs, err)
	}
	roster, err := readRosterFlag("inspect", *rosterPath)
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
		keep := *nErrors
		if keep <= 0 {
			keep = -1 // none (0 would mean the reader's default)
		}
		rep, err := inspectFile(ctx, path, roster, decode.ReaderOptions{MaxLineBytes: *maxLine, KeepErrors: keep})
		if err != nil {
			fmt.Fprintf(stderr, "stmotion inspect: %s\n", decode.Printable(err.Error()))
			failed++
			continue
		}
		if rep.ReadError != "" {
			fmt.Fprintf(stderr, "stmotion inspect: %s: %s\n", decode.Printable(path), decode.Printable(rep.ReadError))
			failed++
		}
		if *asJSON {
			if err := json.NewEncoder(stdout).Encode(rep); err != nil {
				return err
			}
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		printInspect(stdout, rep)
	}
	if failed > 0 {
		return exitError{code: 1}
	}
	return ctx.Err()
}

// inspectFile reads one bundle or recording to its end; roster (nil:
// none) names the sensors of an input without its own.
func inspectFile(ctx context.Context, path string, roster *decode.Subscribe, opt decode.ReaderOptions) (*inspectReport, error) {
	b, err := decode.OpenBundle(path)
	if err != nil {
		return nil, err
	}
	b.Supply("", nil, "", roster)
	rep := &inspectReport{Path: path, Recording: b.MessagesPath, ByType: map[string]int64{}, Sensors: []inspectSensor{}, Markers: []inspectMarker{}, Errors: []inspectError{}}
	if b.Dir != "" {
		rep.Bundle = &inspectBundle{Dir: b.Dir}
		entries, _ := os.ReadDir(b.Dir)
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				rep.Bundle.Files = append(rep.Bundle.Files, e.Name())
			}
		}
		infos := b.Rounds
		if b.Live != nil {
			infos = append([]decode.LiveInfo{*b.Live}, infos...)
		}
		for _, li := range infos {
			for _, t := range li.Teams {
				rep.Bundle.Live = append(rep.Bundle.Live, fmt.Sprintf("%s %s (%s, team %d %s)", t.Live.ID, t.Live.Name, t.Live.Type, t.ID, t.Name))
			}
		}
	}
	r, err := b.OpenMessages(opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rep.Compression = r.Compression().String()

	names := map[int64]string{}
	if b.Subscribe != nil {
		for _, t := range b.Subscribe.Teams {
			for _, p := range t.Players {
				name := p.DisplayName
				if name == "" {
					name = strings.TrimSpace(p.FirstName + " " + p.LastName)
				}
				if p.JerseyNumber != "" {
					name = "#" + string(p.JerseyNumber) + " " + name
				}
				names[p.ID] = name + " (" + t.Name + ")"
			}
		}
	}
	sensors := map[sensorKey]*sensorAcc{}
	var m decode.Message
	for n := 1; r.Next(&m); n++ {
		if n&0xfff == 0 && ctx.Err() != nil {
			// Interrupted (Ctrl-C on a stream piped in, say): what was
			// read is still reported.
			rep.Interrupted = true
			break
		}
		line := r.Line()
		t := m.OccurredAt_ms()
		if !track.PlausibleTime(t) {
			if m.Kind == decode.KindLocation {
				rep.BadTimes++
				continue // as the engine drops it
			}
		} else {
			if rep.First_ms == 0 || t < rep.First_ms {
				rep.First_ms = t
			}
			rep.Last_ms = max(rep.Last_ms, t)
		}
		switch m.Kind {
		case decode.KindUnknown:
			rep.Unknown.Types++
			if txt := string(m.TypeText.Text(line)); len(rep.Unknown.TypeTexts) < 5 && !slices.Contains(rep.Unknown.TypeTexts, txt) {
				rep.Unknown.TypeTexts = append(rep.Unknown.TypeTexts, txt)
			}
		case decode.KindLocation:
			l := &m.Location
			if l.Sensor == decode.SensorUnknown {
				rep.Unknown.SensorTypes++
			}
			k := sensorKey{l.Sensor, l.ID}
			s := sensors[k]
			if s == nil {
				s = &sensorAcc{first_ms: l.OccurredAt_ms, last_ms: l.OccurredAt_ms, prev: l.OccurredAt_ms}
				sensors[k] = s
			} else {
				dt := l.OccurredAt_ms - s.prev
				switch {
				case dt < 0:
					s.backwards++
				case dt == 0:
					s.repeats++
				default:
					if s.intervals == nil {
						s.intervals = make(map[int64]int64, 4)
					}
					s.intervals[dt]++
				}
				if dt > s.maxGap_ms {
					s.maxGap_ms = dt
				}
				s.prev = l.OccurredAt_ms
			}
			s.samples++
			s.first_ms = min(s.first_ms, l.OccurredAt_ms)
			s.last_ms = max(s.last_ms, l.OccurredAt_ms)
		case decode.KindStats:
			rep.Unknown.StatKeys += int64(m.Stats.NumUnknown)
			if m.Stats.Present&decode.HasClassification != 0 && m.Stats.Classification == decode.ClassUnknown {
				rep.Unknown.Classifications++
			}
		case decode.KindMarker:
			if m.Marker.Type == decode.MarkerUnknown {
				rep.Unknown.Markers++
			}
			if len(rep.Markers) < inspectMaxMarkers {
				rep.Markers = append(rep.Markers, inspectMarker{
					T_ms: m.Marker.OccurredAt_ms, Type: string(m.Marker.TypeText.Text(line)),
					LiveID: string(m.Marker.LiveID.Text(line)), Line: r.LineNumber(),
				})
			} else {
				rep.MoreMarkers++
			}
		}
	}
	if err := r.Err(); err != nil {
		rep.ReadError = err.Error()
		rep.Truncated = errors.Is(err, decode.ErrTruncated)
	}
	rep.ZeroTail = r.ZeroTail()
	st := r.Stats()
	rep.Lines, rep.Blank, rep.Bad, rep.TooLong, rep.Messages = st.Lines, st.Blank, st.Bad, st.TooLong, st.Messages
	for k, n := range st.ByKind {
		if n > 0 {
			rep.ByType[decode.Kind(k).String()] = n
		}
	}
	if rep.Last_ms > rep.First_ms {
		rep.Span_s = float64(rep.Last_ms-rep.First_ms) / 1000
	}
	for _, e := range r.BadLines() {
		msg := *e
		msg.Line = 0 // the line is printed as FILE:LINE
		rep.Errors = append(rep.Errors, inspectError{Line: e.Line, Message: msg.Error()})
	}
	for k, s := range sensors {
		med := s.medianInterval_ms()
		out := inspectSensor{Type: k.sensor.String(), ID: k.id, Samples: s.samples, First_ms: s.first_ms, Last_ms: s.last_ms,
			MedianInterval_ms: med, MaxGap_ms: s.maxGap_ms, Backwards: s.backwards, Repeats: s.repeats}
		out.Rate_Hz = s.rate_Hz(med)
		if k.sensor == decode.SensorPlayer {
			out.Name = names[k.id]
		}
		rep.Sensors = append(rep.Sensors, out)
		switch k.sensor {
		case decode.SensorPlayer:
			rep.Players++
		case decode.SensorBall:
			rep.Balls++
		}
	}
	// Players, then balls, then unknown sensor types; by id within each.
	rank := map[string]int{decode.SensorPlayer.String(): 0, decode.SensorBall.String(): 1, decode.SensorUnknown.String(): 2}
	sort.Slice(rep.Sensors, func(i, j int) bool {
		a, b := rep.Sensors[i], rep.Sensors[j]
		if a.Type != b.Type {
			return rank[a.Type] < rank[b.Type]
		}
		return a.ID < b.ID
	})
	return rep, nil
}

// medianInterval_ms is the median of the intervals between consecutive
// samples that went forward in time, or 0 without intervals.
func (s *sensorAcc) medianInterval_ms() int64 {
	var n int64
	dts := make([]int64, 0, len(s.intervals))
	for dt, c := range s.intervals {
		n += c
		dts = append(dts, dt)
	}
	slices.Sort(dts)
	half, cum := (n+1)/2, int64(0)
	for _, dt := range dts {
		if cum += s.intervals[dt]; cum >= half {
			return dt
		}
	}
	return 0
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// rate_Hz is the sample rate from the intervals near the median,
//
//	rate_Hz = 1000 / mean{dt : med/2 <= dt <= 3*med/2}
//
// which keeps the median's indifference to gaps and bursts but not its
// whole-ms rounding: a 30 Hz feed stepping 33, 33, 34 ms reads 30.0 Hz, not
// 1000/33 = 30.3 Hz. It is 0 without intervals or when the median is 0.
func (s *sensorAcc) rate_Hz(med int64) float64 {
	var sum, n int64
	for dt, c := range s.intervals {
		if dt >= (med+1)/2 && dt <= 3*med/2 {
			sum += dt * c
			n += c
		}
	}
	if sum == 0 {
		return 0
	}
	return 1000 * float64(n) / float64(sum)
}

func fmtTime(t_ms int64) string {
	return time.UnixMilli(t_ms).UTC().Format("2006-01-02T15:04:05.000Z")
}

// printInspect prints rep as text, every text from the input escaped
// (decode.Printable): a bundle must not drive the terminal.
func printInspect(w io.Writer, rep *inspectReport) {
	pr := decode.Printable
	fmt.Fprintf(w, "%s\n", pr(rep.Path))
	if rep.Bundle != nil {
		fmt.Fprintf(w, "  bundle      %s\n", pr(strings.Join(rep.Bundle.Files, " ")))
		for _, l := range rep.Bundle.Live {
			fmt.Fprintf(w, "  live        %s\n", pr(l))
		}
	}
	fmt.Fprintf(w, "  recording   %s (compression: %s)\n", pr(filepath.Base(rep.Recording)), rep.Compression)
	if rep.ZeroTail > 0 {
		fmt.Fprintf(w, "  zero tail   %s after the complete %s stream, ignored (what a write cut off may leave)\n", plural(int(rep.ZeroTail), "zero byte"), rep.Compression)
	}
	fmt.Fprintf(w, "  lines       %d (blank %d, bad %d)\n", rep.Lines, rep.Blank, rep.Bad)
	types := make([]string, 0, len(rep.ByType))
	for k := range rep.ByType {
		types = append(types, k)
	}
	sort.Slice(types, func(i, j int) bool {
		return rep.ByType[types[i]] > rep.ByType[types[j]] || rep.ByType[types[i]] == rep.ByType[types[j]] && types[i] < types[j]
	})
	var parts []string
	for _, k := range types {
		parts = append(parts, fmt.Sprintf("%s %d", pr(k), rep.ByType[k]))
	}
	fmt.Fprintf(w, "  messages    %d: %s\n", rep.Messages, strings.Join(parts, ", "))
	if rep.BadTimes > 0 {
		fmt.Fprintf(w, "  bad times   %s at or before 1970 or after year 5138: analyze drops them; not in the sensors, time span or gaps\n", plural(int(rep.BadTimes), "location sample"))
	}
	if rep.First_ms != 0 {
		fmt.Fprintf(w, "  time span   %s .. %s (%.1f s)\n", fmtTime(rep.First_ms), fmtTime(rep.Last_ms), rep.Span_s)
	}
	fmt.Fprintf(w, "  sensors     %s, %s", plural(rep.Players, "player"), plural(rep.Balls, "ball"))
	if n := len(rep.Sensors) - rep.Players - rep.Balls; n > 0 {
		fmt.Fprintf(w, ", %d of unknown type", n)
	}
	fmt.Fprintln(w)
	if len(rep.Sensors) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "    type\tid\tsamples\tmedian ms\trate Hz\tmax gap ms\tbackwards\trepeats\t")
		for _, s := range rep.Sensors {
			name := pr(s.Name)
			if name != "" {
				name = "  " + name // no trailing blanks without one
			}
			fmt.Fprintf(tw, "    %s\t%d\t%d\t%d\t%.1f\t%d\t%d\t%d\t%s\n", pr(s.Type), s.ID, s.Samples, s.MedianInterval_ms, s.Rate_Hz, s.MaxGap_ms, s.Backwards, s.Repeats, name)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "  markers     %d\n", len(rep.Markers)+rep.MoreMarkers)
	for _, mk := range rep.Markers {
		live := ""
		if mk.LiveID != "" {
			live = " live_id " + pr(mk.LiveID)
		}
		fmt.Fprintf(w, "    %s  %s%s  (line %d)\n", fmtTime(mk.T_ms), pr(mk.Type), live, mk.Line)
	}
	if rep.MoreMarkers > 0 {
		fmt.Fprintf(w, "    ... and %d more\n", rep.MoreMarkers)
	}
	u := rep.Unknown
	fmt.Fprintf(w, "  unknown     types %d, sensor types %d, stat keys %d, classifications %d, markers %d", u.Types, u.SensorTypes, u.StatKeys, u.Classifications, u.Markers)
	if len(u.TypeTexts) > 0 {
		fmt.Fprintf(w, " (types: %s)", pr(strings.Join(u.TypeTexts, ", ")))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  bad lines   %d", rep.Bad)
	if rep.TooLong > 0 {
		fmt.Fprintf(w, " (%d too long: --max-line raises the limit)", rep.TooLong)
	}
	if len(rep.Errors) > 0 {
		fmt.Fprintf(w, "; the first %d:", len(rep.Errors))
	}
	fmt.Fprintln(w)
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "    %s:%d: %s\n", pr(rep.Recording), e.Line, pr(e.Message))
	}
	if rep.ReadError != "" {
		fmt.Fprintf(w, "  read error  %s\n", pr(rep.ReadError))
	}
	if rep.Interrupted {
		fmt.Fprintf(w, "  interrupted before the end: the figures are of what was read\n")
	}
}
