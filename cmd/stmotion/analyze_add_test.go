package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
)

// addSessions is what summary.json lists under sessions[]: "<id>" for
// this run's entries, "<id> (earlier)" for those kept (earlier_run).
func addSessions(t *testing.T, out string) []string {
	t.Helper()
	m, err := export.ReadSummary(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range m.Sessions {
		if s.EarlierRun {
			got = append(got, s.SessionID+" (earlier)")
		} else {
			got = append(got, s.SessionID)
		}
		for _, p := range append(slices.Collect(maps.Values(s.Tables)), s.Images...) {
			if _, err := os.Stat(filepath.Join(out, p)); err != nil {
				t.Errorf("summary.json names %s of session %s, not on disk: %v", p, s.SessionID, err)
			}
		}
	}
	return got
}

// readFiles reads every file under dir whose path (relative, with '/')
// starts with one of prefixes.
func readFiles(t *testing.T, dir string, prefixes ...string) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	for _, f := range listFiles(t, dir) {
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.Contains(f, p) }) {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			got[f] = b
		}
	}
	return got
}

// analyze --add grows a dataset game by game: g1, then g2, each in the
// Hive layout (also alone), the other session's tables and images left
// byte for byte and its summary.json entry kept (earlier_run). g1 added
// again replaces its own partitions and entry, in place.
func TestAnalyzeAdd(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	add := func(args ...string) string {
		t.Helper()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--add"}, args...)...)
		if err != nil {
			t.Fatalf("--add %v: %v (exit %d)\n%s%s", args, err, exitCode(err), stdout, stderr)
		}
		return stderr
	}
	add(g1)
	if o, err := export.FindOutputs(out); err != nil || len(o.Flat) != 0 || !slices.Equal(o.Sessions, []string{"g1"}) {
		t.Errorf("--add g1 into an empty --out: %+v, %v; want g1's partitions", o, err)
	}
	if got, want := addSessions(t, out), []string{"g1"}; !slices.Equal(got, want) {
		t.Errorf("after --add g1: sessions %v, want %v", got, want)
	}
	g1Files := readFiles(t, out, "session_id=g1/")
	add(g2)
	if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{"g1", "g2"}) {
		t.Errorf("--add g2: %+v, %v; want the partitions of g1 and g2", o, err)
	}
	if got, want := addSessions(t, out), []string{"g1 (earlier)", "g2"}; !slices.Equal(got, want) {
		t.Errorf("after --add g2: sessions %v, want %v", got, want)
	}
	now := readFiles(t, out, "session_id=g1/")
	if len(now) != len(g1Files) || len(now) < export.NumTables {
		t.Errorf("g1's files: %d after --add g2, %d before", len(now), len(g1Files))
	}
	for f, b := range g1Files {
		if !bytes.Equal(now[f], b) {
			t.Errorf("--add g2 changed g1's %s", f)
		}
	}

	// g1 again, without images: its partitions and entry are replaced
	// (in place), its images go; g2's stay.
	g2Files := readFiles(t, out, "session_id=g2/")
	add("--images=false", g1)
	if got, want := addSessions(t, out), []string{"g1", "g2 (earlier)"}; !slices.Equal(got, want) {
		t.Errorf("after --add g1 again: sessions %v, want %v", got, want)
	}
	var want []string
	for f := range g1Files {
		if !strings.HasPrefix(f, export.ImagesDir+"/") {
			want = append(want, f)
		}
	}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(readFiles(t, out, "session_id=g1/"))); !slices.Equal(got, want) {
		t.Errorf("g1's files after --add --images=false g1 again: %v\nwant its tables only %v", got, want)
	}
	now = readFiles(t, out, "session_id=g2/")
	if len(now) != len(g2Files) {
		t.Errorf("g2's files: %d after --add g1 again, %d before", len(now), len(g2Files))
	}
	for f, b := range g2Files {
		if !bytes.Equal(now[f], b) {
			t.Errorf("--add g1 again changed g2's %s", f)
		}
	}
}

// The move's message names the images only when there were some.
func TestAnalyzeAddMoveWithoutImages(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", g1); err != nil {
		t.Fatalf("g1: %v\n%s", err, stderr)
	}
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--add", g2)
	if err != nil {
		t.Fatalf("--add g2: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "moved session g1's one-session tables in ") {
		t.Errorf("--add g2 after a run without images:\n%s", stderr)
	}
}

// A season begun with a plain run of one game (one-session tables,
// images/ and summary.json) grows with --add: the game's tables become
// its partitions, its images images/session_id=<id>/, its entry one of
// sessions[] (earlier_run), in either format.
func TestAnalyzeAddGrowsOneSession(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	for _, format := range []string{"parquet", "arrow"} {
		out := t.TempDir()
		run := func(args ...string) string {
			t.Helper()
			stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--format", format}, args...)...)
			if err != nil {
				t.Fatalf("%s: %v: %v (exit %d)\n%s%s", format, args, err, exitCode(err), stdout, stderr)
			}
			return stderr
		}
		run(g1)
		if o, err := export.FindOutputs(out); err != nil || len(o.Flat) != export.NumTables || o.FlatSession != "g1" {
			t.Fatalf("%s: g1 alone: %+v, %v; want its one-session tables", format, o, err)
		}
		images := readFiles(t, out, export.ImagesDir+"/")
		if len(images) == 0 {
			t.Fatalf("%s: g1 alone drew no images", format)
		}
		stderr := run("--add", g2)
		if !strings.Contains(stderr, "moved session g1's one-session tables and images") {
			t.Errorf("%s: --add g2 does not say it moved g1's outputs:\n%s", format, stderr)
		}
		if o, err := export.FindOutputs(out); err != nil || len(o.Flat) != 0 || !slices.Equal(o.Sessions, []string{"g1", "g2"}) {
			t.Errorf("%s: after --add g2: %+v, %v; want the partitions of g1 and g2 only", format, o, err)
		}
		if got, want := addSessions(t, out), []string{"g1 (earlier)", "g2"}; !slices.Equal(got, want) {
			t.Errorf("%s: after --add g2: sessions %v, want %v", format, got, want)
		}
		moved := readFiles(t, out, "images/session_id=g1/")
		if len(moved) != len(images) {
			t.Errorf("%s: %d images of g1 after the move, %d before", format, len(moved), len(images))
		}
		for f, b := range images {
			if !bytes.Equal(moved["images/session_id=g1/"+strings.TrimPrefix(f, "images/")], b) {
				t.Errorf("%s: image %s not moved as it was", format, f)
			}
		}
		// The moved tables have no session_id column, as a Hive run's:
		// the dataset reads as one (the DuckDB test reads it).
		if cols := samplesColumns(t, export.TablePath(out, export.TableSamples, "g1", mustFormat(t, format), true)); slices.Contains(cols, export.SessionColumn) {
			t.Errorf("%s: g1's moved samples have a %s column: %v", format, export.SessionColumn, cols)
		}
	}
}

func mustFormat(t *testing.T, s string) export.Format {
	t.Helper()
	f, err := export.ParseFormat(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// --add refuses, before any work (exit 2), a --format other than the
// dataset's, naming both, --overwrite, and a summary.json that does not
// parse; --out is left as it was.
func TestAnalyzeAddRefused(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--add", g1); err != nil {
		t.Fatalf("--add g1: %v\n%s", err, stderr)
	}
	summary := filepath.Join(out, export.SummaryFile)
	for _, c := range []struct {
		args  []string
		spoil bool // a summary.json that does not parse: its entries of g1 cannot be kept
		want  string
	}{
		{[]string{"--format", "arrow", g2}, false, "--add --format arrow: --out " + out + " holds the parquet tables of session g1: a dataset is read in one format; add with --format parquet"},
		{[]string{"--overwrite", g2}, false, "--add keeps the other sessions under --out, --overwrite removes them"},
		{[]string{g2}, true, "--add: export: read summary " + summary},
	} {
		if c.spoil {
			if err := os.WriteFile(summary, []byte(`{"sessions": [`), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		before := readFiles(t, out, "")
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--add"}, c.args...)...)
		if exitCode(err) != 2 || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("--add %v: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and %q", c.args, exitCode(err), stdout, stderr, c.want)
		}
		now := readFiles(t, out, "")
		if !maps.EqualFunc(now, before, bytes.Equal) {
			t.Errorf("--add %v was refused but changed --out: %v, before %v", c.args, slices.Sorted(maps.Keys(now)), slices.Sorted(maps.Keys(before)))
		}
	}
}

// A game that fails when added again loses its own outputs and entry (as
// a plain run's failed session does), listed under failed; the other
// sessions keep theirs, and the next --add keeps that failure listed
// (earlier_run) until the game is added. An interrupted --add leaves the
// input it did not reach as a plain run does (canceled), the other
// sessions untouched.
func TestAnalyzeAddFailedAndInterrupted(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	g3 := shortBundle(t, dir, "g3")
	if err := os.Remove(filepath.Join(g3, "live.json")); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	add := func(ctx context.Context, args ...string) (string, string, error) {
		t.Helper()
		var o, e bytes.Buffer
		err := Run(ctx, append([]string{"analyze", "--out", out, "--quiet", "--add", "--jobs", "1"}, args...), &o, &e)
		return o.String(), e.String(), err
	}
	for _, g := range []string{g1, g2} {
		if _, stderr, err := add(context.Background(), g); err != nil {
			t.Fatalf("--add %s: %v\n%s", g, err, stderr)
		}
	}
	g1Files := readFiles(t, out, "session_id=g1/")
	spoilRecording(t, g2)
	stdout, stderr, err := add(context.Background(), "--strict", g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "0 of 1 inputs analysed") || !strings.Contains(stderr, "a failed session keeps no outputs") {
		t.Fatalf("--add --strict of a spoilt g2: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{"g1"}) {
		t.Errorf("after g2 failed: %+v, %v; want g1's partitions only", o, err)
	}
	if got, want := addSessions(t, out), []string{"g1 (earlier)"}; !slices.Equal(got, want) {
		t.Errorf("after g2 failed: sessions %v, want %v", got, want)
	}
	m, _ := export.ReadSummary(out)
	if len(m.Failed) != 1 || m.Failed[0].SessionID != "g2" || m.Failed[0].EarlierRun {
		t.Errorf("after g2 failed: failed[] %+v, want this run's g2", m.Failed)
	}

	// Interrupted once g3 is written: g2, given after it, is not
	// reached; g1 is not touched.
	ctx := canceledOnceExists{context.Background(), filepath.Join(out, "samples", "session_id=g3", "part-0.parquet")}
	stdout, stderr, err = add(ctx, g3, g2)
	if exitCode(err) != 1 || !strings.Contains(stdout, "1 of 2 inputs analysed") || !strings.Contains(stdout, "1 canceled") {
		t.Fatalf("interrupted --add g3 g2: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	if got, want := addSessions(t, out), []string{"g1 (earlier)", "g3"}; !slices.Equal(got, want) {
		t.Errorf("after the interrupted --add: sessions %v, want %v", got, want)
	}
	m, _ = export.ReadSummary(out)
	if len(m.Canceled) != 1 || m.Canceled[0].SessionID != "g2" || len(m.Failed) != 1 || m.Failed[0].SessionID != "g2" || !m.Failed[0].EarlierRun {
		t.Errorf("after the interrupted --add: canceled %+v, failed %+v; want g2 canceled, and its earlier failure kept", m.Canceled, m.Failed)
	}
	now := readFiles(t, out, "session_id=g1/")
	if !maps.EqualFunc(now, g1Files, bytes.Equal) {
		t.Errorf("the failed and the interrupted --add changed g1's files")
	}
}

// samplesColumns are the column names of the table file at path (Parquet,
// or Arrow IPC by its extension).
func samplesColumns(t *testing.T, path string) []string {
	t.Helper()
	var names []string
	if strings.HasSuffix(path, export.FormatArrow.Ext()) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := ipc.NewFileReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for _, fd := range r.Schema().Fields() {
			names = append(names, fd.Name)
		}
		return names
	}
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	s := rdr.MetaData().Schema
	for i := range s.NumColumns() {
		names = append(names, s.Column(i).Name())
	}
	return names
}

// pausedOnceExists is a context that, the first time its Err is asked
// once the file at path exists, stops the caller until resume is closed
// (having closed paused), and is never canceled: a run held at a point a
// test can name, after it has written a table.
type pausedOnceExists struct {
	context.Context
	path           string
	once           *sync.Once
	paused, resume chan struct{}
}

func (c pausedOnceExists) Err() error {
	if _, err := os.Stat(c.path); err == nil {
		c.once.Do(func() {
			close(c.paused)
			<-c.resume
		})
	}
	return nil
}

// signalWriter is a goroutine-safe stderr that closes found once a write
// holds want.
type signalWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	want  string
	found chan struct{}
	once  sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Contains(p, []byte(w.want)) {
		w.once.Do(func() { close(w.found) })
	}
	return w.buf.Write(p)
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Two --add runs into one --out at the same time: the second waits for
// the first (it says so), then adds to what the first wrote, so that
// summary.json lists both games. Run A is held once it has written g1's
// tables, after it read summary.json and before it writes its own; run B
// (g2) starts then. Without the lock B's summary.json was written in
// that window and A's, from its earlier read, lost it.
func TestAnalyzeAddConcurrent(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	g0 := shortBundle(t, dir, "g0")
	if err := os.Remove(filepath.Join(g0, "live.json")); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--add", g0); err != nil {
		t.Fatalf("--add g0: %v\n%s", err, stderr)
	}
	ctxA := pausedOnceExists{context.Background(), filepath.Join(out, "samples", "session_id=g1", "part-0.parquet"), &sync.Once{}, make(chan struct{}), make(chan struct{})}
	type result struct {
		stdout string
		err    error
	}
	run := func(ctx context.Context, stderr io.Writer, g string, done chan<- result) {
		var o bytes.Buffer
		err := Run(ctx, []string{"analyze", "--out", out, "--quiet", "--add", g}, &o, stderr)
		done <- result{o.String(), err}
	}
	var errA bytes.Buffer
	doneA, doneB := make(chan result, 1), make(chan result, 1)
	go run(ctxA, &errA, g1, doneA)
	select {
	case <-ctxA.paused:
	case r := <-doneA:
		t.Fatalf("run A (g1) ended without writing g1's samples: %v, %q\n%s", r.err, r.stdout, errA.String())
	}
	errB := &signalWriter{want: "waiting for another run writing into " + out, found: make(chan struct{})}
	go run(context.Background(), errB, g2, doneB)
	select {
	case <-errB.found:
	case r := <-doneB:
		// No lock: B ran while A was held.
		doneB <- r
	}
	close(ctxA.resume)
	for _, c := range []struct {
		name string
		done chan result
		err  func() string
	}{{"A (g1)", doneA, errA.String}, {"B (g2)", doneB, errB.String}} {
		if r := <-c.done; r.err != nil || !strings.Contains(r.stdout, "1 of 1 inputs analysed") {
			t.Errorf("run %s: %v, %q\n%s", c.name, r.err, r.stdout, c.err())
		}
	}
	if !strings.Contains(errB.String(), "stmotion analyze: waiting for another run writing into "+out+" to end") {
		t.Errorf("run B did not wait for run A:\n%s", errB.String())
	}
	if got, want := addSessions(t, out), []string{"g0 (earlier)", "g1 (earlier)", "g2"}; !slices.Equal(got, want) {
		t.Errorf("after two concurrent --add runs: sessions %v, want %v", got, want)
	}
	if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{"g0", "g1", "g2"}) {
		t.Errorf("after two concurrent --add runs: %+v, %v; want the partitions of g0, g1 and g2", o, err)
	}
}

// A season grown game by game reads in DuckDB as one dataset, as if its
// games had been analysed in one run: the same rows per session in every
// table, none twice for a game added again, whether it began empty or
// with a plain run of one game (whose tables --add moved).
func TestAnalyzeAddDuckDB(t *testing.T) {
	duckDB(t)
	_, g1, g2 := twoUnnamedBundles(t)
	ref, grown, fromOne := t.TempDir(), t.TempDir(), t.TempDir()
	for _, run := range [][]string{
		{"--out", ref, g1, g2},
		{"--out", grown, "--add", g1}, {"--out", grown, "--add", g2}, {"--out", grown, "--add", g1},
		{"--out", fromOne, g1}, {"--out", fromOne, "--add", g2},
	} {
		if _, stderr, err := runAnalyzeArgs(t, append([]string{"--quiet", "--images=false"}, run...)...); err != nil {
			t.Fatalf("analyze %v: %v\n%s", run, err, stderr)
		}
	}
	tables := []string{"samples", "players", "events", "heatmaps", "quality"}
	queries := map[string]string{}
	for _, out := range []string{ref, grown, fromOne} {
		for _, tb := range tables {
			glob := "read_parquet(" + sqlPath(filepath.Join(out, tb, "*", "*.parquet")) + ", hive_partitioning = true)"
			queries[out+" "+tb] = "SELECT session_id::VARCHAR, count(*) FROM " + glob + " GROUP BY ALL ORDER BY 1"
		}
	}
	res := duckQuery(t, queries)
	for _, tb := range tables {
		want := fmt.Sprint(res[ref+" "+tb].Rows)
		if r := res[ref+" "+tb].Rows; len(r) != 2 || num(t, r[0][1]) == 0 {
			t.Errorf("%s of g1 g2 in one run: %v; want rows of both sessions", tb, r)
		}
		for name, out := range map[string]string{"g1, g2, g1 again with --add": grown, "g1, then g2 with --add": fromOne} {
			if got := fmt.Sprint(res[out+" "+tb].Rows); got != want {
				t.Errorf("%s of %s: rows per session %s; one run of g1 g2: %s", tb, name, got, want)
			}
		}
	}
}

// A game added on another grid (--hz) than the dataset's other games
// were analysed on is warned of, in one line naming --hz and both grid
// periods; on the same grid, nothing is said.
func TestAnalyzeAddGridWarning(t *testing.T) {
	_, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	add := func(args ...string) string {
		t.Helper()
		_, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false", "--add"}, args...)...)
		if err != nil {
			t.Fatalf("--add %v: %v\n%s", args, err, stderr)
		}
		return stderr
	}
	add(g1)
	m, err := export.ReadSummary(out)
	if err != nil || len(m.Sessions) != 1 || m.Sessions[0].Quality.GridPeriod_ms != 40 {
		t.Fatalf("g1: %+v, %v; want one session on a 40 ms grid", m.Sessions, err)
	}
	if stderr := add(g2); strings.Contains(stderr, "grid") {
		t.Errorf("g2 on g1's grid: a warning:\n%s", stderr)
	}
	stderr := add("--hz", "10", g2)
	want := "stmotion analyze: warning: --add: --hz: this run's sessions have a 100 ms grid (--hz 10), the dataset's other sessions 40 ms (quality.grid_period_ms)"
	if !strings.Contains(stderr, want) || strings.Count(stderr, "grid_period_ms") != 1 {
		t.Errorf("g2 with --hz 10 into g1's 40 ms dataset: stderr\n%s\nwant one line %q", stderr, want)
	}
}

// The move of a plain run's one-session outputs into the Hive layout
// names the partition as it is on disk (escaped: export.PartitionDir),
// and an --add run interrupted once the move is done, before it analyses
// anything, says that the move rewrote summary.json (not that it was
// left as it was).
func TestAnalyzeAddMoveMessages(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	const id = "a=b:c d#é"
	odd := filepath.Join(dir, id+".jsonl")
	data, err := os.ReadFile(filepath.Join(g1, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(odd, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", odd); err != nil {
		t.Fatalf("analyze %s: %v\n%s", odd, err, stderr)
	}
	ctx := canceledOnceExists{context.Background(), export.TablePath(out, export.TableSamples, id, export.FormatParquet, true)}
	var o, e bytes.Buffer
	err = Run(ctx, []string{"analyze", "--out", out, "--quiet", "--images=false", "--add", g2}, &o, &e)
	stdout, stderr := o.String(), e.String()
	if exitCode(err) != 1 || !strings.Contains(stdout, "0 of 1 inputs analysed") || !strings.Contains(stdout, "1 canceled") {
		t.Fatalf("--add g2 interrupted after the move: exit %d, stdout %q\n%s", exitCode(err), stdout, stderr)
	}
	if want := "into the Hive layout (<table>/session_id=a%3Db%3Ac%20d%23%C3%A9/)"; !strings.Contains(stderr, want) {
		t.Errorf("the move message does not name the partition as on disk, %q:\n%s", want, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "samples", "session_id=a%3Db%3Ac%20d%23%C3%A9")); err != nil {
		t.Errorf("the partition the message names: %v", err)
	}
	if want := "and so is summary.json as the move of session " + id + " into the Hive layout rewrote it"; !strings.Contains(stderr, want) || strings.Contains(stderr, "not rewritten") {
		t.Errorf("interrupted after the move: stderr\n%s\nwant %q, not \"not rewritten\"", stderr, want)
	}
	if got, want := addSessions(t, out), []string{id + " (earlier)"}; !slices.Equal(got, want) {
		t.Errorf("after the move: sessions %v, want %v", got, want)
	}
}

// unnamedBundle is shortBundle without live.json: its session id is name.
func unnamedBundle(t *testing.T, dir, name string) string {
	t.Helper()
	g := shortBundle(t, dir, name)
	if err := os.Remove(filepath.Join(g, "live.json")); err != nil {
		t.Fatal(err)
	}
	return g
}

// unlistedIDs are the session ids of summary.json's unlisted[], each with
// what it names ("g3 tables=9 images=0"), the files checked to be there.
func unlistedIDs(t *testing.T, out string) []string {
	t.Helper()
	m, err := export.ReadSummary(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range m.Unlisted {
		got = append(got, fmt.Sprintf("%s tables=%d images=%d", u.SessionID, len(u.Tables), len(u.Images)))
		for _, p := range append(slices.Collect(maps.Values(u.Tables)), u.Images...) {
			if _, err := os.Stat(filepath.Join(out, p)); err != nil {
				t.Errorf("unlisted[] names %s of session %s, not on disk: %v", p, u.SessionID, err)
			}
		}
	}
	return got
}

// Partitions that no summary.json entry describes (a run killed after it
// renamed a game's tables into place and before it wrote summary.json, or
// a summary.json moved away as the refusal of one that does not parse
// advises) are not kept silently: an --add run names them in a warning
// and lists them under unlisted[], with their files and without figures,
// until the game is added again. A plain run of several sessions does the
// same for those it leaves (interrupted, with --overwrite).
func TestAnalyzeAddUnlisted(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	g3, g4 := unnamedBundle(t, dir, "g3"), unnamedBundle(t, dir, "g4")
	out := t.TempDir()
	summary := filepath.Join(out, export.SummaryFile)
	add := func(args ...string) string {
		t.Helper()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--add"}, args...)...)
		if err != nil {
			t.Fatalf("--add %v: %v (exit %d)\n%s%s", args, err, exitCode(err), stdout, stderr)
		}
		return stderr
	}
	add(g1, g2)
	saved, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	// g3 as a run killed before its images and summary.json leaves it.
	add("--images=false", g3)
	if err := os.WriteFile(summary, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	stderr := add(g4)
	want := "stmotion analyze: warning: --out " + out + " holds the tables of session g3 (<table>/session_id=g3/), which no summary.json entry describes"
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "summary.json lists it under unlisted, without figures; add its game again to describe it, or remove those directories") {
		t.Errorf("--add g4 beside g3's unlisted tables: stderr\n%s\nwant %q", stderr, want)
	}
	if got, want := addSessions(t, out), []string{"g1 (earlier)", "g2 (earlier)", "g4"}; !slices.Equal(got, want) {
		t.Errorf("after --add g4: sessions %v, want %v", got, want)
	}
	if got, want := unlistedIDs(t, out), []string{fmt.Sprintf("g3 tables=%d images=0", export.NumTables)}; !slices.Equal(got, want) {
		t.Errorf("after --add g4: unlisted %v, want %v", got, want)
	}
	// Added again, g3 is described, and nothing is unlisted.
	if stderr := add(g3); strings.Contains(stderr, "unlisted") {
		t.Errorf("--add g3: a warning of unlisted sessions:\n%s", stderr)
	}
	if got := unlistedIDs(t, out); len(got) != 0 {
		t.Errorf("after --add g3: unlisted %v, want none", got)
	}
	// (In time order, then by id: the four are the same game.)
	if got, want := addSessions(t, out), []string{"g1 (earlier)", "g2 (earlier)", "g3", "g4 (earlier)"}; !slices.Equal(got, want) {
		t.Errorf("after --add g3: sessions %v, want %v", got, want)
	}

	// summary.json moved away: the other games' partitions and images
	// are there, undescribed.
	if err := os.Rename(summary, filepath.Join(dir, "away.json")); err != nil {
		t.Fatal(err)
	}
	stderr = add(g4)
	want = "holds the tables and images of sessions g1, g2 and g3 (<table>/session_id=<id>/ and images/session_id=<id>/), which no summary.json entry describes"
	if !strings.Contains(stderr, want) || !strings.Contains(stderr, "summary.json lists them under unlisted") {
		t.Errorf("--add g4 with summary.json moved away: stderr\n%s\nwant %q", stderr, want)
	}
	if got, want := addSessions(t, out), []string{"g4"}; !slices.Equal(got, want) {
		t.Errorf("--add g4 with summary.json moved away: sessions %v, want %v", got, want)
	}
	if got := unlistedIDs(t, out); len(got) != 3 || !strings.HasPrefix(got[0], "g1 tables=9 images=") || strings.HasSuffix(got[0], "images=0") {
		t.Errorf("--add g4 with summary.json moved away: unlisted %v, want g1, g2 and g3 with their tables and images", got)
	}

	// A plain run of several sessions, interrupted with --overwrite,
	// leaves the other sessions' partitions: those no entry describes are
	// unlisted too.
	plain := t.TempDir()
	if _, stderr, err := runAnalyzeArgs(t, "--out", plain, "--quiet", "--images=false", g1, g2, g3); err != nil {
		t.Fatalf("analyze g1 g2 g3: %v\n%s", err, stderr)
	}
	if err := os.Remove(filepath.Join(plain, export.SummaryFile)); err != nil {
		t.Fatal(err)
	}
	ctx := canceledOnceExists{context.Background(), filepath.Join(plain, "samples", "session_id=g4", "part-0.parquet")}
	var o, e bytes.Buffer
	err = Run(ctx, []string{"analyze", "--out", plain, "--quiet", "--images=false", "--jobs", "1", "--overwrite", g4, g2}, &o, &e)
	if exitCode(err) != 1 || !strings.Contains(o.String(), "1 of 2 inputs analysed") {
		t.Fatalf("interrupted --overwrite g4 g2: exit %d, stdout %q\n%s", exitCode(err), o.String(), e.String())
	}
	if !strings.Contains(e.String(), "holds the tables of sessions g1, g2 and g3") {
		t.Errorf("interrupted --overwrite g4 g2: no warning of g1, g2, g3:\n%s", e.String())
	}
	if got := unlistedIDs(t, plain); len(got) != 3 {
		t.Errorf("interrupted --overwrite g4 g2: unlisted %v, want g1, g2, g3", got)
	}
}

// bareCopy copies the messages file of bundle b to dir/name and returns
// its path: a bare recording of b's game, its session id name's base.
func bareCopy(t *testing.T, b, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b, "messages.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sessionSources are summary.json's sessions[] as "<id> <source>".
func sessionSources(t *testing.T, out string) []string {
	t.Helper()
	m, err := export.ReadSummary(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range m.Sessions {
		got = append(got, s.SessionID+" "+s.Source)
	}
	return got
}

// A game added with the id of one already there from another source
// replaces it, as the same game added again (a mended recording from a
// new path), but not silently: two different games that both get the id
// "messages" (bare recordings named messages.jsonl in two directories)
// are warned of, naming both sources, as within one run. Added again from
// the same source, nothing is said.
func TestAnalyzeAddSameIDOtherSource(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	b07 := bareCopy(t, g1, dir, "b07/messages.jsonl")
	b08 := bareCopy(t, g2, dir, "b08/messages.jsonl")
	out := t.TempDir()
	add := func(args ...string) string {
		t.Helper()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false", "--add"}, args...)...)
		if err != nil {
			t.Fatalf("--add %v: %v (exit %d)\n%s%s", args, err, exitCode(err), stdout, stderr)
		}
		return stderr
	}
	if stderr := add(b07); strings.Contains(stderr, "already used") {
		t.Errorf("--add b07: a warning of its id:\n%s", stderr)
	}
	stderr := add(b08)
	want := "stmotion analyze: warning: " + b08 + ": session id messages already used in " + out + " by " + b07 + ": replaced, as the same game added again (two different games need distinct names: rename one, and add it again)"
	if !strings.Contains(stderr, want) {
		t.Errorf("--add b08 over b07's session messages: stderr\n%s\nwant %q", stderr, want)
	}
	if got, want := sessionSources(t, out), []string{"messages " + b08}; !slices.Equal(got, want) {
		t.Errorf("after --add b08: sessions %v, want %v", got, want)
	}
	if stderr := add(b08); strings.Contains(stderr, "already used") {
		t.Errorf("--add b08 again: a warning of its id:\n%s", stderr)
	}
}

// The same recording added across --add runs as its bare file and as its
// bundle is one game, as within one run: the bundle's session (its live
// id, court and roster) replaces the bare one's, saying so, once it is
// analysed (a bundle that fails leaves the bare session); the bare file
// added while its bundle is there is not analysed, and counted so.
func TestAnalyzeAddBareThenBundle(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "b08")
	bare := filepath.Join(b, "messages.jsonl")
	out := t.TempDir()
	add := func(args ...string) (string, string, error) {
		t.Helper()
		return runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--add"}, args...)...)
	}
	if _, stderr, err := add(bare); err != nil {
		t.Fatalf("--add %s: %v\n%s", bare, err, stderr)
	}
	// The bundle fails: the bare session stays.
	spoilRecording(t, b)
	if _, stderr, err := add("--strict", b); exitCode(err) != 1 {
		t.Fatalf("--add --strict of the spoilt bundle: exit %d\n%s", exitCode(err), stderr)
	}
	if got, want := addSessions(t, out), []string{"messages (earlier)"}; !slices.Equal(got, want) {
		t.Errorf("after the bundle failed: sessions %v, want %v", got, want)
	}
	stdout, stderr, err := add(b)
	if err != nil {
		t.Fatalf("--add %s: %v\n%s%s", b, err, stdout, stderr)
	}
	m, err := export.ReadSummary(out)
	if err != nil || len(m.Sessions) != 1 || m.Sessions[0].SessionID == "messages" || m.Sessions[0].Source != b || len(m.Failed) != 0 {
		t.Fatalf("after --add of the bundle: sessions %v, failed %v, %v; want its session only", sessionSources(t, out), m.Failed, err)
	}
	live := m.Sessions[0].SessionID
	want := "stmotion analyze: warning: --add: " + b + ": the same recording as " + bare + ", session messages in " + out + ": replaced by session " + live + " (its entry and "
	if !strings.Contains(stderr, want) {
		t.Errorf("--add of the bundle: stderr\n%s\nwant %q", stderr, want)
	}
	if o, err := export.FindOutputs(out); err != nil || !slices.Equal(o.Sessions, []string{live}) {
		t.Errorf("after --add of the bundle: %+v, %v; want the partitions of %s only", o, err, live)
	}
	for _, f := range listFiles(t, out) {
		if strings.Contains(f, "session_id=messages") {
			t.Errorf("after --add of the bundle: the bare session's %s is left", f)
		}
	}
	before := readFiles(t, out, "")
	stdout, stderr, err = add(bare)
	want = "stmotion analyze: warning: " + bare + ": the same recording as " + b + ", session " + live + " in " + out + ": not analysed, as the bundle is there (add " + b + " again to analyse it again)"
	// It is counted in the last line, which said "0 of 0 inputs" as if
	// the path had matched nothing.
	if wantLine := "0 of 1 inputs analysed into " + out + "; 1 not analysed, as its bundle is there\n"; err != nil || !strings.Contains(stderr, want) || stdout != wantLine {
		t.Errorf("--add of the bare file beside its bundle: %v, stdout %q, stderr\n%s\nwant %q on stderr and %q on stdout", err, stdout, stderr, want, wantLine)
	}
	if now := readFiles(t, out, ""); !maps.EqualFunc(now, before, bytes.Equal) {
		t.Errorf("--add of the bare file beside its bundle changed --out")
	}
	missing := filepath.Join(dir, "missing.jsonl")
	stdout, stderr, err = add(bare, missing)
	if wantLine := "0 of 2 inputs analysed into " + out + "; 1 failed: " + missing + "; 1 not analysed, as its bundle is there\n"; exitCode(err) != 1 || stdout != wantLine {
		t.Errorf("--add of the bare file beside its bundle and of a missing file: exit %d, stdout %q, want exit 1 and %q\n%s", exitCode(err), stdout, wantLine, stderr)
	}
}

// Sources are compared where they are, not as typed: two games added
// each as "." from inside its own directory are two games (the second
// does not replace the first as "the same recording"), and two bare
// recordings named messages.jsonl, each added from its directory, share
// an id but not a recording (a warning says so). summary.json records
// each source's absolute path (source_path) for the comparison.
func TestAnalyzeAddSourcesFromOtherDirectories(t *testing.T) {
	// Two games with live ids of their own.
	dir := t.TempDir()
	var g1, g2 string
	for i, g := range []*string{&g1, &g2} {
		cfg := synth.SampleConfig()
		cfg.Minutes, cfg.Seed = 0.5, int64(i+1)
		*g = filepath.Join(dir, fmt.Sprintf("g%d", i+1))
		if _, err := synth.Write(context.Background(), cfg, *g, nil); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	add := func(dir, input string) string {
		t.Helper()
		t.Chdir(dir)
		_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", "--add", input)
		if err != nil {
			t.Fatalf("%s in %s: %v\n%s", input, dir, err, stderr)
		}
		return stderr
	}
	add(g1, ".")
	if stderr := add(g2, "."); strings.Contains(stderr, "same recording") {
		t.Errorf("g2 added as . from its directory was taken for g1's recording:\n%s", stderr)
	}
	o, err := export.FindOutputs(out)
	if err != nil || len(o.Sessions) != 2 {
		t.Fatalf("after adding g1 and g2 each as .: %+v, %v; want two sessions", o, err)
	}
	sum, err := export.ReadSummary(out)
	if err != nil || len(sum.Sessions) != 2 {
		t.Fatalf("summary.json: %+v, %v; want two sessions", sum, err)
	}
	for _, e := range sum.Sessions {
		if !filepath.IsAbs(e.SourcePath) || e.Source != "." || filepath.Dir(e.SourcePath) != filepath.Clean(dir) {
			t.Errorf("session %s: source %q, source_path %q: want the bundle's absolute path", e.SessionID, e.Source, e.SourcePath)
		}
	}

	// Two bare recordings with one name (and so one id), each added from
	// its own directory.
	out = t.TempDir()
	rec := func(g string) string {
		t.Helper()
		m, err := filepath.Glob(filepath.Join(g, "messages.jsonl*"))
		if err != nil || len(m) != 1 {
			t.Fatalf("%s: messages files %v, %v", g, m, err)
		}
		return filepath.Base(m[0])
	}
	add(g1, rec(g1))
	if stderr := add(g2, rec(g2)); !strings.Contains(stderr, "already used in") {
		t.Errorf("a second messages.jsonl from another directory replaced the first without a word:\n%s", stderr)
	}
}
