package inspect

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
)

// TextOptions says how WriteText words what is not the input's.
type TextOptions struct {
	// LineLimitHint, if not "", follows the count of lines over the
	// limit (decode.ReaderOptions.MaxLineBytes): how to raise it, in the
	// caller's terms (a command names its flag).
	LineLimitHint string
	// AllowMirroredName and CourtTemplateName, if not "", are the
	// caller's names for court.Options.AllowMirrored and
	// court.Options.Template (a command's flags): the court line says
	// which would accept mirrored corners, and how to name the venue's
	// template when the size fits several.
	AllowMirroredName, CourtTemplateName string
}

// WriteText prints rep as text, every text from the input escaped
// (decode.Printable): a bundle must not drive the terminal. It buffers
// what it writes (the sensor table is written a cell at a time), all of
// it written to w before it returns, and returns the first error of w.
func WriteText(w io.Writer, rep *Report, opt TextOptions) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	ew := &errWriter{w: bw}
	writeText(ew, rep, opt)
	if err := bw.Flush(); ew.err == nil {
		ew.err = err
	}
	return ew.err
}

// errWriter keeps the first error of w and writes nothing after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func writeText(w io.Writer, rep *Report, opt TextOptions) {
	pr := decode.Printable
	fmt.Fprintf(w, "%s\n", pr(rep.Path))
	if rep.Bundle != nil {
		fmt.Fprintf(w, "  bundle      %s\n", pr(strings.Join(rep.Bundle.Files, " ")))
		for _, l := range rep.Bundle.Live {
			fmt.Fprintf(w, "  live        %s\n", pr(l))
		}
		for _, bw := range rep.Bundle.Warnings {
			fmt.Fprintf(w, "    warning: %s\n", pr(bw))
		}
	}
	if line := courtText(rep.Court, opt); line != "" {
		fmt.Fprintf(w, "  court       %s\n", pr(line))
		for _, cw := range rep.Court.Warnings {
			fmt.Fprintf(w, "    warning: %s\n", pr(cw))
		}
	}
	fmt.Fprintf(w, "  recording   %s (compression: %s)\n", pr(filepath.Base(rep.Recording)), rep.Compression)
	if rep.ZeroGaps > 0 {
		unit := "members"
		if rep.Compression == decode.CompressionZstd.String() {
			unit = "frames"
		}
		fmt.Fprintf(w, "  zero gaps   %s between the %s %s, skipped (padding)\n", plural(rep.ZeroGaps, "zero byte"), rep.Compression, unit)
	}
	if rep.ZeroTail > 0 {
		fmt.Fprintf(w, "  zero tail   %s after the complete %s stream, ignored (what a write cut off may leave)\n", plural(rep.ZeroTail, "zero byte"), rep.Compression)
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
		fmt.Fprintf(w, "  bad times   %s at or before 1970 or after year 5138: analyze drops them; not in the sensors, time span or gaps\n", plural(rep.BadTimes, "location sample"))
	}
	if rep.First_ms != 0 {
		fmt.Fprintf(w, "  time span   %s .. %s (%.1f s)\n", fmtTime(rep.First_ms), fmtTime(rep.Last_ms), rep.Span_s)
	}
	fmt.Fprintf(w, "  sensors     %s, %s", plural(int64(rep.Players), "player"), plural(int64(rep.Balls), "ball"))
	if n := len(rep.Sensors) - rep.Players - rep.Balls; n > 0 {
		fmt.Fprintf(w, ", %d of unknown type", n)
	}
	if rep.MoreSensors > 0 {
		more := ""
		if rep.MoreSensorsCapped {
			more = "more than "
		}
		fmt.Fprintf(w, "; %s%d more sensors not listed (%s): only the first %d to appear are, as many as analyze's engine tracks (corrupt ids?)",
			more, rep.MoreSensors, plural(rep.MoreSensorSamples, "location sample"), MaxSensors)
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
		if opt.LineLimitHint != "" {
			fmt.Fprintf(w, " (%d too long: %s)", rep.TooLong, opt.LineLimitHint)
		} else {
			fmt.Fprintf(w, " (%d too long)", rep.TooLong)
		}
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

// courtText is the court line of c (nil: none, a Report not made by
// Read).
func courtText(c *Court, opt TextOptions) string {
	switch {
	case c == nil:
		return ""
	case c.Fit == nil:
		msg := c.Error
		if c.Err != nil {
			msg = court.NamedOption(c.Err, opt.AllowMirroredName).Error()
		}
		then := "analyze keeps the positions in the sensor frame"
		if c.Refused {
			then = "analyze refuses the input with that template"
		}
		return fmt.Sprintf("%s cannot be used: %s; %s", filepath.Base(c.File), msg, then)
	case c.Fit.Template == court.SensorFrame().Template.Name:
		return "none (no court.json): analyze keeps the positions in the sensor frame"
	}
	return filepath.Base(c.File) + ": " + c.Fit.TextNaming(opt.CourtTemplateName)
}

// plural is "1 what" or "n whats".
func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// fmtTime is t_ms in UTC, to the ms.
func fmtTime(t_ms int64) string {
	return time.UnixMilli(t_ms).UTC().Format("2006-01-02T15:04:05.000Z")
}
