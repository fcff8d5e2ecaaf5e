package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/klauspost/compress/gzip"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
	"github.com/stmotion/stmotion/track"
)

// shortBundle writes a 30-second simulated game bundle under dir/name.
func shortBundle(t *testing.T, dir, name string) string {
	t.Helper()
	cfg := synth.SampleConfig()
	cfg.Minutes = 0.5
	path := filepath.Join(dir, name)
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// twoUnnamedBundles writes two short bundles, g1 and g2, into a new
// directory, without live.json: their session ids are their names.
func twoUnnamedBundles(t *testing.T) (dir, g1, g2 string) {
	t.Helper()
	dir = t.TempDir()
	g1, g2 = shortBundle(t, dir, "g1"), shortBundle(t, dir, "g2")
	for _, b := range []string{g1, g2} {
		if err := os.Remove(filepath.Join(b, decode.BundleLive)); err != nil {
			t.Fatal(err)
		}
	}
	return dir, g1, g2
}

// copyBundle copies the bundle directory src to dst and returns dst.
func copyBundle(t *testing.T, src, dst string) string {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// editCourt writes to dst the court.json at src changed by edit (which
// gets its fields as JSON decodes them) and returns dst.
func editCourt(t *testing.T, src, dst string, edit func(c map[string]any)) string {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	edit(c)
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

func runAnalyzeArgs(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = Run(context.Background(), append([]string{"analyze"}, args...), &o, &e)
	return o.String(), e.String(), err
}

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if err != nil {
		return 1
	}
	return 0
}

// stdinFrom makes os.Stdin read the file at path until the test ends.
func stdinFrom(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() { os.Stdin = old; f.Close() })
}

// "-" reads a recording from standard input (session id "stdin"), once.
func TestAnalyzeStdin(t *testing.T) {
	stdinFrom(t, filepath.Join(shortBundle(t, t.TempDir(), "g"), decode.BundleMessages))
	out := t.TempDir()
	// "-" twice is as any path given twice: analysed once, with a warning.
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--out", out, "-", "-")
	if err != nil || !strings.Contains(stderr, "stmotion analyze: warning: -: given more than once: analysed once") || stdout != "1 of 1 inputs analysed into "+out+"\n" {
		t.Fatalf("analyze - -: %v (exit %d)\n%s%s", err, exitCode(err), stdout, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if sum.SessionID != "stdin" || sum.Source != "-" || sum.Quality.Locations == 0 {
		t.Errorf("summary.json of -: session %q, source %q, %d locations", sum.SessionID, sum.Source, sum.Quality.Locations)
	}
	if strings.Contains(stderr, "beside it") {
		t.Errorf("stderr speaks of files beside standard input:\n%s", stderr)
	}
}

// Ctrl-C ends "analyze -" while standard input is a pipe with nothing
// coming, and the input is reported canceled, not as a recording without
// messages. The run once waited for the pipe's writer to end.
func TestAnalyzeStdinCanceledWhileWaiting(t *testing.T) {
	msgs, err := os.ReadFile(filepath.Join(shortBundle(t, t.TempDir(), "g"), decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	// More than the pipe and the reader's buffers hold: once written,
	// the run is reading standard input, and then waits on it.
	var data []byte
	for len(data) < 1<<20 {
		data = append(data, msgs...)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() // at last, the reading goroutine left waiting gets EOF
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := t.TempDir()
	var o, e bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- Run(ctx, []string{"analyze", "--quiet", "--out", out, "-"}, &o, &e) }()
	written := make(chan error, 1)
	go func() { _, err := w.Write(data); written <- err }()
	// Liveness guards, not timing assertions: the run must end at all.
	select {
	case err := <-written:
		if err != nil {
			t.Fatal(err)
		}
	case err := <-done:
		t.Fatalf("analyze - ended before reading its input: %v\n%s", err, e.String())
	case <-time.After(time.Minute):
		t.Fatal("analyze - did not read its input")
	}
	cancel()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("analyze - did not end once canceled while standard input had nothing more to read")
	}
	want := "stmotion analyze: interrupted: 1 input not analysed (-)"
	if exitCode(err) != 1 || !strings.Contains(e.String(), want) || strings.Contains(e.String(), "error:") || o.String() != "0 of 1 inputs analysed into "+out+"; 1 canceled\n" {
		t.Errorf("analyze - canceled: %v\n%s%s\nwant %q and no error", err, o.String(), e.String(), want)
	}
}

// An --out that cannot be a directory is one error before any input is
// read, not one per input: a command line that cannot be carried out,
// exit status 2 and no count line, as the help says.
func TestAnalyzeBadOut(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a-file")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "missing-input-never-read")
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--out", out, in)
	if exitCode(err) != 2 || !strings.Contains(stderr, "stmotion analyze: --out: mkdir "+out+": not a directory") || strings.Contains(stderr, in) || stdout != "" {
		t.Errorf("--out a file: exit %d, stdout %q, stderr %q; want 2, no count line and the --out error only", exitCode(err), stdout, stderr)
	}
}

// An --out where no file can be created is one error before any input
// is read (exit 2, no count line), not one "permission denied" per input
// naming none of them. Root passes a directory's mode check: there, a
// directory of /proc stands for a read-only one.
func TestAnalyzeReadOnlyOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(out, 0o555); err != nil {
		t.Fatal(err)
	}
	if f, err := os.CreateTemp(out, "probe-"); err == nil {
		f.Close()
		os.Remove(f.Name())
		if _, err := os.Stat("/proc/self"); err != nil {
			t.Skip("a directory's mode does not stop this user writing, and there is no /proc")
		}
		out = "/proc/self"
	}
	in := shortBundle(t, t.TempDir(), "g")
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--out", out, in, in+"-missing")
	if exitCode(err) != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "stmotion analyze: --out "+out+": cannot write there: ") {
		t.Errorf("read-only --out: exit %d, stdout %q, stderr %q; want 2, no count line and one line saying --out cannot be written", exitCode(err), stdout, stderr)
	}
}

// A write that fails later fails its input, and says which: here g1's
// partition directory cannot be made (a file has its name), g2 completes.
func TestAnalyzeWriteFailsNamesInput(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	touchFiles(t, out, "samples/session_id=g1")
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--out", out, g1, g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 2 inputs analysed") || !strings.Contains(stderr, "stmotion analyze: error: "+g1+": export: ") {
		t.Errorf("g1's partition not a directory: exit %d, stdout %q, stderr %q; want 1, 1 of 2 and g1's failure naming it", exitCode(err), stdout, stderr)
	}
}

// The help says how the run ends: exit 0 or 1 with a count line when
// inputs were analysed, 2 without one when the command line could not be
// carried out. A summary.json that cannot be written fails the run (1) but
// still ends with the count.
func TestAnalyzeExitStatus(t *testing.T) {
	help, _, _ := runAnalyzeArgs(t, "-h")
	for _, want := range []string{"The exit status is\n0 when every input was analysed and 1 when any failed", "It is 2, without that line"} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	in := shortBundle(t, t.TempDir(), "g")
	out := t.TempDir()
	// summary.json a directory: it cannot be written over.
	if err := os.MkdirAll(filepath.Join(out, "summary.json", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--images=false", "--out", out, in)
	if exitCode(err) != 1 || !strings.HasSuffix(stdout, "1 of 1 inputs analysed into "+out+"\n") || !strings.Contains(stderr, "summary.json") {
		t.Errorf("summary.json not writable: exit %d, stdout %q, stderr %q; want 1 and the count line", exitCode(err), stdout, stderr)
	}
}

func TestAnalyzeOneBundle(t *testing.T) {
	in := shortBundle(t, t.TempDir(), "g1")
	out := t.TempDir()
	// The court's template named: an NBA-sized court is warned of
	// otherwise, as its size is also NCAA's (TestAnalyzeCourtTemplate).
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--jobs", "1", "--court-template", "nba", in)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	for _, tb := range export.Tables() {
		if _, err := os.Stat(filepath.Join(out, tb.String()+".parquet")); err != nil {
			t.Errorf("table %s: %v", tb, err)
		}
	}
	if stderr != "" {
		// Not a terminal: no progress bar; a complete bundle: no warnings.
		t.Errorf("stderr is not empty:\n%s", stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if sum.Source != in || len(sum.Players) == 0 || len(sum.Teams) != 2 {
		t.Errorf("summary.json: source %q, %d players, %d teams", sum.Source, len(sum.Players), len(sum.Teams))
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if last := lines[len(lines)-1]; last != "1 of 1 inputs analysed into "+out {
		t.Errorf("last line = %q", last)
	}
	// The grid and the noise the engine ran with, in summary.json and in
	// the report (the sample game is 25 Hz).
	if q := sum.Quality; q.GridPeriod_ms != 40 || q.Noise_m < 0.01 || q.Noise_m > 0.06 {
		t.Errorf("summary.json quality: grid %d ms, noise %.3f m; want 40 ms and about 0.03 m", q.GridPeriod_ms, q.Noise_m)
	}
	if !strings.Contains(stdout, "\ngrid: 40 ms (25 Hz), sensor noise σ ") {
		t.Errorf("report does not give the grid:\n%s", stdout)
	}
	// The report names every team and its players.
	for _, p := range sum.Players {
		if p.TimeOnCourt_s > 0 && !strings.Contains(stdout, p.Name) {
			t.Errorf("report does not name %s:\n%s", p.Name, stdout)
		}
	}
	// Shot charts as PNG and SVG (heatmaps too once the engine has them).
	for _, want := range []string{"images/shots_all.png", "images/shots_all.svg"} {
		found := false
		for _, f := range sum.Images {
			found = found || f == want
		}
		if _, err := os.Stat(filepath.Join(out, want)); err != nil || !found {
			t.Errorf("image %s: %v (summary.json images: %v)", want, err, sum.Images)
		}
	}
	if !strings.Contains(stdout, "DIST ratio") {
		t.Errorf("report has no DIST ratio column:\n%s", stdout)
	}
	// Nothing hidden (temporary) is left behind, but the lock file (it
	// stays: export.LockFile).
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && e.Name() != export.LockFile {
			t.Errorf("left %s in the output", e.Name())
		}
	}
}

// A bad input is reported with its file (and line), the others complete,
// the exit status is 1 and the last line counts the successes.
func TestAnalyzeBadInputs(t *testing.T) {
	dir := t.TempDir()
	good := shortBundle(t, dir, "good")

	// A bundle whose court.json is not JSON (one that is JSON but not a
	// valid court is analysed in the sensor frame, as stmotion live ran
	// it: TestAnalyzeBundleCourtNotValid).
	badCourt := shortBundle(t, dir, "badcourt")
	if err := os.WriteFile(filepath.Join(badCourt, decode.BundleCourt), []byte(`{"xne":0,"yne":`), 0o644); err != nil {
		t.Fatal(err)
	}
	// A recording of garbage: no line decodes.
	garbage := filepath.Join(dir, "garbage.jsonl")
	if err := os.WriteFile(garbage, []byte("not json\n{\"type\":\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.jsonl")

	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", good, badCourt, garbage, missing)
	if code := exitCode(err); code != 1 {
		t.Errorf("exit status %d (err %v), want 1", code, err)
	}
	// Each failure is one line marked "error:" and naming its file first,
	// the court's as the others.
	for _, want := range []string{
		"stmotion analyze: error: " + filepath.Join(badCourt, decode.BundleCourt) + ": decode: not valid JSON",
		"stmotion analyze: error: " + garbage + ": no message decoded",
		"stmotion analyze: error: " + missing + ": decode: find bundles: no such file",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stderr, garbage+":1:") {
		t.Errorf("stderr does not give the bad line as file:line:\n%s", stderr)
	}
	// Nothing of the context of an input that did not decode at all.
	if strings.Contains(stderr, garbage+": no court") || strings.Contains(stderr, garbage+": no subscribe") {
		t.Errorf("stderr warns of what garbage.jsonl lacks:\n%s", stderr)
	}
	if got, want := strings.TrimSpace(stdout), "1 of 4 inputs analysed into "+out+"; 3 failed: "+missing+", "+badCourt+", "+garbage; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	if len(multi.Sessions) != 1 || multi.Sessions[0].Source != good || len(multi.Failed) != 3 {
		t.Errorf("summary.json: %d sessions, %d failed: %+v", len(multi.Sessions), len(multi.Failed), multi.Failed)
	}
	// The good session's tables are there; the failed ones left nothing.
	if _, err := os.Stat(filepath.Join(out, "samples", "session_id="+multi.Sessions[0].SessionID, "part-0.parquet")); err != nil {
		t.Error(err)
	}
	parts, _ := filepath.Glob(filepath.Join(out, "samples", "*"))
	if len(parts) != 1 {
		t.Errorf("samples partitions = %v, want only the good session's", parts)
	}
}

// Bad lines inside a good recording are skipped, counted and reported
// with file:line; --strict turns them into a failure.
func TestAnalyzeBadLines(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	msgs := filepath.Join(b, decode.BundleMessages)
	data, err := os.ReadFile(msgs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	lines = append(lines[:3], append([]string{"{oops\n"}, lines[3:]...)...) // line 4
	if err := os.WriteFile(msgs, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}

	out := t.TempDir()
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", b)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, msgs+":4:") {
		t.Errorf("stderr does not report %s:4:\n%s", msgs, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if sum.Quality.BadLines != 1 {
		t.Errorf("quality.bad_lines = %d, want 1", sum.Quality.BadLines)
	}

	out2 := t.TempDir()
	_, stderr, err = runAnalyzeArgs(t, "--out", out2, "--quiet", "--strict", b)
	if exitCode(err) != 1 || !strings.Contains(stderr, msgs+":4:") {
		t.Errorf("--strict: err %v, stderr:\n%s", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(out2, "samples.parquet")); err == nil {
		t.Error("--strict failure left samples.parquet")
	}
}

// A line longer than the limit is a bad line whose message says how a
// user of analyze raises the limit (--max-line, as inspect has), not the
// Go option analyze users cannot set; with the limit raised it is read.
func TestAnalyzeMaxLine(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	msgs := filepath.Join(b, decode.BundleMessages)
	data, err := os.ReadFile(msgs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Line 4, a message padded with JSON whitespace to 2000 bytes and
	// its newline.
	long := strings.Replace(lines[3], ",", ","+strings.Repeat(" ", 2001-len(lines[3])), 1)
	lines = append(lines[:3], append([]string{long}, lines[4:]...)...)
	if err := os.WriteFile(msgs, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	f := func(maxLine string, wantBad int64, want string) {
		t.Helper()
		out := t.TempDir()
		_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--max-line", maxLine, b)
		if err != nil {
			t.Fatalf("analyze --max-line %s: %v\n%s", maxLine, err, stderr)
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		if sum.Quality.BadLines != wantBad || !strings.Contains(stderr, want) || strings.Contains(stderr, "ReaderOptions") {
			t.Errorf("--max-line %s: quality.bad_lines %d, want %d; stderr should contain %q and no Go option:\n%s", maxLine, sum.Quality.BadLines, wantBad, want, stderr)
		}
	}
	f("1999", 1, msgs+":4: decode: offset 1999: line too long: the line has 2000 bytes, more than the limit of 1999; it was skipped (analyze --max-line raises the limit)\n")
	f("2000", 0, "")
}

func TestAnalyzeArrowFormat(t *testing.T) {
	in := shortBundle(t, t.TempDir(), "g")
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--format", "arrow", "--live-only", "--hz", "10", in); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	for _, tb := range export.Tables() {
		if _, err := os.Stat(filepath.Join(out, tb.String()+".arrow")); err != nil {
			t.Errorf("table %s: %v", tb, err)
		}
	}
}

func TestAnalyzeFlags(t *testing.T) {
	f := func(args []string, wantCode int, wantErr string) {
		t.Helper()
		_, stderr, err := runAnalyzeArgs(t, args...)
		if code := exitCode(err); code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Errorf("analyze %v: exit %d, want %d; stderr should contain %q:\n%s", args, code, wantCode, wantErr, stderr)
		}
	}
	if stdout, _, err := runAnalyzeArgs(t, "-h"); err != nil || !strings.HasPrefix(stdout, "Usage: stmotion analyze") {
		t.Errorf("analyze -h: %v, want exit 0 and the usage on stdout", err)
	}
	f([]string{"--format", "csv", "x"}, 2, `unknown format "csv"`)
	f([]string{"--jobs", "0", "x"}, 2, "--jobs 0")
	f([]string{"--cell", "0", "x"}, 2, "--cell 0")
	// --cell: 0.05 to 10 m. 1000 and 1e6 panicked drawing the charts,
	// 0.002 took 38 s and 10 GB.
	for _, c := range []string{"0.049", "0.002", "10.01", "1000", "1e6", "-1", "NaN", "+Inf"} {
		f([]string{"--cell", c, "x"}, 2, ": want a size from 0.05 to 10 m")
	}
	// --batch-rows: 1024 to 2 Mi. 0 and below were one row a group (a
	// 200 MB samples file, 50 s); far above, buffers of gigabytes.
	for _, n := range []string{"0", "-1", "1023", "2097153", "1000000000"} {
		f([]string{"--batch-rows", n, "x"}, 2, "--batch-rows "+n+": want 1024 to 2097152 rows")
	}
	// --hz: 0, or 1 to 1000 Hz as the engine runs. Below 1 Hz ran
	// silently at 1 Hz; above 1000, every input failed with "track:
	// invalid config".
	for _, hz := range []string{"0.5", "0.001", "1000.5", "1e9", "-1", "NaN"} {
		f([]string{"--hz", hz, "x"}, 2, ": want a rate from 1 to 1000 Hz, or 0 for the feed's own")
	}
	// --max-line: as inspect's.
	for _, n := range []string{"0", "-1", "1073741825"} {
		f([]string{"--max-line", n, "x"}, 2, "--max-line "+n+": want 1 to 1073741824 bytes")
	}
	// Accepted: the run goes on to the input, which fails.
	missing := filepath.Join(t.TempDir(), "missing.jsonl")
	for _, args := range [][]string{
		{"--cell", "0.05"}, {"--cell", "10"}, {"--batch-rows", "1024"}, {"--batch-rows", "2097152"},
		{"--hz", "0"}, {"--hz", "1"}, {"--hz", "1000"}, {"--max-line", "1"}, {"--max-line", "1073741824"},
	} {
		f(append(args, "--out", t.TempDir(), missing), 1, "missing.jsonl: decode: find bundles: no such file")
	}
	f([]string{"--nope"}, 2, "flag provided but not defined")
}

// --hz's bounds are the engine's: it runs minRate_Hz and maxRate_Hz as
// asked (a grid of 1000 and 1 ms), refuses a rate above maxRate_Hz, and
// runs a rate below minRate_Hz at minRate_Hz, which is why --hz refuses it.
func TestGridRateBounds(t *testing.T) {
	period := func(hz float64) (int64, error) {
		cfg := track.DefaultConfig()
		cfg.Rate_Hz = hz
		s, err := track.NewSession(cfg, track.Meta{})
		if err != nil {
			return 0, err
		}
		return s.Period_ms(), nil
	}
	for _, c := range []struct {
		hz       float64
		period   int64
		rejected bool
	}{
		{minRate_Hz, 1000, false},
		{maxRate_Hz, 1, false},
		{math.Nextafter(maxRate_Hz, math.Inf(1)), 0, true},
		{minRate_Hz / 2, 1000, false}, // clamped: not the rate asked
	} {
		p, err := period(c.hz)
		if rejected := errors.Is(err, track.ErrConfig); rejected != c.rejected || !c.rejected && (err != nil || p != c.period) {
			t.Errorf("engine at %g Hz: period %d ms, error %v; want %d ms, rejected %v", c.hz, p, err, c.period, c.rejected)
		}
	}
}

// Every flag the code defines is described by --help.
func TestAnalyzeHelpListsFlags(t *testing.T) {
	stdout, _, _ := runAnalyzeArgs(t, "-h")
	for _, name := range []string{"out", "jobs", "format", "live-only", "cell", "hz", "strict", "batch-rows", "quiet", "fsync", "images", "court", "roster", "allow-mirrored", "fold", "overwrite", "add", "max-line",
		"sprint-mps", "sprint-min-s", "accel-mps2", "accel-min-s", "speed-bands-mps", "dist-band"} {
		if !strings.Contains(stdout, "-"+name) {
			t.Errorf("--help does not describe -%s", name)
		}
	}
}

// A canceled run fails and leaves no table behind.
func TestAnalyzeCanceled(t *testing.T) {
	in := shortBundle(t, t.TempDir(), "g")
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	err := Run(ctx, []string{"analyze", "--out", out, "--quiet", in}, &o, &e)
	if err == nil {
		t.Fatalf("analyze with a canceled context succeeded:\n%s", o.String())
	}
	ents, _ := os.ReadDir(out)
	for _, en := range ents {
		if en.Name() != export.LockFile { // it stays
			t.Errorf("left %s in the output", en.Name())
		}
	}
}

// canceledOnceExists is a context canceled as soon as the file at path
// exists: an interrupt at a point of the run a test can name, without a
// clock (analyze and the pipeline poll Err; nothing waits on Done).
type canceledOnceExists struct {
	context.Context
	path string
}

func (c canceledOnceExists) Err() error {
	if _, err := os.Stat(c.path); err == nil {
		return context.Canceled
	}
	return nil
}

// An interrupted run (Ctrl-C) into a complete output: the inputs it did
// not reach are not failures but canceled, keep their tables, and keep
// their earlier summary.json entries (earlier_run), so that summary.json
// and the dataset tell the same story; a session that does fail in it
// still loses its outputs.
func TestAnalyzeInterrupted(t *testing.T) {
	dir := t.TempDir()
	var gs []string
	for _, n := range []string{"g1", "g2", "g3", "g4"} {
		g := shortBundle(t, dir, n)
		if err := os.Remove(filepath.Join(g, decode.BundleLive)); err != nil {
			t.Fatal(err)
		}
		gs = append(gs, g)
	}
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet"}, gs...)...); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	// g4 fails this time: a subscribe.json that does not parse.
	if err := os.WriteFile(filepath.Join(gs[3], decode.BundleSubscribe), []byte(`{"teams": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	// Interrupted once g1 is written (as Arrow, so that its file is new):
	// g2 and g3 are not reached.
	ctx := canceledOnceExists{context.Background(), filepath.Join(out, "samples", "session_id=g1", "part-0.arrow")}
	var o, e bytes.Buffer
	err := Run(ctx, append([]string{"analyze", "--out", out, "--quiet", "--jobs", "1", "--format", "arrow"}, gs...), &o, &e)
	stdout, stderr := o.String(), e.String()
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 4 inputs analysed") {
		t.Fatalf("interrupted run: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	for _, want := range []string{"interrupted: 2 inputs not analysed (" + gs[1] + ", " + gs[2] + "); what earlier runs wrote for them under " + out + " is left in place, and summary.json lists them under canceled, the earlier entries of their sessions kept in sessions[] with earlier_run\n", gs[3]} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, gs[1]+": canceled") {
		t.Errorf("stderr reports an input not reached as failed:\n%s", stderr)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	var sessions []string
	for _, s := range multi.Sessions {
		sessions = append(sessions, fmt.Sprintf("%s earlier_run=%v", s.SessionID, s.EarlierRun))
	}
	if want := []string{"g1 earlier_run=false", "g2 earlier_run=true", "g3 earlier_run=true"}; !slices.Equal(sessions, want) {
		t.Errorf("summary.json sessions %q, want %q", sessions, want)
	}
	if want := []export.CanceledInput{{Source: gs[1], SessionID: "g2"}, {Source: gs[2], SessionID: "g3"}}; !slices.Equal(multi.Canceled, want) {
		t.Errorf("summary.json canceled %+v, want %+v", multi.Canceled, want)
	}
	if len(multi.Failed) != 1 || multi.Failed[0].SessionID != "g4" {
		t.Errorf("summary.json failed %+v, want g4", multi.Failed)
	}
	// The tables: g1's new ones, g2's and g3's of the first run; none of
	// g4, which failed.
	o2, err := export.FindOutputs(out)
	if err != nil || !slices.Equal(o2.Sessions, []string{"g1", "g2", "g3"}) {
		t.Errorf("after the interrupt: %+v, %v; want the partitions of g1, g2 and g3", o2, err)
	}
	for _, s := range multi.Sessions {
		for _, p := range s.Tables {
			if _, err := os.Stat(filepath.Join(out, p)); err != nil {
				t.Errorf("summary.json names %s of %s, not on disk: %v", p, s.SessionID, err)
			}
		}
	}

	// Interrupted before any input, without a failure: nothing changes.
	if err := os.Remove(filepath.Join(gs[3], decode.BundleSubscribe)); err != nil {
		t.Fatal(err)
	}
	before := listFiles(t, out)
	summary, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx = canceledOnceExists{context.Background(), out}
	o.Reset()
	e.Reset()
	err = Run(ctx, append([]string{"analyze", "--out", out, "--quiet", "--overwrite"}, gs[1:]...), &o, &e)
	if exitCode(err) != 1 {
		t.Errorf("interrupted before any input: exit %d, want 1", exitCode(err))
	}
	// It says what happened: summary.json was not rewritten.
	if want := "is left in place, and so is summary.json, not rewritten as no input was analysed or failed; --overwrite removed no other session's outputs\n"; !strings.Contains(e.String(), want) || strings.Contains(e.String(), "lists them under canceled") {
		t.Errorf("interrupted before any input: stderr lacks %q or claims summary.json lists them:\n%s", want, e.String())
	}
	if d := diffFiles(listFiles(t, out), before); d != "" {
		t.Errorf("interrupted before any input, --out changed: %s", d)
	}
	if now, _ := os.ReadFile(filepath.Join(out, "summary.json")); !bytes.Equal(now, summary) {
		t.Errorf("interrupted before any input, summary.json changed")
	}

	// Into an empty --out: summary.json has no earlier entries to keep,
	// and does not say it kept them.
	fresh := t.TempDir()
	ctx = canceledOnceExists{context.Background(), filepath.Join(fresh, "samples", "session_id=g1", "part-0.parquet")}
	o.Reset()
	e.Reset()
	err = Run(ctx, append([]string{"analyze", "--out", fresh, "--quiet", "--jobs", "1"}, gs[:3]...), &o, &e)
	if want := "and summary.json lists them under canceled (the earlier summary.json had no entry of their sessions to keep)\n"; exitCode(err) != 1 || !strings.Contains(e.String(), want) {
		t.Errorf("interrupted into an empty --out: exit %d, stderr lacks %q:\n%s", exitCode(err), want, e.String())
	}
}

func TestBenchPipelineRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and analyses a game")
	}
	var o, e bytes.Buffer
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	if err := Run(context.Background(), []string{"bench", "pipeline", "--minutes", "0.3", "--reps", "2", "--scale", "2", "--games", "2", "--cpuprofile", prof}, &o, &e); err != nil {
		t.Fatalf("bench pipeline: %v\n%s", err, e.String())
	}
	// A pprof profile is gzip-compressed protobuf.
	if data, err := os.ReadFile(prof); err != nil || !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		t.Errorf("--cpuprofile %s: %v, %d bytes, not a profile", prof, err, len(data))
	}
	for _, want := range []string{"decode", "engine", "pipeline", "x decode); writing the tables adds", "analyze's images add", "memory vs length", "GOGC=10 (dense marking)", "peak RSS MB", "2 games: --jobs 1",
		"0.3 min at 25 Hz", "the two games in turn, 2 runs each): 0.3 min: peak heap", "; 0.6 min: peak heap"} {
		if !strings.Contains(o.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, o.String())
		}
	}
	// A fractional length is printed as given, not rounded to "0 min".
	if !strings.Contains(e.String(), "simulating a 0.3-minute game") || strings.Contains(o.String()+e.String(), " 0 min") {
		t.Errorf("--minutes 0.3 reported as:\n%s\n%s", e.String(), o.String())
	}
}

// Session ids are unique whatever the inputs are called: a renamed
// duplicate never takes another input's id (coll/a/game.jsonl and
// coll/b/game.jsonl beside coll/game-2.jsonl), and a path met twice (here
// under its directory and again by another spelling) is analysed once.
func TestAnalyzeSessionIDs(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(shortBundle(t, dir, "g"), decode.BundleMessages)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	coll := filepath.Join(dir, "coll")
	for _, p := range []string{"a/game.jsonl", "b/game.jsonl", "game-2.jsonl"} {
		p = filepath.Join(coll, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		// Copies: the same file under other names (a link) is one
		// recording, analysed once (below).
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(dir, "link.jsonl")
	if err := os.Symlink(filepath.Join(coll, "game-2.jsonl"), link); err != nil {
		t.Fatal(err)
	}
	again := filepath.Join(coll, "b", "..", "a", "game.jsonl")
	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", coll, again, link)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	if want := "3 of 3 inputs analysed"; !strings.Contains(stdout, want) {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	if want := again + ": given more than once: analysed once"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	if want := link + ": the same recording as " + filepath.Join(coll, "game-2.jsonl") + ": analysed once"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	got := map[string]string{}
	for _, s := range multi.Sessions {
		if prev, ok := got[s.SessionID]; ok {
			t.Errorf("session %s twice: %s and %s", s.SessionID, prev, s.Source)
		}
		got[s.SessionID] = s.Source
	}
	want := map[string]string{
		"game":   filepath.Join(coll, "a", "game.jsonl"),
		"game-3": filepath.Join(coll, "b", "game.jsonl"),
		"game-2": filepath.Join(coll, "game-2.jsonl"),
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sessions (id: source) %v, want %v", got, want)
	}
	o, err := export.FindOutputs(out)
	if err != nil || !slices.Equal(o.Sessions, []string{"game", "game-2", "game-3"}) {
		t.Errorf("partitions of %v (%v), want game, game-2, game-3", o.Sessions, err)
	}
}

// Of two inputs that are the same recording, the bundle is analysed, not
// its bare messages file (which has no live id, court or roster), whatever
// the order of the arguments, or of the names a directory search finds
// (a link to the file sorts before a link to the bundle).
func TestAnalyzeSameRecordingKeepsBundle(t *testing.T) {
	dir := t.TempDir()
	g02 := shortBundle(t, filepath.Join(dir, "src"), "g02")
	b, err := decode.OpenBundle(g02)
	if err != nil {
		t.Fatal(err)
	}
	id, msgs := pipeline.SessionID(b), b.MessagesPath
	season := filepath.Join(dir, "season")
	if err := os.MkdirAll(season, 0o755); err != nil {
		t.Fatal(err)
	}
	fileLink, dirLink := filepath.Join(season, "g02.jsonl"), filepath.Join(season, "g02dir")
	if err := os.Symlink(msgs, fileLink); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(g02, dirLink); err != nil {
		t.Fatal(err)
	}
	f := func(bundle, bare string, args ...string) {
		t.Helper()
		out := t.TempDir()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false"}, args...)...)
		if err != nil || !strings.HasPrefix(stdout, "1 of 1 inputs analysed") {
			t.Fatalf("analyze %q: %v, stdout %q\n%s", args, err, stdout, stderr)
		}
		if want := bare + ": the same recording as " + bundle + ": analysed once, as the bundle\n"; !strings.Contains(stderr, want) {
			t.Errorf("analyze %q: stderr lacks %q:\n%s", args, want, stderr)
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		if sum.SessionID != id || sum.Source != bundle || len(sum.Teams) == 0 {
			t.Errorf("analyze %q: session %q from %q with %d teams; want %q from the bundle %q, with its roster's teams", args, sum.SessionID, sum.Source, len(sum.Teams), id, bundle)
		}
	}
	f(g02, msgs, msgs, g02)
	f(g02, msgs, g02, msgs)
	f(dirLink, fileLink, season)
}

// A roster that matches none of the sensors (another session's) gives its
// teams no possession: the engine knows a holder's team from the roster
// only. The report says so instead of "possession 0 s" above players
// (their team from the feed's stats) who show possession, and teams[]
// says it with player_sensors 0; a roster that matches counts its sensors.
func TestAnalyzeRosterMatchesNoSensor(t *testing.T) {
	dir := t.TempDir()
	good := shortBundle(t, dir, "good")
	other := copyBundle(t, good, filepath.Join(dir, "other"))
	path := filepath.Join(other, decode.BundleSubscribe)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var sub map[string]any
	if err := json.Unmarshal(raw, &sub); err != nil {
		t.Fatal(err)
	}
	for _, tm := range sub["teams"].([]any) {
		for _, p := range tm.(map[string]any)["players"].([]any) {
			p.(map[string]any)["id"] = p.(map[string]any)["id"].(float64) + 100_000
		}
	}
	if raw, err = json.Marshal(sub); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in      string
		matched bool
	}{{good, true}, {other, false}} {
		out := t.TempDir()
		stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--images=false", c.in)
		if err != nil {
			t.Fatalf("analyze %s: %v\n%s", c.in, err, stderr)
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		if len(sum.Teams) == 0 {
			t.Fatalf("analyze %s: no teams in summary.json", c.in)
		}
		var sensors, held int64
		for _, tm := range sum.Teams {
			sensors += tm.PlayerSensors
			header := fmt.Sprintf("\n%s: possession %.0f s\n", tm.Name, tm.Possession_s)
			if !c.matched {
				header = "\n" + tm.Name + " (the roster matched none of the player sensors: no team possession measured):\n"
			}
			if !strings.Contains(stdout, header) {
				t.Errorf("analyze %s: the report lacks %q:\n%s", c.in, header, stdout)
			}
		}
		for _, p := range sum.Players {
			if p.Possession_s > 0 {
				held++
			}
		}
		if want := sum.Quality.PlayerSensors - sum.Quality.UnknownIDs; sensors != want || c.matched != (sensors > 0) || held == 0 {
			t.Errorf("analyze %s: teams[] count %d player sensors, want %d (%d sensors, %d not on the roster); %d players held the ball", c.in, sensors, want, sum.Quality.PlayerSensors, sum.Quality.UnknownIDs, held)
		}
		if !c.matched && strings.Contains(stdout, ": possession 0 s") {
			t.Errorf("analyze %s: the report gives a team possession 0 s:\n%s", c.in, stdout)
		}
	}
}

// A bare recording (no court, no roster) is analysed in the sensor frame,
// with warnings that say so. Its players' teams come from the feed's
// stats only, without team possession: summary.json lists no teams, and
// the report gives them no possession figure either.
func TestAnalyzeBareRecording(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	bare := filepath.Join(dir, "game.jsonl")
	if err := os.Rename(filepath.Join(b, decode.BundleMessages), bare); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, bare)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	for _, want := range []string{"no court.json", "no subscribe.json"} {
		if !strings.Contains(stderr, bare+": "+want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if sum.SessionID != "game" || !sum.Quality.NoCourt || len(sum.Players) == 0 {
		t.Errorf("summary.json: session %q, no_court %v, %d players", sum.SessionID, sum.Quality.NoCourt, len(sum.Players))
	}
	if len(sum.Teams) != 0 || sum.Players[0].TeamID == 0 {
		t.Fatalf("summary.json: teams %+v, first player's team %d; want no teams and the feed's team ids", sum.Teams, sum.Players[0].TeamID)
	}
	if strings.Contains(stdout, ": possession") || !strings.Contains(stdout, fmt.Sprintf("team %d (from the feed's stats, not on a roster: no team possession):", sum.Players[0].TeamID)) {
		t.Errorf("report gives a team possession that summary.json does not have:\n%s", stdout)
	}
}

// --court and --roster give a bare recording what its bundle had: the
// same analysis, without warnings. --roster fills in only what an input
// lacks; --court replaces a bundle's own court.json too, with a warning
// (it was ignored without a word). A court or roster that cannot be used
// fails the run before any input is read.
func TestAnalyzeCourtRosterFlags(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	// Named as the bundle, and the bundle without the live.json that would
	// name its session, for the same session id in the tables.
	if err := os.Remove(filepath.Join(b, decode.BundleLive)); err != nil {
		t.Fatal(err)
	}
	bare := filepath.Join(dir, "bare", "g.jsonl")
	if err := os.Mkdir(filepath.Dir(bare), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(b, decode.BundleMessages), bare); err != nil {
		t.Fatal(err)
	}
	// The roster as a bare array of teams, as some exports have it.
	sub, _, err := decode.ReadRoster(filepath.Join(b, decode.BundleSubscribe))
	if err != nil {
		t.Fatal(err)
	}
	teams, _ := json.Marshal(sub.Teams)
	roster := filepath.Join(dir, "players.json")
	if err := os.WriteFile(roster, teams, 0o644); err != nil {
		t.Fatal(err)
	}
	courtPath := filepath.Join(b, decode.BundleCourt)
	// The same court moved 2 m along the sensor's x axis.
	moved := editCourt(t, courtPath, filepath.Join(dir, "moved-court.json"), func(c map[string]any) {
		for _, k := range []string{"xne", "xse", "xsw", "xnw"} {
			c[k] = c[k].(float64) + 2000
		}
		for _, h := range c["hoops"].([]any) {
			h.(map[string]any)["x"] = h.(map[string]any)["x"].(float64) + 2000
		}
	})

	type result struct {
		sum     export.SessionSummary
		samples []byte
	}
	analyze := func(args ...string) result {
		t.Helper()
		out := t.TempDir()
		// (The template named: no warning that the size fits others.)
		_, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false", "--court-template", "nba"}, args...)...)
		if err != nil || stderr != "" {
			t.Fatalf("analyze %v: %v; want no error and no warning:\n%s", args, err, stderr)
		}
		var r result
		readJSON(t, filepath.Join(out, "summary.json"), &r.sum)
		if r.samples, err = os.ReadFile(filepath.Join(out, "samples.parquet")); err != nil {
			t.Fatal(err)
		}
		return r
	}
	want := analyze(b)
	got := analyze("--court", courtPath, "--roster", roster, bare)
	if got.sum.Quality.NoCourt || !bytes.Equal(got.samples, want.samples) {
		t.Errorf("bare recording with --court and --roster: no_court %v, samples.parquet the bundle's: %v", got.sum.Quality.NoCourt, bytes.Equal(got.samples, want.samples))
	}
	if len(got.sum.Players) != len(want.sum.Players) || len(got.sum.Teams) != 2 {
		t.Fatalf("%d players and %d teams, want %d and 2", len(got.sum.Players), len(got.sum.Teams), len(want.sum.Players))
	}
	for i, p := range got.sum.Players {
		if w := want.sum.Players[i]; p.Name == "" || p.Name != w.Name || p.TeamID != w.TeamID || p.Distance_m != w.Distance_m {
			t.Errorf("player %d: %q of team %d, %.3f m; the bundle's: %q of team %d, %.3f m", p.PlayerID, p.Name, p.TeamID, p.Distance_m, w.Name, w.TeamID, w.Distance_m)
		}
	}
	// The same court given: no warning, the same analysis.
	if own := analyze("--court", courtPath, b); !bytes.Equal(own.samples, want.samples) {
		t.Error("--court with the bundle's own court.json changed the analysis")
	}
	out := t.TempDir()
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--court-template", "nba", "--court", moved, b)
	if err != nil {
		t.Fatal(err)
	}
	if w := "stmotion analyze: warning: " + courtPath + ": not used: the court given for every input (analyze --court " + moved + ") replaces it (it is a valid court)\n"; stderr != w {
		t.Errorf("--court over a bundle's own court.json: stderr %q, want %q", stderr, w)
	}
	if m, err := os.ReadFile(filepath.Join(out, "samples.parquet")); err != nil || bytes.Equal(m, want.samples) {
		t.Errorf("--court over a bundle's own court.json gave the same samples: the flag is not used (%v)", err)
	}
	if m := analyze("--court", moved, "--roster", roster, bare); bytes.Equal(m.samples, want.samples) || m.sum.Quality.NoCourt {
		t.Error("--court with another court gave the same samples: the flag is not used")
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--court", filepath.Join(dir, "missing.json")}, "--court: decode: court file"},
		{[]string{"--court", roster}, "--court " + roster + ": court:"},
		{[]string{"--roster", courtPath}, "--roster: decode: roster file " + courtPath + ": no teams"},
	} {
		stdout, stderr, err := runAnalyzeArgs(t, append(append([]string{"--out", t.TempDir(), "--quiet"}, c.args...), bare)...)
		if exitCode(err) != 2 || !strings.Contains(stderr, "stmotion analyze: "+c.want) || strings.Contains(stderr, bare) || stdout != "" {
			t.Errorf("analyze %v: exit %d, stderr %q; want 2 and an error with %q before any input", c.args, exitCode(err), stderr, c.want)
		}
	}
}

// A court whose hoops fail their check (given at the floor, z = 0) failed
// every input with exit 2 and "set Options.IgnoreHoopHeight to skip", a Go
// option no flag sets, though the hoops drive nothing. The hoops are
// dropped with a warning naming the file, and the analysis is the one of
// the court without them.
func TestAnalyzeCourtHoopsDropped(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	own := filepath.Join(b, decode.BundleCourt)
	floor := editCourt(t, own, filepath.Join(dir, "floor-court.json"), func(c map[string]any) {
		for _, h := range c["hoops"].([]any) {
			h.(map[string]any)["z"] = 0.0
		}
	})
	bare := filepath.Join(b, decode.BundleMessages)
	samples := func(args ...string) ([]byte, string) {
		t.Helper()
		out := t.TempDir()
		_, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false", "--roster", filepath.Join(b, decode.BundleSubscribe)}, args...)...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, "samples.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		return data, stderr
	}
	want, _ := samples("--court", own, bare)
	got, stderr := samples("--court", floor, bare)
	if !bytes.Equal(got, want) {
		t.Error("the court with its hoops at the floor gave other samples than with them at the rim")
	}
	if !strings.Contains(stderr, "stmotion analyze: warning: "+floor+": court: hoop check failed, the hoops are not used: hoops[0] has z = 0 mm") ||
		!strings.Contains(stderr, `remove "hoops"`) || strings.Contains(stderr, "Options.") {
		t.Errorf("stderr %q: want a warning that the hoops of %s are dropped, naming no Go option", stderr, floor)
	}
	// summary.json's court and the report say they were dropped (they
	// had read "no hoops listed", and hoops 0 as for a court.json
	// without any).
	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--images=false", "--court-template", "nba", "--court", floor, bare)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum export.SessionSummary
	if err := json.Unmarshal(data, &sum); err != nil || sum.Court == nil {
		t.Fatalf("summary.json: court %v, %v", sum.Court, err)
	}
	if c := sum.Court; c.Hoops != 0 || c.HoopsDropped != "hoop-height" {
		t.Errorf("summary.json court: hoops %d, hoops_dropped %q; want 0 and hoop-height", c.Hoops, c.HoopsDropped)
	}
	if !strings.Contains(stdout, "hoops dropped (they failed the hoop-height check)") || strings.Contains(stdout, "no hoops listed") {
		t.Errorf("the report's court line does not say the hoops were dropped:\n%s", stdout)
	}
}

// A bundle whose court.json is not a valid court (the seed's example body,
// as an API may serve it) failed its input, while stmotion live had run
// the session in the sensor frame, and --court could not replace it. It
// is analysed as live ran it, in the sensor frame with a warning and
// limits no_court; --court replaces it.
func TestAnalyzeBundleCourtNotValid(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	venue := filepath.Join(dir, "venue.json")
	if err := os.Rename(filepath.Join(b, decode.BundleCourt), venue); err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(b, decode.BundleCourt)
	if err := os.WriteFile(own, []byte(`{"xne":0,"yne":0,"xse":2,"yse":2,"xsw":4,"ysw":4,"xnw":6,"ynw":6,"hoops":[{"x":0,"y":0,"z":13},{"x":10,"y":10,"z":23}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args    []string
		noCourt bool
		warn    string
	}{
		{nil, true, own + ": court: size check failed: the court is 0.005657 m long"},
		{[]string{"--court", venue}, false, own + ": not used: the court given for every input (analyze --court " + venue + ") replaces it (it is not a valid court either: court: size check failed"},
	} {
		out := t.TempDir()
		_, stderr, err := runAnalyzeArgs(t, append(append([]string{"--out", out, "--quiet", "--images=false"}, c.args...), b)...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", c.args, err, stderr)
		}
		if !strings.Contains(stderr, "stmotion analyze: warning: "+c.warn) {
			t.Errorf("analyze %v: stderr lacks %q:\n%s", c.args, c.warn, stderr)
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		if sum.Quality.NoCourt != c.noCourt || slices.Contains(sum.Limits, export.LimitNoCourt) != c.noCourt {
			t.Errorf("analyze %v: no_court %v, limits %q; want no_court %v", c.args, sum.Quality.NoCourt, sum.Limits, c.noCourt)
		}
	}
}

// An --out holding tables this run would not replace is refused before
// any work (readers would take them for part of its dataset); the same
// sessions again replace their own; --overwrite clears the way.
func TestAnalyzeOutHoldsOtherSessions(t *testing.T) {
	dir := t.TempDir()
	g1, g2, g3 := shortBundle(t, dir, "g1"), shortBundle(t, dir, "g2"), shortBundle(t, dir, "g3")
	for _, b := range []string{g1, g2, g3} {
		// The same simulated game each time: without live.json, each
		// session is named after its directory.
		if err := os.Remove(filepath.Join(b, decode.BundleLive)); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	run := func(args ...string) (string, error) {
		t.Helper()
		_, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false"}, args...)...)
		return stderr, err
	}
	if stderr, err := run(g1, g2); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	if stderr, err := run(g2, g1); err != nil {
		t.Fatalf("the same sessions again: %v\n%s", err, stderr)
	}
	sessions := func() []string {
		o, err := export.FindOutputs(out)
		if err != nil {
			t.Fatal(err)
		}
		return append(o.Sessions, o.Flat...)
	}
	before := sessions()
	for _, args := range [][]string{{g1, g3}, {g3}, {g1}} {
		stderr, err := run(args...)
		if exitCode(err) != 2 || !strings.Contains(stderr, "other session(s)") || !strings.Contains(stderr, "--overwrite") {
			t.Errorf("analyze %v into the outputs of g1 and g2: exit %d, %s; want 2 and a refusal naming --overwrite", args, exitCode(err), stderr)
		}
		if got := sessions(); !slices.Equal(got, before) {
			t.Errorf("analyze %v was refused but changed the outputs: %v, before %v", args, got, before)
		}
	}
	if stderr, err := run("--overwrite", g3); err != nil {
		t.Fatalf("--overwrite: %v\n%s", err, stderr)
	}
	o, err := export.FindOutputs(out)
	if err != nil || len(o.Sessions) != 0 || len(o.Flat) != export.NumTables || o.FlatSession == "" {
		t.Errorf("after --overwrite with g3: %+v, %v; want g3's one-session tables only", o, err)
	}
	if stderr, err := run(g1, g2); exitCode(err) != 2 || !strings.Contains(stderr, "one-session tables of session "+o.FlatSession) {
		t.Errorf("two sessions into g3's one-session tables: exit %d, %s; want 2 and a refusal", exitCode(err), stderr)
	}
}

// A run killed outright (kill -9, OOM) after it renamed its tables into
// place but before it wrote summary.json (while it drew the images)
// leaves one-session tables no summary.json names. Running the same
// command again replaces them: their session_id column says they are its
// session's. It was refused (exit 2) as tables of an unknown session.
// Another session's run is still refused, naming the session the tables
// hold.
func TestAnalyzeRerunAfterKill(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	for _, format := range []string{"parquet", "arrow"} {
		out := t.TempDir()
		run := func(args ...string) (string, error) {
			t.Helper()
			_, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--format", format}, args...)...)
			return stderr, err
		}
		if stderr, err := run(g1); err != nil {
			t.Fatalf("%s: g1: %v\n%s", format, err, stderr)
		}
		// The state the kill leaves.
		if err := os.Remove(filepath.Join(out, export.SummaryFile)); err != nil {
			t.Fatal(err)
		}
		if stderr, err := run(g2); exitCode(err) != 2 || !strings.Contains(stderr, "one-session tables of session g1") {
			t.Errorf("%s: g2 into g1's tables without summary.json: exit %d, %s; want 2 and a refusal naming g1", format, exitCode(err), stderr)
		}
		if stderr, err := run(g1); err != nil {
			t.Fatalf("%s: g1 again into its tables without summary.json: %v (exit %d)\n%s", format, err, exitCode(err), stderr)
		}
		sum, err := export.ReadSummary(out)
		if err != nil || len(sum.Sessions) != 1 || sum.Sessions[0].SessionID != "g1" {
			t.Errorf("%s: after the rerun: summary %+v, %v; want g1's", format, sum, err)
		}
		if o, err := export.FindOutputs(out); err != nil || len(o.Flat) != export.NumTables || o.FlatSession != "g1" {
			t.Errorf("%s: after the rerun: %+v, %v; want g1's one-session tables", format, o, err)
		}
	}
}

// A run replaces its own sessions' outputs in the layout it writes: one
// session then several (g1, then g1 g2) and several then one (g1 and a
// missing input, then g1) are not refused, and leave only the new
// layout. A refusal names the sessions that are not the run's.
func TestAnalyzeLayoutChange(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	run := func(out string, args ...string) (string, string, error) {
		t.Helper()
		return runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false"}, args...)...)
	}
	outputs := func(out string) export.Outputs {
		t.Helper()
		o, err := export.FindOutputs(out)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	oneToMany := t.TempDir()
	if _, stderr, err := run(oneToMany, g1); err != nil {
		t.Fatalf("g1: %v\n%s", err, stderr)
	}
	if _, stderr, err := run(oneToMany, g1, g2); err != nil {
		t.Fatalf("g1 g2 into g1's one-session tables: %v (exit %d)\n%s", err, exitCode(err), stderr)
	}
	if o := outputs(oneToMany); len(o.Flat) != 0 || !slices.Equal(o.Sessions, []string{"g1", "g2"}) {
		t.Errorf("after g1, then g1 g2: %+v; want the partitions of g1 and g2 only", o)
	}

	manyToOne := t.TempDir()
	missing := filepath.Join(dir, "missing")
	if _, stderr, err := run(manyToOne, g1, missing); exitCode(err) != 1 {
		t.Fatalf("g1 missing: exit %d\n%s", exitCode(err), stderr)
	}
	if _, stderr, err := run(manyToOne, g1); err != nil {
		t.Fatalf("g1 into its own partitions: %v (exit %d)\n%s", err, exitCode(err), stderr)
	}
	if o := outputs(manyToOne); len(o.Sessions) != 0 || len(o.Flat) != export.NumTables || o.FlatSession != "g1" {
		t.Errorf("after g1 missing, then g1: %+v; want g1's one-session tables only", o)
	}

	// Another session's partitions beside the run's own: refused, naming
	// only the other one.
	if _, stderr, err := run(oneToMany, g1); exitCode(err) != 2 || !strings.Contains(stderr, "the partitions of 1 other session(s) (g2)") {
		t.Errorf("g1 into the partitions of g1 and g2: exit %d, %s; want 2 and a refusal naming g2 only", exitCode(err), stderr)
	}
}

// A bundle whose live.json does not parse fails alone, named with its
// file: its earlier outputs (under the live id the earlier summary.json
// gives its source) are its own, removed as any failed session's, not
// another session's that refuse the whole run. Without that summary,
// the refusal names the file.
func TestAnalyzeCorruptLive(t *testing.T) {
	dir := t.TempDir()
	shortBundle(t, dir, "g1")
	g2 := copyBundle(t, filepath.Join(dir, "g1"), filepath.Join(dir, "g2"))
	// Another live id for g2, so that the two are different sessions.
	live := filepath.Join(g2, decode.BundleLive)
	raw, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	var sum export.SessionSummary
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", filepath.Join(dir, "g1")); err != nil {
		t.Fatalf("g1: %v\n%s", err, stderr)
	}
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	id1 := sum.SessionID
	if err := os.WriteFile(live, bytes.ReplaceAll(raw, []byte(id1), []byte("other-live-id")), 0o644); err != nil {
		t.Fatal(err)
	}
	out = t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", dir); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	if err := os.WriteFile(live, []byte(`{"teams": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	bare := t.TempDir() // the same outputs without their summary.json
	if err := os.CopyFS(bare, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(bare, "summary.json")); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", dir)
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 2 inputs analysed") || !strings.Contains(stderr, live) ||
		!strings.Contains(stderr, "an earlier run wrote for session other-live-id: a failed session keeps no outputs") {
		t.Fatalf("a corrupt live.json: exit %d, stdout %q\n%s\nwant 1, 1 of 2, and g2's failure naming %s and its earlier outputs removed", exitCode(err), stdout, stderr, live)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	if len(multi.Sessions) != 1 || multi.Sessions[0].SessionID != id1 || len(multi.Failed) != 1 || multi.Failed[0].SessionID != "other-live-id" {
		t.Errorf("summary.json: %d sessions, failed %+v; want %s and other-live-id failed", len(multi.Sessions), multi.Failed, id1)
	}
	if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{id1}) {
		t.Errorf("after g2 failed: %+v, %v; want the partitions of %s only", o, err, id1)
	}

	_, stderr, err = runAnalyzeArgs(t, "--out", bare, "--quiet", dir)
	if exitCode(err) != 2 || !strings.Contains(stderr, "other session(s) (other-live-id)") || !strings.Contains(stderr, live) {
		t.Errorf("a corrupt live.json, no earlier summary.json: exit %d\n%s\nwant 2 and a refusal naming %s", exitCode(err), stderr, live)
	}
}

// The temporary files a killed run left in the directories a run writes
// are removed by the next run into them (a DuckDB glob over the
// partitions fails on them), and it says so.
func TestAnalyzeRemovesStaleTemps(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", g1, g2); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	before := listFiles(t, out)
	// What a kill -9 leaves: unlocked temporary files of analyze's naming.
	stale := []string{"samples/session_id=g1/.part-0.parquet.tmp-123", "players/session_id=g2/.part-0.parquet.tmp-4", ".summary.json.tmp-5"}
	touchFiles(t, out, stale...)
	touchFiles(t, out, userFiles...)
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", g1, g2)
	if err != nil || !strings.Contains(stderr, fmt.Sprintf("stmotion analyze: removed from %s 3 temporary files (0.0 MB) that a run killed while writing left", out)) {
		t.Errorf("rerun after a kill: %v, stderr %q; want the stale temporary files removed, and said", err, stderr)
	}
	want := slices.Sorted(slices.Values(append(before, userFiles...)))
	if d := diffFiles(listFiles(t, out), want); d != "" {
		t.Errorf("after the rerun, --out differs from the first run's outputs and the user's files: %s", d)
	}
}

// A killed run's temporary files in the partitions of sessions this run
// does not write (its own sessions, not analysed again) break a glob over
// the whole dataset as well: every run removes them, with --overwrite or
// without, and the partition directories that held nothing else, which
// would otherwise read as sessions without rows.
func TestAnalyzeRemovesOtherSessionsStaleTemps(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	for _, overwrite := range []bool{false, true} {
		out := t.TempDir()
		if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", g1, g2); err != nil {
			t.Fatalf("first run: %v\n%s", err, stderr)
		}
		before := listFiles(t, out)
		// What kill -9 left of a run of b21 and b22 into the same --out.
		stale := []string{
			"samples/session_id=b21/.part-0.parquet.tmp-1", "players/session_id=b21/.part-0.parquet.tmp-2",
			"samples/session_id=b22/.part-0.parquet.tmp-3", "images/session_id=b22/.heatmap_ball_1.png.tmp-4",
			"events/session_id=b22/.part-0.parquet.tmp-5",
		}
		touchFiles(t, out, stale...)
		touchFiles(t, out, "events/session_id=b22/mine.txt")
		_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", fmt.Sprintf("--overwrite=%v", overwrite), g1, g2)
		if err != nil || !strings.Contains(stderr, fmt.Sprintf("stmotion analyze: removed from %s 5 temporary files (0.0 MB) that a run killed while writing left, and 4 directories that held nothing else", out)) {
			t.Errorf("--overwrite=%v after a kill: %v, stderr %q; want the other sessions' stale temporary files removed, and said", overwrite, err, stderr)
		}
		want := slices.Sorted(slices.Values(append(before, "events/session_id=b22/mine.txt")))
		if d := diffFiles(listFiles(t, out), want); d != "" {
			t.Errorf("--overwrite=%v: --out differs from the first run's outputs and the user's file: %s", overwrite, d)
		}
		for _, dir := range []string{"samples/session_id=b21", "players/session_id=b21", "samples/session_id=b22", "images/session_id=b22"} {
			if _, err := os.Stat(filepath.Join(out, dir)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("--overwrite=%v: %s: %v; want it removed, as it held only stale temporary files", overwrite, dir, err)
			}
		}
	}
}

// listFiles lists the files under dir, relative to it, sorted, but the
// lock file that every run into dir leaves (export.LockFile: it stays,
// as documented).
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && p != filepath.Join(dir, export.LockFile) {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// userFiles are files of a user's own under an --out, where analyze
// writes tables and images: it must never remove them.
var userFiles = []string{"notes.md", "samples/mine/keep.txt", "images/keep.png"}

// diffFiles says which of got and want (sorted) are only in one of them,
// or "" when they are the same.
func diffFiles(got, want []string) string {
	var d []string
	for _, f := range got {
		if _, ok := slices.BinarySearch(want, f); !ok {
			d = append(d, "+"+f)
		}
	}
	for _, f := range want {
		if _, ok := slices.BinarySearch(got, f); !ok {
			d = append(d, "-"+f)
		}
	}
	return strings.Join(d, " ")
}

// touchFiles creates files (and their directories) under dir.
func touchFiles(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// --overwrite removes only what analyze writes (tables, its images,
// summary.json), and only once an input has been analysed: a run with
// nothing to write leaves the earlier outputs as they were.
func TestAnalyzeOverwrite(t *testing.T) {
	dir := t.TempDir()
	g1, g2, g3 := shortBundle(t, dir, "g1"), shortBundle(t, dir, "g2"), shortBundle(t, dir, "g3")
	for _, b := range []string{g1, g2, g3} {
		if err := os.Remove(filepath.Join(b, decode.BundleLive)); err != nil {
			t.Fatal(err)
		}
	}
	garbage := filepath.Join(dir, "garbage.jsonl")
	if err := os.WriteFile(garbage, []byte("not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", g1, g2); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	// A partition of a session of the user's own, too: --overwrite
	// removes no file it did not write, and so leaves it.
	mine := append(slices.Clone(userFiles), "players/session_id=x/README")
	touchFiles(t, out, mine...)
	before := listFiles(t, out)

	for _, in := range []string{filepath.Join(dir, "missing.jsonl"), garbage} {
		stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--overwrite", in)
		if exitCode(err) != 1 || !strings.Contains(stdout, "0 of 1 inputs analysed") {
			t.Errorf("--overwrite %s: exit %d, stdout %q; want 1 and 0 of 1", in, exitCode(err), stdout)
		}
		if d := diffFiles(listFiles(t, out), before); d != "" {
			t.Errorf("--overwrite %s analysed nothing but changed --out: %s\n%s", in, d, stderr)
		}
	}
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--overwrite", g3)
	if err != nil {
		t.Fatalf("--overwrite g3: %v\n%s", err, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	want := append([]string{"summary.json"}, mine...)
	for _, tb := range export.Tables() {
		want = append(want, tb.String()+".parquet")
	}
	want = append(want, sum.Images...)
	slices.Sort(want)
	if d := diffFiles(listFiles(t, out), want); d != "" {
		t.Errorf("after --overwrite g3, --out differs from g3's outputs and the user's files: %s", d)
	}
}

// A session that fails keeps none of the outputs an earlier run wrote
// for it (its old tables would read as this run's, while the summary lists
// it as failed), and says so; one that succeeds keeps only what it wrote
// this time (not its tables of another --format). A user's files stay.
func TestAnalyzeFailedRerun(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	spoil := func(b string) { spoilRecording(t, b) }
	hive, one := t.TempDir(), t.TempDir()
	for _, run := range [][]string{{"--out", hive, "--format", "arrow", g1, g2}, {"--out", one, g2}} {
		if _, stderr, err := runAnalyzeArgs(t, append([]string{"--quiet"}, run...)...); err != nil {
			t.Fatalf("analyze %v: %v\n%s", run, err, stderr)
		}
		touchFiles(t, run[1], userFiles...)
	}
	spoil(g2)

	// Several sessions: g2 fails, g1 is analysed again as Parquet.
	stdout, stderr, err := runAnalyzeArgs(t, "--out", hive, "--quiet", "--strict", g1, g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 2 inputs analysed") {
		t.Fatalf("--strict g1 g2: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	if !strings.Contains(stderr, "an earlier run wrote for session g2: a failed session keeps no outputs") {
		t.Errorf("stderr does not say g2's earlier outputs were removed:\n%s", stderr)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(hive, "summary.json"), &multi)
	// failed[] names the session the stderr line names.
	if len(multi.Failed) != 1 || multi.Failed[0].SessionID != "g2" || multi.Failed[0].Source != g2 {
		t.Errorf("summary.json failed[] = %+v; want g2 with its session id", multi.Failed)
	}
	want := append([]string{"summary.json"}, userFiles...)
	for _, tb := range export.Tables() {
		want = append(want, tb.String()+"/session_id=g1/part-0.parquet")
	}
	want = append(want, multi.Sessions[0].Images...)
	slices.Sort(want)
	if d := diffFiles(listFiles(t, hive), want); d != "" {
		t.Errorf("after g2 failed, --out differs from g1's outputs and the user's files: %s", d)
	}

	// One session: its tables, images and summary.json go.
	stdout, stderr, err = runAnalyzeArgs(t, "--out", one, "--quiet", "--strict", g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "0 of 1 inputs analysed") || !strings.Contains(stderr, "a failed session keeps no outputs") {
		t.Fatalf("--strict g2: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	want = slices.Sorted(slices.Values(userFiles))
	if d := diffFiles(listFiles(t, one), want); d != "" {
		t.Errorf("after the one session failed, --out differs from the user's files: %s", d)
	}
}

// spoilRecording appends a line that does not decode to the recording of
// bundle b: --strict then fails it.
func spoilRecording(t *testing.T, b string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(b, decode.BundleMessages), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("{oops\n"); err != nil {
		t.Fatal(err)
	}
}

// pinFile makes the file at path impossible to remove until the test
// ends: its directory read-only, or for root, whom that does not stop,
// the file immutable (chattr +i). It skips the test where neither works.
func pinFile(t *testing.T, path string) {
	t.Helper()
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	probe, err := os.CreateTemp(dir, "probe-")
	if err != nil {
		return // read-only for this user
	}
	probe.Close()
	os.Remove(probe.Name())
	if err := setImmutable(path, true); err != nil {
		t.Skipf("cannot make %s impossible to remove: a read-only directory does not stop this user, and the immutable attribute: %v", path, err)
	}
	t.Cleanup(func() { setImmutable(path, false) })
}

// A failed session's earlier outputs that cannot be removed (a read-only
// partition directory) stop nothing: the others go, and the failure of
// its input says what stays and why, as does its failed[] entry in
// summary.json (earlier_outputs_left), rather than one error naming no
// input and every file kept.
func TestAnalyzeFailedRerunCannotRemove(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", g1, g2); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	spoilRecording(t, g2)
	stuck := "samples/session_id=g2/part-0.parquet"
	pinFile(t, filepath.Join(out, stuck))
	var n int // the files of g2's earlier outputs
	for _, f := range listFiles(t, out) {
		if strings.Contains(f, "session_id=g2/") {
			n++
		}
	}

	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--strict", g1, g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 2 inputs analysed") {
		t.Fatalf("--strict g1 g2: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	want := fmt.Sprintf("stmotion analyze: error: %s.* \\(could not remove from %s 1 of the %d files an earlier run wrote for session g2, as a failed session keeps no outputs: export: remove table: remove %s: [a-z ]+; they stay, and readers of the dataset will read them: summary.json lists them in the session's failed entry, under earlier_outputs_left\\)\n",
		regexp.QuoteMeta(g2), regexp.QuoteMeta(out), n, regexp.QuoteMeta(filepath.Join(out, stuck)))
	if !regexp.MustCompile(want).MatchString(stderr) || strings.Contains(stderr, "error: analyze: --out") {
		t.Errorf("stderr does not match %q alone:\n%s", want, stderr)
	}
	var multi export.MultiSummary
	readJSON(t, filepath.Join(out, "summary.json"), &multi)
	if len(multi.Failed) != 1 || multi.Failed[0].SessionID != "g2" || !slices.Equal(multi.Failed[0].EarlierOutputsLeft, []string{stuck}) {
		t.Errorf("summary.json failed[] = %+v; want g2 with earlier_outputs_left [%s]", multi.Failed, stuck)
	}
	for _, f := range listFiles(t, out) {
		if strings.Contains(f, "session_id=g2/") && f != stuck {
			t.Errorf("%s stayed; want only %s of g2's earlier outputs left", f, stuck)
		}
	}
}

// heatRow is one row of the heatmaps table.
type heatRow struct {
	scope   string
	id      int64
	x_m     float64
	seconds float64
}

// readHeatmaps reads a heatmaps table: an Arrow IPC file (analyze
// --format arrow) or a Parquet file (the default, and live's parts).
func readHeatmaps(t *testing.T, path string) []heatRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []arrow.RecordBatch
	var schema *arrow.Schema
	if strings.HasSuffix(path, ".parquet") {
		tbl, err := pqarrow.ReadTable(context.Background(), f, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer tbl.Release()
		tr := array.NewTableReader(tbl, -1)
		defer tr.Release()
		for tr.Next() {
			rec := tr.RecordBatch()
			rec.Retain()
			defer rec.Release()
			recs = append(recs, rec)
		}
		schema = tbl.Schema()
	} else {
		r, err := ipc.NewFileReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for i := 0; i < r.NumRecords(); i++ {
			rec, err := r.RecordBatch(i)
			if err != nil {
				t.Fatal(err)
			}
			rec.Retain() // the reader releases it at the next RecordBatch
			defer rec.Release()
			recs = append(recs, rec)
		}
		schema = r.Schema()
	}
	col := func(name string) int {
		is := schema.FieldIndices(name)
		if len(is) != 1 {
			t.Fatalf("%s: no column %s in %s", path, name, schema)
		}
		return is[0]
	}
	scope, id, x, sec := col("scope"), col("id"), col("x_m"), col("seconds")
	var rows []heatRow
	for _, rec := range recs {
		sc, ids := rec.Column(scope).(*array.String), rec.Column(id).(*array.Int64)
		xs, ss := rec.Column(x).(*array.Float64), rec.Column(sec).(*array.Float64)
		for j := 0; j < int(rec.NumRows()); j++ {
			rows = append(rows, heatRow{sc.Value(j), ids.Value(j), xs.Value(j), ss.Value(j)})
		}
	}
	return rows
}

// analyze --fold keeps every heatmap's time, moves the team maps (the
// simulated teams change ends at half time) and says so in the images'
// titles; without --fold nothing says folded.
func TestAnalyzeFold(t *testing.T) {
	cfg := synth.SampleConfig() // 4 minutes: two halves
	in := filepath.Join(t.TempDir(), "game")
	truth, err := synth.Write(context.Background(), cfg, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		scope string
		id    int64
	}
	sums := map[bool]map[key]float64{}
	east := map[bool]map[key]float64{}
	for _, fold := range []bool{false, true} {
		out := t.TempDir()
		args := []string{"--out", out, "--format", "arrow", "--jobs", "1", "--quiet"}
		if fold {
			args = append(args, "--fold")
		}
		if _, stderr, err := runAnalyzeArgs(t, append(args, in)...); err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		sums[fold], east[fold] = map[key]float64{}, map[key]float64{}
		for _, r := range readHeatmaps(t, filepath.Join(out, "heatmaps.arrow")) {
			k := key{r.scope, r.id}
			sums[fold][k] += r.seconds
			if r.x_m > 0 {
				east[fold][k] += r.seconds
			}
		}
		for _, tt := range truth.Teams {
			svg, err := os.ReadFile(filepath.Join(out, "images", fmt.Sprintf("heatmap_team_%d.svg", tt.TeamID)))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(svg), "folded: offence right"); got != fold {
				t.Errorf("--fold %v: team %d heatmap title says folded: %v", fold, tt.TeamID, got)
			}
		}
	}
	if len(sums[true]) != len(sums[false]) || len(sums[true]) == 0 {
		t.Fatalf("%d maps folded, %d unfolded", len(sums[true]), len(sums[false]))
	}
	for k, want := range sums[false] {
		if got := sums[true][k]; math.Abs(got-want) > 1e-6 {
			t.Errorf("%s %d: %.6f s folded, %.6f s unfolded", k.scope, k.id, got, want)
		}
	}
	for _, tt := range truth.Teams {
		k := key{"team", tt.TeamID}
		if math.Abs(east[true][k]-east[false][k]) < 1 {
			t.Errorf("team %d (ends changed at half time): %.1f s on the east half folded, %.1f s unfolded: not folded", tt.TeamID, east[true][k], east[false][k])
		}
	}
}

// A court.json whose corners run counterclockwise (here: north and south
// swapped) is not used, with a warning naming --allow-mirrored (and not
// the Go option, Options.AllowMirrored, it named too): the session runs
// in the sensor frame, as stmotion live ran it; such a --court fails
// analyze and live; with the flag, the session runs mirrored, and its
// distances are those of the correct court (a mirror keeps lengths).
func TestAnalyzeMirroredCourt(t *testing.T) {
	dir := t.TempDir()
	in := shortBundle(t, dir, "g1")
	mirrored := filepath.Join(dir, "mirrored")
	if err := os.CopyFS(mirrored, os.DirFS(in)); err != nil {
		t.Fatal(err)
	}
	editCourt(t, filepath.Join(in, decode.BundleCourt), filepath.Join(mirrored, decode.BundleCourt), func(c map[string]any) {
		for _, k := range []string{"x", "y"} {
			c[k+"ne"], c[k+"se"] = c[k+"se"], c[k+"ne"]
			c[k+"nw"], c[k+"sw"] = c[k+"sw"], c[k+"nw"]
		}
	})

	flagWords := func(stderr string) bool {
		return strings.Contains(stderr, "counterclockwise") && strings.Contains(stderr, "(--allow-mirrored accepts it)") &&
			!strings.Contains(stderr, "Options.")
	}
	_, stderr, err := runAnalyzeArgs(t, "--out", t.TempDir(), "--quiet", "--images=false", mirrored)
	if err != nil || !flagWords(stderr) || !strings.Contains(stderr, "stmotion analyze: warning: "+filepath.Join(mirrored, decode.BundleCourt)+": court: mirror check failed") ||
		!strings.Contains(stderr, "positions stay in the sensor frame") {
		t.Fatalf("mirrored court: exit %d, stderr:\n%s", exitCode(err), stderr)
	}
	bare := filepath.Join(mirrored, decode.BundleMessages)
	flagCourt := filepath.Join(mirrored, decode.BundleCourt)
	// (analyze says it on stderr, exit status 2; live returns it, for
	// main to say: TestLiveBadCourt.)
	for _, args := range [][]string{
		{"analyze", "--out", t.TempDir(), "--quiet", "--court", flagCourt, bare},
		{"live", "--demo", "--listen", "", "--court", flagCourt},
	} {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), args, &stdout, &stderr)
		said := stderr.String()
		if _, ok := err.(exitError); err != nil && !ok {
			said += err.Error()
		}
		if err == nil || !flagWords(said) {
			t.Errorf("%v: %v, said:\n%s", args, err, said)
		}
	}

	distances := func(args ...string) map[int64]float64 {
		out := t.TempDir()
		if _, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false"}, args...)...); err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		var sum export.SessionSummary
		b, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &sum); err != nil {
			t.Fatal(err)
		}
		d := map[int64]float64{}
		for _, p := range sum.Players {
			d[p.PlayerID] = p.Distance_m
		}
		return d
	}
	want, got := distances(in), distances("--allow-mirrored", mirrored)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d players with the mirrored court, %d with the correct one", len(got), len(want))
	}
	for id, w := range want {
		if g := got[id]; math.Abs(g-w) > 1e-6*max(1, w) {
			t.Errorf("player %d: %.6f m with the mirrored court, %.6f m with the correct one", id, g, w)
		}
	}
}

// TestAnalyzeInterruptedKeepsOutputs: an interrupted run (Ctrl-C cancels
// the context) cuts its inputs short, and they fail with "canceled"; that
// is not their failure, so what an earlier run wrote for them stays, also
// with --overwrite. Such a run once removed every interrupted session's
// earlier tables and images as those of failed sessions.
func TestAnalyzeInterruptedKeepsOutputs(t *testing.T) {
	dir := t.TempDir()
	g1, g2 := shortBundle(t, dir, "g1"), shortBundle(t, dir, "g2")
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--quiet", "--out", out, g1, g2); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	before := listFiles(t, out)
	for _, overwrite := range []bool{false, true} {
		args := []string{"analyze", "--quiet", "--out", out, fmt.Sprintf("--overwrite=%v", overwrite), g1, g2}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var o, e bytes.Buffer
		err := Run(ctx, args, &o, &e)
		if err == nil || !strings.Contains(e.String(), "interrupted") {
			t.Errorf("overwrite %v: an interrupted run: err %v, stderr %q", overwrite, err, e.String())
		}
		if d := diffFiles(listFiles(t, out), before); d != "" {
			t.Errorf("overwrite %v: an interrupted run changed --out: %s", overwrite, d)
		}
	}
}

// TestAnalyzeUnopenableRerun: an input that cannot be opened (a bundle
// file that is not JSON) still has a session id, from what was read
// before the error; so, as any failed session, it loses what an earlier
// run wrote for it, and with other inputs its earlier partition is not
// taken for another session's (which refused the whole run).
func TestAnalyzeUnopenableRerun(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	hive, one := t.TempDir(), t.TempDir()
	for _, run := range [][]string{{"--out", hive, g1, g2}, {"--out", one, g2}} {
		if _, stderr, err := runAnalyzeArgs(t, append([]string{"--quiet"}, run...)...); err != nil {
			t.Fatalf("analyze %v: %v\n%s", run, err, stderr)
		}
	}
	if err := os.WriteFile(filepath.Join(g2, decode.BundleCourt), []byte(`{"xne": [1,}`), 0o644); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, err := runAnalyzeArgs(t, "--out", hive, "--quiet", g1, g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 2 inputs analysed") {
		t.Fatalf("g1 and a g2 that cannot be opened: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	for _, f := range listFiles(t, hive) {
		if strings.Contains(f, "session_id=g2") {
			t.Errorf("g2's earlier output %s left after it failed", f)
		}
	}

	stdout, stderr, err = runAnalyzeArgs(t, "--out", one, "--quiet", g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "0 of 1 inputs analysed") {
		t.Fatalf("a g2 that cannot be opened: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	if files := listFiles(t, one); len(files) != 0 {
		t.Errorf("g2's earlier outputs left after it failed: %v", files)
	}
}

// A searched directory's links to bundles are followed (once per target),
// a link named directly is its bundle, and an incomplete bundle (live.json
// but no messages file) is a failed input that says what it lacks, not a
// directory skipped without a word.
func TestAnalyzeSearchLinksIncomplete(t *testing.T) {
	dir := t.TempDir()
	season := filepath.Join(dir, "season")
	g1 := shortBundle(t, filepath.Join(season, "big"), "g1")
	if err := os.MkdirAll(filepath.Join(season, "linked"), 0o755); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(season, "linked", "g1")
	if err := os.Symlink(g1, linked); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	g2 := filepath.Join(season, "g2")
	if err := os.MkdirAll(g2, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{decode.BundleLive, decode.BundleCourt} {
		data, err := os.ReadFile(filepath.Join(g1, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(g2, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	out := t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--quiet", "--images=false", "--out", out, season)
	if exitCode(err) != 1 || stdout != "1 of 2 inputs analysed into "+out+"; 1 failed: "+g2+"\n" {
		t.Errorf("analyze season: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	want := "stmotion analyze: error: " + g2 + ": decode: an incomplete session bundle: live.json but no messages.jsonl, messages.jsonl.gz or messages.jsonl.zst"
	if !strings.Contains(stderr, want+"\n") {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}

	stdout, stderr, err = runAnalyzeArgs(t, "--quiet", "--images=false", "--out", t.TempDir(), linked)
	if err != nil || !strings.HasPrefix(stdout, "1 of 1 inputs") {
		t.Errorf("analyze %s: %v, stdout %q\n%s", linked, err, stdout, stderr)
	}
}

// Inputs with one session id get their suffixes by their absolute paths,
// whatever the order of the arguments, each renamed one with a warning;
// and a copy that fails before analysis (a court.json that is not JSON,
// a court that is not a rectangle) does not take the plain id from the
// good one, even sorted before it.
func TestAnalyzeSessionIDCollisions(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(shortBundle(t, dir, "src"), decode.BundleMessages)
	data, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	x, y := filepath.Join(dir, "x", "game.jsonl"), filepath.Join(dir, "y", "game.jsonl")
	for _, p := range []string{x, y} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sessions := func(args ...string) (map[string]string, string) {
		t.Helper()
		out := t.TempDir()
		_, stderr, _ := runAnalyzeArgs(t, append([]string{"--quiet", "--images=false", "--out", out}, args...)...)
		var multi export.MultiSummary
		readJSON(t, filepath.Join(out, "summary.json"), &multi)
		got := map[string]string{}
		for _, s := range multi.Sessions {
			got[s.Source] = s.SessionID
		}
		return got, stderr
	}
	for _, args := range [][]string{{x, y}, {y, x}} {
		got, stderr := sessions(args...)
		if got[x] != "game" || got[y] != "game-2" {
			t.Errorf("analyze %q: sessions %v, want %s game and %s game-2", args, got, x, y)
		}
		if want := "stmotion analyze: warning: " + y + ": session id game already used by " + x + ": written as game-2\n"; !strings.Contains(stderr, want) {
			t.Errorf("analyze %q: stderr lacks %q:\n%s", args, want, stderr)
		}
	}

	// Broken copies of a bundle, sorted before the good one: the same
	// live id. They are renamed, and warned of as any input. The one
	// whose court.json is not a valid court is analysed in the sensor
	// frame, after the good one, and before the one that fails.
	good := shortBundle(t, dir, "c-good")
	notJSON := copyBundle(t, good, filepath.Join(dir, "a-notjson"))
	if err := os.WriteFile(filepath.Join(notJSON, decode.BundleCourt), []byte(`{"xne":`), 0o644); err != nil {
		t.Fatal(err)
	}
	notRect := copyBundle(t, good, filepath.Join(dir, "b-notrect"))
	editCourt(t, filepath.Join(good, decode.BundleCourt), filepath.Join(notRect, decode.BundleCourt), func(c map[string]any) { c["xne"] = c["xne"].(float64) + 5000 })
	got, stderr := sessions(notJSON, notRect, good)
	b, err := decode.OpenBundle(good)
	if err != nil {
		t.Fatal(err)
	}
	id := pipeline.SessionID(b)
	if len(got) != 2 || got[good] != id || got[notRect] != id+"-2" {
		t.Errorf("sessions %v, want %s as %s and %s as %s-2", got, good, id, notRect, id)
	}
	for _, want := range []string{
		// Renamed, failed or not: the id names its failed[] entry.
		"stmotion analyze: warning: " + notRect + ": session id " + id + " already used by " + good + ": written as " + id + "-2\n",
		"stmotion analyze: warning: " + notJSON + ": session id " + id + " already used by " + good + ": written as " + id + "-3\n",
		"stmotion analyze: error: " + filepath.Join(notJSON, decode.BundleCourt) + ": decode: not valid JSON: ",
		"stmotion analyze: warning: " + filepath.Join(notRect, decode.BundleCourt) + ": court: rectangle check failed: ",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// A copy of a game whose recording cannot be analysed (a compressed
// stream corrupt in the middle, a .gz that is not gzip, an empty file; with
// --strict, a bad line) does not take the session id from the good copy,
// even sorted before it: the recordings of inputs that share an id are
// read through before ids are given. Its analysis still fails, under a
// renamed id, and says why. With --add, a broken copy does not replace
// the game another recording added to the dataset: it fails without a
// session id, and the session stays.
func TestAnalyzeBrokenRecordingCopy(t *testing.T) {
	dir := t.TempDir()
	good := shortBundle(t, dir, "m-good")
	msgs, err := os.ReadFile(filepath.Join(good, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(good)
	if err != nil {
		t.Fatal(err)
	}
	id := pipeline.SessionID(b)
	withMessages := func(name, file string, data []byte) string {
		p := copyBundle(t, good, filepath.Join(dir, name))
		os.Remove(filepath.Join(p, decode.BundleMessages))
		if err := os.WriteFile(filepath.Join(p, file), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(msgs)
	zw.Close()
	corrupt := bytes.Clone(gz.Bytes())
	for i := len(corrupt) / 2; i < len(corrupt)/2+64; i++ {
		corrupt[i] ^= 0x5a
	}
	corrupted := withMessages("a-corrupt", decode.BundleMessages+".gz", corrupt)
	notGzip := withMessages("b-notgzip", decode.BundleMessages+".gz", msgs)
	empty := withMessages("c-empty", decode.BundleMessages, nil)
	badLine := withMessages("d-badline", decode.BundleMessages, append([]byte("{\"type\":\n"), msgs...))

	analyze := func(out string, args ...string) (export.MultiSummary, string) {
		t.Helper()
		_, stderr, _ := runAnalyzeArgs(t, append([]string{"--quiet", "--images=false", "--out", out}, args...)...)
		var multi export.MultiSummary
		readJSON(t, filepath.Join(out, "summary.json"), &multi)
		return multi, stderr
	}
	ids := func(m export.MultiSummary) map[string]string {
		got := map[string]string{}
		for _, s := range m.Sessions {
			got[s.Source] = s.SessionID
		}
		for _, f := range m.Failed {
			got[f.Source] = "failed " + f.SessionID
		}
		return got
	}
	m, stderr := analyze(t.TempDir(), corrupted, notGzip, empty, good)
	want := map[string]string{good: id, corrupted: "failed " + id + "-2", notGzip: "failed " + id + "-3", empty: "failed " + id + "-4"}
	if got := ids(m); !maps.Equal(got, want) {
		t.Errorf("sessions %v, want %v\n%s", got, want, stderr)
	}
	for _, w := range []string{
		"stmotion analyze: warning: " + corrupted + ": session id " + id + " already used by " + good + ": written as " + id + "-2\n",
		"stmotion analyze: error: " + filepath.Join(corrupted, decode.BundleMessages+".gz") + ": decode: read ",
		"stmotion analyze: error: " + filepath.Join(notGzip, decode.BundleMessages+".gz") + ": decode: recording " + filepath.Join(notGzip, decode.BundleMessages+".gz") + ": named .gz but does not start with the gzip magic bytes",
		"stmotion analyze: error: " + filepath.Join(empty, decode.BundleMessages) + ": no message decoded",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	// --strict fails the copy with a bad line too, which can be analysed
	// without it (then it takes the id, as the first by path).
	m, stderr = analyze(t.TempDir(), badLine, good)
	if got, want := ids(m), map[string]string{badLine: id, good: id + "-2"}; !maps.Equal(got, want) {
		t.Errorf("sessions %v, want %v\n%s", got, want, stderr)
	}
	m, stderr = analyze(t.TempDir(), "--strict", badLine, good)
	if got, want := ids(m), map[string]string{good: id, badLine: "failed " + id + "-2"}; !maps.Equal(got, want) {
		t.Errorf("--strict: sessions %v, want %v\n%s", got, want, stderr)
	}

	// --add: the dataset's game, from the good copy, is not replaced by a
	// broken one from elsewhere; a good one from elsewhere replaces it,
	// as the same game added again.
	out := t.TempDir()
	analyze(out, "--add", good)
	m, stderr = analyze(out, "--add", corrupted)
	if got, want := ids(m), map[string]string{good: id, corrupted: "failed "}; !maps.Equal(got, want) {
		t.Errorf("--add a broken copy: sessions %v, want %v\n%s", got, want, stderr)
	}
	if w := "stmotion analyze: warning: " + corrupted + ": session id " + id + " already used in " + out + " by " + good + ", which stays: " + corrupted + " cannot be analysed (the error below), and takes no session id\n"; !strings.Contains(stderr, w) {
		t.Errorf("--add a broken copy: stderr lacks %q:\n%s", w, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "samples", export.PartitionDir(id))); err != nil {
		t.Errorf("--add a broken copy: the game's partition is gone: %v", err)
	}
	m, stderr = analyze(out, "--add", badLine)
	if got, want := ids(m), map[string]string{badLine: id, corrupted: "failed "}; !maps.Equal(got, want) {
		t.Errorf("--add a good copy: sessions %v, want %v\n%s", got, want, stderr)
	}
}

// A copy of a game cut short (its compressed stream breaks before the
// end of the file: an interrupted download, quality.truncated) can be
// analysed, but does not take the session id from a complete copy, even
// sorted before it; with --add it does not replace the complete game
// another source added (it fails without a session id, and the session
// stays), and from the game's own source it replaces it, with a warning
// that says it is cut short and the game it replaced was not.
func TestAnalyzeCutRecordingCopy(t *testing.T) {
	dir := t.TempDir()
	good := shortBundle(t, dir, "m-good")
	msgs, err := os.ReadFile(filepath.Join(good, decode.BundleMessages))
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(good)
	if err != nil {
		t.Fatal(err)
	}
	id := pipeline.SessionID(b)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(msgs)
	zw.Close()
	half := gz.Bytes()[:gz.Len()*6/10]
	withGz := func(p string, data []byte) string {
		os.Remove(filepath.Join(p, decode.BundleMessages))
		if err := os.WriteFile(filepath.Join(p, decode.BundleMessages+".gz"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cut := withGz(copyBundle(t, good, filepath.Join(dir, "a-cut")), half)

	analyze := func(out string, args ...string) (export.MultiSummary, string) {
		t.Helper()
		_, stderr, _ := runAnalyzeArgs(t, append([]string{"--quiet", "--images=false", "--out", out}, args...)...)
		var multi export.MultiSummary
		readJSON(t, filepath.Join(out, "summary.json"), &multi)
		return multi, stderr
	}
	ids := func(m export.MultiSummary) map[string]string {
		got := map[string]string{}
		for _, s := range m.Sessions {
			got[s.Source] = fmt.Sprintf("%s truncated %v", s.SessionID, s.Quality.Truncated)
		}
		for _, f := range m.Failed {
			got[f.Source] = "failed " + f.SessionID
		}
		return got
	}
	m, stderr := analyze(t.TempDir(), cut, good)
	if got, want := ids(m), map[string]string{good: id + " truncated false", cut: id + "-2 truncated true"}; !maps.Equal(got, want) {
		t.Errorf("sessions %v, want %v\n%s", got, want, stderr)
	}
	if w := "stmotion analyze: warning: " + cut + ": session id " + id + " already used by " + good + ": written as " + id + "-2, as its recording is cut short (quality.truncated) and " + good + "'s is not\n"; !strings.Contains(stderr, w) {
		t.Errorf("stderr lacks %q:\n%s", w, stderr)
	}

	// --add from another source: refused, the complete game stays.
	out := t.TempDir()
	analyze(out, "--add", good)
	m, stderr = analyze(out, "--add", cut)
	if got, want := ids(m), map[string]string{good: id + " truncated false", cut: "failed "}; !maps.Equal(got, want) {
		t.Errorf("--add a cut copy: sessions %v, want %v\n%s", got, want, stderr)
	}
	for _, w := range []string{
		"stmotion analyze: warning: " + cut + ": session id " + id + " already used in " + out + " by " + good + ", which stays: " + cut + " is cut short (the error below), and takes no session id\n",
		"stmotion analyze: error: " + filepath.Join(cut, decode.BundleMessages+".gz") + ": its compressed stream breaks before the end of the file (quality.truncated), while session " + id + " in " + out + ", from " + good + ", was read whole: not added",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("--add a cut copy: stderr lacks %q:\n%s", w, stderr)
		}
	}

	// --add from the same source, cut since: replaced, and said so.
	same := copyBundle(t, good, filepath.Join(dir, "b-same"))
	out = t.TempDir()
	m, _ = analyze(out, "--add", same)
	whole := m.Sessions[0].Quality.Messages
	withGz(same, half)
	m, stderr = analyze(out, "--add", same)
	if got, want := ids(m), map[string]string{same: id + " truncated true"}; !maps.Equal(got, want) {
		t.Errorf("--add the same source cut: sessions %v, want %v\n%s", got, want, stderr)
	}
	if w := fmt.Sprintf("stmotion analyze: warning: --add: %s: its recording is cut short (quality.truncated), and replaced session %s in %s, from %s, whose recording was read whole (%d messages then, %d now)\n", same, id, out, same, whole, m.Sessions[0].Quality.Messages); !strings.Contains(stderr, w) {
		t.Errorf("--add the same source cut: stderr lacks %q:\n%s", w, stderr)
	}
}

// The last line names the failed inputs, or counts them when there are
// many.
func TestFailedList(t *testing.T) {
	f := func(n int, want string) {
		t.Helper()
		var failed []export.FailedInput
		for i := range n {
			failed = append(failed, export.FailedInput{Source: fmt.Sprintf("g%d", i+1)})
		}
		if got := failedList(failed); got != want {
			t.Errorf("%d failed: %q, want %q", n, got, want)
		}
	}
	f(0, "")
	f(1, "; 1 failed: g1")
	f(3, "; 3 failed: g1, g2, g3")
	f(4, "; 4 failed (the error: lines on stderr)")
	for n, want := range []string{"", "; 1 not analysed, as its bundle is there", "; 2 not analysed, as their bundles are there"} {
		if got := skippedCount(n); got != want {
			t.Errorf("%d skipped: %q, want %q", n, got, want)
		}
	}
}

// The report leaves out the roster players without tracking data (no
// location, no DIST stat), naming them in one line: on the SportVU
// fragment 16 of 26 rows were zeros, which read as measured. summary.json
// keeps them. It also says what the session's limits make unreliable.
func TestReportUntrackedAndLimits(t *testing.T) {
	s := &export.SessionSummary{
		SessionID: "g", Source: "g.jsonl",
		Teams: []export.TeamSummary{{TeamID: 1, Name: "Hawks", Possession_s: 5, PlayerSensors: 1}},
		Players: []export.PlayerSummary{
			{PlayerID: 10, TeamID: 1, Name: "Kyle Korver", Distance_m: 65, RawDistance_m: 66, TimeOnCourt_s: 45},
			{PlayerID: 11, TeamID: 1, Name: "Mike Scott"},
			{PlayerID: 12, TeamID: 1, Name: "Dennis Schroder"},
			{PlayerID: 13, TeamID: 1, Name: "Tiago Splitter", DistStat_m: 120}, // the feed's DIST: a row
		},
		Limits: []string{export.LimitNoCourt},
	}
	var b bytes.Buffer
	writeReport(&b, s)
	out := b.String()
	for _, want := range []string{"Kyle Korver", "Tiago Splitter", "no tracking data (2): Dennis Schroder, Mike Scott\n",
		"limits (summary.json limits: no_court):\n  no court (--court): no shots detected from the ball"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Mike Scott") && !strings.HasPrefix(line, "no tracking data") {
			t.Errorf("a row for an untracked player: %q", line)
		}
	}

	// Samples dropped beyond the sensor limit may be those players':
	// the line does not say they sent nothing.
	b.Reset()
	s.Quality.DroppedSensors = 20795
	writeReport(&b, s)
	if out := b.String(); !strings.Contains(out, "no tracking data, or samples dropped beyond the engine's limit of 1024 sensors (quality.dropped_sensors) (2): Dennis Schroder, Mike Scott\n") {
		t.Errorf("dropped sensors: report\n%s", out)
	}
	s.Quality.DroppedSensors = 0

	// Without any roster, team 0 is every player, not the few a roster
	// left out; and a roster that misses some says what that costs.
	b.Reset()
	writeReport(&b, &export.SessionSummary{SessionID: "g", Source: "g.jsonl",
		Players: []export.PlayerSummary{{PlayerID: 10, Distance_m: 65, TimeOnCourt_s: 45}},
		Limits:  []string{export.LimitNoRoster}})
	if out := b.String(); !strings.Contains(out, "players (no roster: no teams):") || strings.Contains(out, "not on the roster") {
		t.Errorf("no roster: report\n%s", out)
	}
	b.Reset()
	s.Limits = []string{export.LimitPartialRoster}
	writeReport(&b, s)
	if out := b.String(); !strings.Contains(out, "players not on the roster (quality.unknown_ids): their passes, turnovers and rebounds") {
		t.Errorf("partial roster: report\n%s", out)
	}
	// A court.json of another court: the report says why every minute
	// on court is 0, as the warning does.
	b.Reset()
	s.Limits = []string{export.LimitOffCourt}
	writeReport(&b, s)
	if out := b.String(); !strings.Contains(out, "limits (summary.json limits: off_court):\n  the samples lie off the court (its court.json is another court's?)") {
		t.Errorf("off court: report\n%s", out)
	}

	// A practice's one team: its possession is all its players' together
	// (it read "Hawks: possession 5 s", as if the team's against
	// another), both sides' in a scrimmage; and several balls at once
	// say what possession missed. Sides are spoken of only in a round
	// known to be a scrimmage: a shooting drill has none (it was
	// "its scrimmage sides" whatever the drill).
	b.Reset()
	s.Limits = []string{export.LimitOneTeam, export.LimitSeveralBalls}
	writeReport(&b, s)
	out = b.String()
	for _, want := range []string{"\nHawks: possession 5 s, all its players together (one team on the roster)\n",
		"limits (summary.json limits: one_team, several_balls):\n  one team on the roster (a practice): every player the roster names is on it, so passes and steals",
		"\n  several balls moving on the court at once (10 s of live time or more): possession follows one"} {
		if !strings.Contains(out, want) {
			t.Errorf("one team, several balls: report lacks %q:\n%s", want, out)
		}
	}

	// A silent ball sensor: the report says how long, and what team
	// possession misses.
	b.Reset()
	s.Limits, s.Quality.BallUnseenLive_s = []string{export.LimitBallUnseen}, 161.75
	writeReport(&b, s)
	if out := b.String(); !strings.Contains(out, "limits (summary.json limits: ball_unseen):\n  the game ball unseen for 162 s of live time (quality.ball_unseen_live_s") ||
		!strings.Contains(out, "each team's possession misses its part of that time") {
		t.Errorf("ball unseen: report\n%s", out)
	}
	s.Limits, s.Quality.BallUnseenLive_s = []string{export.LimitOneTeam, export.LimitSeveralBalls}, 0
	for _, c := range []struct {
		rounds []export.RoundSummary
		want   []string
		not    string
	}{
		{[]export.RoundSummary{{LiveID: "d2", Type: "SHOOTING", Period: 2}, {LiveID: "d3"}},
			[]string{"all its players together", "every player the roster names is on it, so"}, "side"},
		{[]export.RoundSummary{{LiveID: "d1", Type: "SCRIMMAGE", Period: 1}, {LiveID: "d2"}},
			[]string{"both sides together", "one team on the roster (a practice): its scrimmage sides are not told apart"}, "all its players"},
		{[]export.RoundSummary{{LiveID: "d1", Type: "SCRIMMAGE", Period: 1}, {LiveID: "d2", Type: "SHOOTING", Period: 2}},
			[]string{"all its players together", "and in its scrimmages both sides are that team"}, "its scrimmage sides"},
	} {
		b.Reset()
		s.Rounds = c.rounds
		writeReport(&b, s)
		out = b.String()
		for _, want := range c.want {
			if !strings.Contains(out, want) {
				t.Errorf("one team, rounds %+v: report lacks %q:\n%s", c.rounds, want, out)
			}
		}
		if strings.Contains(out, c.not) {
			t.Errorf("one team, rounds %+v: report says %q:\n%s", c.rounds, c.not, out)
		}
	}
	s.Rounds = nil
	// Only one team's players tracked (a game whose other team wore no
	// sensor): said as such, not as a practice.
	b.Reset()
	s.Limits = []string{export.LimitOneTeamTracked}
	writeReport(&b, s)
	out = b.String()
	for _, want := range []string{"\nHawks: possession 5 s, both sides together (only one team's players tracked)\n",
		"limits (summary.json limits: one_team_tracked):\n  only one team's players tracked: the other side is not in the feed"} {
		if !strings.Contains(out, want) {
			t.Errorf("one team tracked: report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "practice") {
		t.Errorf("one team tracked: report says practice:\n%s", out)
	}
}
