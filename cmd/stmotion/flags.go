package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strings"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/track/heatmap"
)

// The checks and readers of the flags that several commands share
// (analyze's, live's, mock's, inspect's), and how a command says that its
// command line cannot be carried out.

// logFormat is the value of a --log-format flag (live's and mock's): how
// the logs on stderr are written.
type logFormat string

func (f *logFormat) String() string { return string(*f) }

func (f *logFormat) Set(v string) error {
	switch v {
	case "text", "json":
		*f = logFormat(v)
		return nil
	}
	return fmt.Errorf("%q is not a log format: text or json", v)
}

// newLogger writes records of level and above to w: log/slog's text lines
// (time=... level=... msg=...), or one JSON object per line with the same
// keys, for a log pipeline (Loki, Elasticsearch, journald's JSON) that
// would otherwise parse the text.
func newLogger(w io.Writer, f logFormat, verbose bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	if f == "json" {
		// Durations as the text lines write them ("30s"), not slog's
		// JSON integer of nanoseconds under a key that names no unit.
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			if a.Value.Kind() == slog.KindDuration {
				a.Value = slog.StringValue(a.Value.Duration().String())
			}
			return a
		}
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
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

// checkCourtTemplate is the check of a --court-template flag (analyze's,
// live's): "" or a template the court package knows.
func checkCourtTemplate(name string) error {
	if _, ok := court.TemplateByName(name); name != "" && !ok {
		return fmt.Errorf("--court-template %q: want one of %s", name, strings.Join(court.TemplateNames(), ", "))
	}
	return nil
}

// readCourtFlag reads and checks the court.json of command's --court
// (nil when path is ""), with the template --court-template names (""
// for none): a court that cannot be used, or that template does not fit,
// fails the command once, before any work.
func readCourtFlag(command, path string, mirrored bool, template string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	data, err := decode.ReadCourt(path)
	if err != nil {
		return nil, fmt.Errorf("%s: --court: %w", command, err)
	}
	if _, err := court.Parse(data, court.Options{AllowMirrored: mirrored, Template: template}); err != nil {
		if template != "" && errors.Is(err, court.ErrTemplate) {
			return nil, fmt.Errorf("%s: --court-template %s does not fit --court %s: %w", command, template, path, err)
		}
		return nil, courtError(fmt.Errorf("%s: --court %s: %w", command, path, err))
	}
	return data, nil
}

// readRosterFlag reads the roster file of command's --roster (nil when
// path is ""). A roster that is not UTF-8 text (a players.json saved as
// Windows-1252) is read, and said once on stderr: its names are garbled.
func readRosterFlag(stderr io.Writer, command, path string) (*decode.Subscribe, error) {
	if path == "" {
		return nil, nil
	}
	sub, warning, err := decode.ReadRoster(path)
	if err != nil {
		return nil, fmt.Errorf("%s: --roster: %w", command, err)
	}
	if warning != "" {
		fmt.Fprintf(stderr, "stmotion %s: warning: --roster %s\n", command, decode.Printable(warning))
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

// flagsFirst returns args with its flags (each with its value) first, in
// their order, then "--" and the other arguments, in theirs, so that the
// flag package, which stops at the first argument, parses the flags
// wherever they were (parseFlags). A flag is told from an argument, and
// a flag's value from the next flag, as the flag package tells them:
// anything that starts with "-" but "-" alone is a flag; a flag fs
// defines takes the next word as its value (even one that starts with
// "-") unless it is a boolean flag or has "=value"; "--" ends the flags,
// and everything after it is an argument. A flag fs does not define
// takes no value: it is kept for the flag package to refuse; so is a flag
// whose value is missing (the last word), the arguments then left out.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimPrefix(a[1:], "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			// The last word, its value missing: the flag package is to
			// say so, not to take the "--" before the arguments for it.
			return flags
		}
		i++
		flags = append(flags, args[i])
	}
	if len(rest) == 0 {
		return flags
	}
	return append(append(flags, "--"), rest...)
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

// checkListen is the check of a --listen flag (live's, mock's): host:port
// as net.Listen takes it, the port a number or a service name. That the
// address can be listened on (free, one of this machine's) only
// listening tells. "bogus" had been found out only once the demo mock
// was generated and started, and exited 1.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if port == "" {
		return nil // ":" or "host:": a free port, as net.Listen takes it
	}
	_, err = net.LookupPort("tcp", port)
	return err
}

// onThisMachine reports whether the API base URL api names this machine:
// localhost, or a loopback or unspecified address (127.0.0.1, ::1,
// 0.0.0.0, ::: a 'stmotion mock' listening on all addresses prints
// those). No name is looked up.
func onThisMachine(api string) bool {
	u, err := url.Parse(api)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	ip = ip.Unmap() // ::ffff:127.0.0.1
	return err == nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// aliasFlag is a string flag's other name, writing the same variable: an
// error about the value names the flag it came from (lastName), the last
// one given, as a flag.FlagSet keeps the last value.
type aliasFlag struct {
	p     *string
	given *string // the value given under this name (nil: none)
}

func (a *aliasFlag) String() string {
	if a.p == nil {
		return ""
	}
	return *a.p
}

func (a *aliasFlag) Set(v string) error {
	*a.p = v
	a.given = &v
	return nil
}

// aliasStringVar defines name as another name of the string flag at p
// (defined already), and returns it.
func aliasStringVar(fs *flag.FlagSet, p *string, name, usage string) *aliasFlag {
	a := &aliasFlag{p: p}
	fs.Var(a, name, usage)
	return a
}

// name is the flag the variable's value came from: alias (the value it
// was given is the one that stands), else primary.
func (a *aliasFlag) name(primary, alias string) string {
	if a.given != nil && *a.given == *a.p {
		return alias // or both gave it: either names it
	}
	return primary
}
