package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/pipeline"
	"github.com/stmotion/stmotion/synth"
)

// writeGame writes a short simulated game as a bundle at dir/name and
// returns its path and the path of its messages file.
func writeGame(t *testing.T, dir, name string, seed int64) (bundle, messages string) {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Minutes = 0.2
	cfg.Seed = seed
	path := filepath.Join(dir, name)
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		t.Fatal(err)
	}
	b, err := decode.OpenBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b.MessagesPath
}

// runBatch runs paths through every step into cfg.Options.Out.
func runBatch(t *testing.T, cfg *Config, paths ...string) (*Run, *Result) {
	t.Helper()
	ctx := context.Background()
	run, err := PlanInputs(ctx, cfg, paths).Prepare(ctx)
	if err != nil {
		t.Fatalf("Prepare %v: %v", paths, err)
	}
	defer run.Close()
	if err := run.OpenOut(); err != nil {
		t.Fatalf("OpenOut %v: %v", paths, err)
	}
	return run, run.Do(ctx)
}

// A bundle and its own messages file, and a path given twice, are one
// input each, the bundle kept whatever the order of the paths; a path
// that does not exist is a failed input without a session id.
func TestPlanInputsOnce(t *testing.T) {
	dir := t.TempDir()
	g, msgs := writeGame(t, dir, "g", 1)
	missing := filepath.Join(dir, "missing")
	for _, args := range [][]string{{msgs, g, g, missing}, {g, missing, g, msgs}} {
		ins, failed, warnings := planInputs(args)
		if len(ins) != 1 || ins[0].Path != g || ins[0].Bundle.Dir == "" {
			t.Errorf("planInputs(%v): inputs %+v; want the bundle %s alone", args, ins, g)
		}
		if len(failed) != 1 || failed[0].Source != missing || failed[0].SourcePath != missing || failed[0].SessionID != "" {
			t.Errorf("planInputs(%v): failed %+v; want %s, without a session id", args, failed, missing)
		}
		for _, want := range []string{
			msgs + ": the same recording as " + g + ": analysed once, as the bundle",
			g + ": given more than once: analysed once",
		} {
			if !slices.Contains(warnings, want) {
				t.Errorf("planInputs(%v): warnings %q lack %q", args, warnings, want)
			}
		}
	}
}

// Ids go in the order of the absolute paths, whatever the order of the
// inputs: the complete ones first, then those cut short, then those that
// fail; ids that differ only in case are one.
func TestAssignSessionIDs(t *testing.T) {
	type in struct {
		path, id     string
		broken, cut  bool
		failed       bool
		wantID       string
		wantWarnings string // a part of its warning; "" for none
	}
	f := func(name string, cases []in) {
		t.Helper()
		for _, reverse := range []bool{false, true} {
			ins := make([]Input, len(cases))
			for i, c := range cases {
				ins[i] = Input{Path: c.path, SessionID: c.id, broken: c.broken, cut: c.cut}
				if c.failed {
					ins[i].Err = errors.New("bad")
				}
			}
			if reverse {
				slices.Reverse(ins)
			}
			warnings := assignSessionIDs(ins)
			for _, c := range cases {
				i := slices.IndexFunc(ins, func(x Input) bool { return x.Path == c.path })
				if ins[i].SessionID != c.wantID {
					t.Errorf("%s (reversed %v): %s got id %q, want %q", name, reverse, c.path, ins[i].SessionID, c.wantID)
				}
				has := slices.ContainsFunc(warnings, func(w string) bool { return strings.HasPrefix(w, c.path+": ") })
				if has != (c.wantWarnings != "") || has && !slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, c.wantWarnings) }) {
					t.Errorf("%s (reversed %v): warnings %q; want for %s: %q", name, reverse, warnings, c.path, c.wantWarnings)
				}
			}
		}
	}
	f("by path", []in{
		{path: "/d/b", id: "game", wantID: "game-2", wantWarnings: "/d/b: session id game already used by /d/a: written as game-2"},
		{path: "/d/a", id: "game", wantID: "game"},
		{path: "/d/c", id: "other", wantID: "other"},
	})
	f("broken last", []in{
		{path: "/d/a", id: "game", broken: true, wantID: "game-2", wantWarnings: "already used by /d/b"},
		{path: "/d/b", id: "game", wantID: "game"},
	})
	f("failed last", []in{
		{path: "/d/a", id: "game", failed: true, wantID: "game-2", wantWarnings: "already used by /d/b"},
		{path: "/d/b", id: "game", wantID: "game"},
	})
	f("cut after complete", []in{
		{path: "/d/a", id: "game", cut: true, wantID: "game-2", wantWarnings: "as its recording is cut short (quality.truncated) and /d/b's is not"},
		{path: "/d/b", id: "game", wantID: "game"},
	})
	f("case", []in{
		{path: "/d/a", id: "Game", wantID: "Game"},
		{path: "/d/b", id: "game", wantID: "game-2", wantWarnings: "already used by /d/a (as Game: ids that differ only in case are one)"},
	})
	f("accents encoded apart", []in{
		{path: "/d/a", id: "Joki\u0107", wantID: "Joki\u0107"},
		{path: "/d/b", id: "Jokic\u0301", wantID: "Jokic\u0301-2", wantWarnings: "already used by /d/a (as Joki\u0107: ids that differ only in how their accents are encoded (Unicode NFC, NFD) are one)"},
	})
	f("names that print alike", []in{
		{path: "/d/Joki\u0107", id: "Joki\u0107", wantID: "Joki\u0107-2", wantWarnings: "already used by /d/Jokic\u0301 (the same name, its accents encoded otherwise: Unicode NFC, NFD): written as Joki\u0107-2"},
		{path: "/d/Jokic\u0301", id: "Joki\u0107", wantID: "Joki\u0107"},
	})
}

// An earlier entry's source is compared by its path when its place is
// known (source_path, or an absolute source), else by its name.
func TestSameSource(t *testing.T) {
	dir := t.TempDir()
	g, msgs := writeGame(t, dir, "g", 1)
	other, _ := writeGame(t, dir, "other", 2)
	bundle, err := decode.OpenBundle(g)
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Path: g, Bundle: bundle}
	f := func(source, sourcePath string, want bool) {
		t.Helper()
		if got := sameSource(source, sourcePath, in); got != want {
			t.Errorf("sameSource(%q, %q, %s) = %v, want %v", source, sourcePath, g, got, want)
		}
	}
	f("anything", g, true) // source_path decides
	f(g, "", true)         // an absolute source, before source_path existed
	f("g", "", false)      // a relative source: only its name is compared
	f(g, "", true)         //
	f("x", msgs, true)     // the bundle's own messages file: the same recording
	f("x", other, false)   // another game
	f("x", filepath.Join(dir, "gone"), false)
	sample := Input{Path: g, Source: "built-in sample", Bundle: bundle}
	if !sameSource("built-in sample", g, sample) || sameSource("elsewhere", g, sample) {
		t.Errorf("an input with a Source of its own is compared by that name only")
	}
}

func TestGridMismatch(t *testing.T) {
	grid := func(ps ...int64) []export.SessionSummary {
		var ss []export.SessionSummary
		for _, p := range ps {
			var s export.SessionSummary
			s.Quality.GridPeriod_ms = p
			ss = append(ss, s)
		}
		return ss
	}
	f := func(run, others []export.SessionSummary, want *GridMismatch) {
		t.Helper()
		got := gridMismatch(run, others)
		if (got == nil) != (want == nil) || got != nil && (!slices.Equal(got.Run_ms, want.Run_ms) || !slices.Equal(got.Others_ms, want.Others_ms)) {
			t.Errorf("gridMismatch(%v, %v) = %+v, want %+v", run, others, got, want)
		}
	}
	f(grid(40), grid(40, 40), nil)
	f(grid(40), nil, nil)
	f(nil, grid(40), nil)
	f(grid(40), grid(40, 50), nil) // every period of the run's is among the others'
	f(grid(0), grid(50), nil)      // no grid recorded
	f(grid(50, 40, 50), grid(40), &GridMismatch{Run_ms: []int64{40, 50}, Others_ms: []int64{40}})
	f(grid(20), grid(50, 40), &GridMismatch{Run_ms: []int64{20}, Others_ms: []int64{40, 50}})
}

func TestRunJobs(t *testing.T) {
	for _, c := range []struct{ jobs, n int }{{1, 5}, {3, 10}, {8, 2}, {0, 3}, {2, 0}} {
		calls := make([]atomic.Int32, c.n)
		RunJobs(c.jobs, c.n, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Errorf("RunJobs(%d, %d): do(%d) called %d times, want 1", c.jobs, c.n, i, got)
			}
		}
	}
}

// An input that could not be opened takes the id the earlier summary.json
// gave its source, unless another input has it.
func TestAdoptEarlierIDs(t *testing.T) {
	earlier := []export.SessionSummary{{SessionID: "live-1", Source: "d/g"}, {SessionID: "live-2", Source: "d/h"}}
	ins := []Input{
		{Path: "d/g", SessionID: "g", Err: errors.New("live.json does not parse"), Bundle: &decode.Bundle{}},
		{Path: "d/h", SessionID: "h", Err: errors.New("live.json does not parse"), Bundle: &decode.Bundle{}},
		{Path: "d/x", SessionID: "LIVE-2", Bundle: &decode.Bundle{}}, // has live-2 as its own
		{Path: "d/g2", SessionID: "g2", Bundle: &decode.Bundle{}},
	}
	adoptEarlierIDs(ins, earlier)
	var got []string
	for _, in := range ins {
		got = append(got, in.SessionID)
	}
	if want := []string{"live-1", "h", "LIVE-2", "g2"}; !slices.Equal(got, want) {
		t.Errorf("ids %q, want %q", got, want)
	}
}

// With Add, a recording cut short that replaced a session read whole is
// worth a warning; without Add, or when the session there was cut too,
// nothing is said.
func TestCutReplacement(t *testing.T) {
	in := Input{Path: "g", SessionID: "game"}
	var cut, whole export.SessionSummary
	cut.Quality.Truncated = true
	whole.SessionID = "game"
	there := func(string) bool { return true }
	add := &Config{Add: true}
	if e := cutReplacement(add, in, cut, []export.SessionSummary{whole}, there); e == nil || e.SessionID != "game" {
		t.Errorf("a cut recording replacing a whole one: %+v, want session game", e)
	}
	if e := cutReplacement(&Config{}, in, cut, []export.SessionSummary{whole}, there); e != nil {
		t.Errorf("without Add: %+v, want nil", e)
	}
	if e := cutReplacement(add, in, whole, []export.SessionSummary{whole}, there); e != nil {
		t.Errorf("a whole recording: %+v, want nil", e)
	}
	wasCut := whole
	wasCut.Quality.Truncated = true
	if e := cutReplacement(add, in, cut, []export.SessionSummary{wasCut}, there); e != nil {
		t.Errorf("replacing one cut too: %+v, want nil", e)
	}
	if e := cutReplacement(add, in, cut, []export.SessionSummary{whole}, func(string) bool { return false }); e != nil {
		t.Errorf("a session whose tables are gone: %+v, want nil", e)
	}
}

// A dataset of two games, then a third added: the bare messages file of a
// bundle there is not analysed again, the others stay (Result.Others),
// and summary.json lists all three. Without Add the same Out is refused.
func TestRunAdd(t *testing.T) {
	dir := t.TempDir()
	g1, msgs1 := writeGame(t, dir, "g1", 1)
	g2, _ := writeGame(t, dir, "g2", 2)
	g3, _ := writeGame(t, dir, "g3", 3)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var done atomic.Int32
	cfg := &Config{Options: pipeline.Options{Out: out}, Jobs: 2, InputDone: func(int, *InputResult) { done.Add(1) }}
	run, res := runBatch(t, cfg, g1, g2)
	if !run.Hive || len(res.Sessions) != 2 || len(res.Failed) != 0 || !res.SummaryWritten || done.Load() != 2 {
		t.Fatalf("first run: hive %v, %d sessions, failed %+v, summary written %v, %d InputDone; want hive, 2, none, true, 2", run.Hive, len(res.Sessions), res.Failed, res.SummaryWritten, done.Load())
	}

	ctx := context.Background()
	refused, err := PlanInputs(ctx, cfg, []string{g3}).Prepare(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = refused.OpenOut()
	var se *SetupError
	if !errors.As(err, &se) || se.Stage != StageOutDir || !errors.Is(err, export.ErrForeignOutputs) {
		t.Errorf("a run of g3 alone into the dataset: %v; want a SetupError at StageOutDir, export.ErrForeignOutputs", err)
	}
	refused.Close()

	add := *cfg
	add.Add = true
	run, res = runBatch(t, &add, g3, msgs1)
	if len(run.Inputs) != 1 || run.Inputs[0].Path != g3 {
		t.Errorf("inputs %+v; want g3 alone", run.Inputs)
	}
	if len(run.Skipped) != 1 || run.Skipped[0].Path != msgs1 {
		t.Errorf("skipped %+v; want %s alone", run.Skipped, msgs1)
	}
	if !slices.ContainsFunc(run.Warnings, func(w string) bool {
		return strings.HasPrefix(w, msgs1+": the same recording as "+g1) && strings.Contains(w, "not analysed, as the bundle is there")
	}) {
		t.Errorf("warnings %q; want one that %s is not analysed, as its bundle is there", run.Warnings, msgs1)
	}
	if len(res.Sessions) != 1 || len(res.Others) != 2 || res.Grid != nil || len(res.Errs) != 0 {
		t.Errorf("--add g3: %d sessions, %d others, grid %+v, errors %v; want 1, 2, nil, none", len(res.Sessions), len(res.Others), res.Grid, res.Errs)
	}
	sum, err := export.ReadSummary(out)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range sum.Sessions {
		ids = append(ids, s.SessionID)
	}
	if len(ids) != 3 || !slices.Contains(ids, res.Sessions[0].SessionID) {
		t.Errorf("summary.json sessions %q; want g1's, g2's and %s", ids, res.Sessions[0].SessionID)
	}
}

// Config.CourtError rewords the error of a court given for the inputs
// (Config.Court) before it is recorded: in Input.Err, and in the failure
// the run reports and summary.json lists.
func TestCourtError(t *testing.T) {
	dir := t.TempDir()
	g, _ := writeGame(t, dir, "g", 1)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Options: pipeline.Options{Out: out}, CourtPath: filepath.Join(dir, "court.json"), Court: []byte(`{"corners": []}`),
		CourtError: func(err error) error { return errors.New("worded: " + err.Error()) }}
	plan := PlanInputs(context.Background(), cfg, []string{g})
	if len(plan.Inputs) != 1 || plan.Inputs[0].Err == nil || !strings.HasPrefix(plan.Inputs[0].Err.Error(), "worded: ") {
		t.Fatalf("inputs %+v; want g, failed with the worded court error", plan.Inputs)
	}
	_, res := runBatch(t, cfg, g)
	if len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0].Error, "worded: ") {
		t.Errorf("failed %+v; want g's worded court error", res.Failed)
	}
}

// A Config without Options.Out is refused by Prepare: the run wrote the
// tables of every session into the process's working directory.
func TestPrepareNoOut(t *testing.T) {
	dir := t.TempDir()
	g1, _ := writeGame(t, dir, "g1", 1)
	t.Chdir(dir)
	ctx := context.Background()
	run, err := PlanInputs(ctx, &Config{}, []string{g1}).Prepare(ctx)
	var se *SetupError
	if run != nil || !errors.As(err, &se) || se.Stage != StageOutDir || !errors.Is(err, ErrNoOut) {
		t.Fatalf("Prepare with no Out: run %v, %v; want a SetupError at StageOutDir, ErrNoOut", run, err)
	}
	if want := "batch: prepare out: " + ErrNoOut.Error(); err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "*.parquet")); len(names) > 0 {
		t.Errorf("wrote %v into the working directory", names)
	}
}

// TestNoImagesKeepsNoShots: without images (analyze --images=false) the
// pipeline keeps no shots for the shot charts it will not draw (2 M
// spliced shots once held hundreds of MB there); with them it does.
func TestNoImagesKeepsNoShots(t *testing.T) {
	for _, images := range []bool{false, true} {
		cfg := &Config{Images: images}
		if got := cfg.options(false).NoShotCharts; got == images {
			t.Errorf("Images %v: NoShotCharts %v, want %v", images, got, !images)
		}
	}
}

// With Add, an input whose id is one of the dataset's but for case or the
// encoding of its accents takes the dataset's spelling, with a warning;
// one the dataset has as it is keeps it (a dataset an earlier stmotion
// left with both Game and game).
func TestAdoptDatasetIDs(t *testing.T) {
	ids := []string{"Game", "Jokic\u0301", "both", "BOTH"}
	ins := []Input{{Path: "a", SessionID: "game"}, {Path: "b", SessionID: "Joki\u0107"}, {Path: "c", SessionID: "BOTH"}, {Path: "d", SessionID: "Both"}, {Path: "e", SessionID: "other"}}
	adoptDatasetIDs(ins, ids, "OUT")
	warnings := adoptedWarnings(ins)
	var got []string
	for _, in := range ins {
		got = append(got, in.SessionID)
	}
	if want := []string{"Game", "Jokic\u0301", "BOTH", "both", "other"}; !slices.Equal(got, want) {
		t.Errorf("ids %+q, want %+q", got, want)
	}
	want := []string{
		"a: session id game is session Game's in OUT (ids that differ only in case are one): written as Game",
		"b: session id Joki\u0107 is session Jokic\u0301's in OUT (ids that differ only in how their accents are encoded (Unicode NFC, NFD) are one): written as Jokic\u0301",
		"d: session id Both is session both's in OUT (ids that differ only in case are one): written as both",
	}
	if !slices.Equal(warnings, want) {
		t.Errorf("warnings\n%q\nwant\n%q", warnings, want)
	}
}

// An input that takes the dataset's spelling of its id and is then
// renamed, the id being another input's too, is warned of once, as
// written: not "written as Game" then "written as Game-2".
func TestAdoptedThenRenamed(t *testing.T) {
	ins := []Input{{Path: "/x/GAME.jsonl", SessionID: "GAME"}, {Path: "/x/gAme.jsonl", SessionID: "gAme"}}
	adoptDatasetIDs(ins, []string{"Game"}, "OUT")
	renamed := assignSessionIDs(ins)
	warnings := append(adoptedWarnings(ins), renamed...)
	want := []string{
		"/x/GAME.jsonl: session id GAME is session Game's in OUT (ids that differ only in case are one): written as Game",
		"/x/gAme.jsonl: session id gAme is session Game's in OUT (ids that differ only in case are one), already used by /x/GAME.jsonl: written as Game-2",
	}
	if !slices.Equal(warnings, want) {
		t.Errorf("warnings\n%q\nwant\n%q", warnings, want)
	}
}
