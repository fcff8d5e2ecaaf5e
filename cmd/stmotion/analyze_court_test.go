package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/stmotion/stmotion/court"
	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/synth"
)

// ncaaBundle writes a simulated NCAA game (28.65 × 15.24 m, the NBA's
// size, with a 6.75 m three-point line and a 3.66 m lane) of 3 minutes
// whose shots include threes inside the NBA's line and a shot that the
// NBA's wider lane puts in another zone.
func ncaaBundle(t *testing.T, dir string) string {
	t.Helper()
	cfg := synth.DefaultConfig()
	cfg.Court, cfg.Minutes, cfg.Seed = "ncaa", 3, 5
	path := filepath.Join(dir, "ncaa")
	if _, err := synth.Write(context.Background(), cfg, path, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// shotCalls counts the truth's shots that the events table has a
// detected shot of (within 300 ms of its release) and, among them, those
// it calls as the truth does: two or three points, and zone.
func shotCalls(t *testing.T, bundle, out string) (found, right int) {
	t.Helper()
	var truth synth.Truth
	readJSON(t, filepath.Join(bundle, decode.BundleTruth), &truth)
	type call struct {
		t_ms  int64
		three bool
		zone  int64
	}
	var shots []call
	eachRow(t, filepath.Join(out, "events.parquet"), []string{"type", "t", "is_3point", "zone"}, func(c []arrow.Array, j int) {
		if c[0].ValueStr(j) == "shot" {
			shots = append(shots, call{int64(c[1].(*array.Timestamp).Value(j)), c[2].(*array.Boolean).Value(j), int64(c[3].(*array.Uint8).Value(j))})
		}
	})
	for _, s := range truth.Shots {
		i := slices.IndexFunc(shots, func(c call) bool { return c.t_ms > s.Released_ms-300 && c.t_ms < s.Released_ms+300 })
		if i < 0 {
			continue
		}
		found++
		if shots[i].three == s.Is3Point && shots[i].zone == int64(s.Zone) {
			right++
		}
	}
	return found, right
}

// TestAnalyzeCourtTemplate: an NCAA court has the NBA's size. By size
// alone analyze takes it for NBA, and says so once, naming the other
// templates of that size and --court-template, and summary.json's court
// says how the template was chosen; --court-template ncaa calls its shots
// as the truth does (the NBA's line and lane do not), and a court.json's
// own "template" does the same. A template the court's size does not fit
// is refused before any work (exit status 2), for a bundle's court.json
// as for --court's.
func TestAnalyzeCourtTemplate(t *testing.T) {
	dir := t.TempDir()
	in := ncaaBundle(t, dir)

	type run struct {
		stdout, stderr string
		sum            export.SessionSummary
		found, right   int
	}
	analyze := func(args ...string) run {
		t.Helper()
		out := t.TempDir()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--images=false"}, args...)...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		r := run{stdout: stdout, stderr: stderr}
		readJSON(t, filepath.Join(out, "summary.json"), &r.sum)
		if r.sum.Court == nil {
			t.Fatalf("analyze %v: summary.json has no court", args)
		}
		r.found, r.right = shotCalls(t, in, out)
		return r
	}

	bySize := analyze(in)
	c := bySize.sum.Court
	if c.Template != "nba" || c.TemplateFrom != court.FromSize || !slices.Equal(c.Alternatives, []string{"wnba", "ncaa", "hs94"}) ||
		c.Source != export.CourtFromBundle || c.File != filepath.Join(in, decode.BundleCourt) || c.Custom || c.Hoops != 2 ||
		c.Length_m < 28.6 || c.Length_m > 28.7 || c.Width_m < 15.2 || c.Width_m > 15.3 {
		t.Errorf("by size: summary.json court %+v; want nba by size, alternatives wnba, ncaa, hs94, from the bundle", *c)
	}
	if n := strings.Count(bySize.stderr, "warning:"); n != 1 || !strings.Contains(bySize.stderr, "also that of the wnba, ncaa, hs94 courts") ||
		!strings.Contains(bySize.stderr, "--court-template") {
		t.Errorf("by size: %d warnings, want one naming the other templates and --court-template:\n%s", n, bySize.stderr)
	}
	if !strings.Contains(bySize.stdout, "court: nba (NBA), 28.65 × 15.24 m") || !strings.Contains(bySize.stdout, "template by size, which fits wnba, ncaa, hs94 too") {
		t.Errorf("by size: the report has no court line:\n%s", bySize.stdout)
	}
	if bySize.found < 4 || bySize.right == bySize.found {
		t.Fatalf("by size: %d of %d truth shots called right: want a game whose NBA lines miscall some", bySize.right, bySize.found)
	}

	named := analyze("--court-template", "ncaa", in)
	if c := named.sum.Court; c.Template != "ncaa" || c.Title != "NCAA" || c.TemplateFrom != court.FromOption || c.Alternatives != nil {
		t.Errorf("--court-template ncaa: summary.json court %+v", *c)
	}
	if named.stderr != "" || !strings.Contains(named.stdout, "court: ncaa (NCAA), 28.65 × 15.24 m") || !strings.Contains(named.stdout, "template named by --court-template") {
		t.Errorf("--court-template ncaa: stderr %q, report:\n%s", named.stderr, named.stdout)
	}
	if named.found != bySize.found || named.right != named.found {
		t.Errorf("--court-template ncaa: %d of %d truth shots called right, want all", named.right, named.found)
	}

	// The court.json names its template: the same, without the flag.
	own := copyBundle(t, in, filepath.Join(dir, "own"))
	editCourt(t, filepath.Join(in, decode.BundleCourt), filepath.Join(own, decode.BundleCourt), func(c map[string]any) { c["template"] = "ncaa" })
	body := analyze(own)
	if c := body.sum.Court; c.Template != "ncaa" || c.TemplateFrom != court.FromBody || body.stderr != "" || !strings.Contains(body.stdout, "template named by the court.json") {
		t.Errorf("court.json naming ncaa: court %+v, stderr %q", *c, body.stderr)
	}

	// Templates the size does not fit, and names not known: refused
	// before any work.
	bare := filepath.Join(in, decode.BundleMessages)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--court-template", "fiba", in}, "--court-template fiba does not fit the court of 1 input: " + filepath.Join(in, decode.BundleCourt) + ": court: template check failed"},
		{[]string{"--court-template", "hs", in, own}, "--court-template hs does not fit the court of 2 inputs"},
		{[]string{"--court-template", "fiba", "--court", filepath.Join(in, decode.BundleCourt), bare}, "--court-template fiba does not fit --court " + filepath.Join(in, decode.BundleCourt)},
		{[]string{"--court-template", "moon", in}, `--court-template "moon": want one of nba, wnba, ncaa, hs, fiba, hs94`},
	} {
		out := t.TempDir()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet"}, c.args...)...)
		if exitCode(err) != 2 || !strings.Contains(stderr, "stmotion analyze: "+c.want) || stdout != "" {
			t.Errorf("analyze %v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, exitCode(err), stdout, stderr, c.want)
		}
		if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
			t.Errorf("analyze %v: wrote summary.json", c.args)
		}
	}
	// A court.json whose own "template" its size does not fit is a court
	// that is not valid, as the feed recorded it: that input is analysed
	// in the sensor frame, with a warning (as stmotion live ran it).
	wrong := copyBundle(t, in, filepath.Join(dir, "wrong"))
	editCourt(t, filepath.Join(in, decode.BundleCourt), filepath.Join(wrong, decode.BundleCourt), func(c map[string]any) { c["template"] = "fiba" })
	_, stderr, err := runAnalyzeArgs(t, "--out", t.TempDir(), "--quiet", "--images=false", wrong)
	if exitCode(err) != 0 || !strings.Contains(stderr, `the fiba template (as the body's "template" names it)`) || !strings.Contains(stderr, "positions stay in the sensor frame") {
		t.Errorf("court.json naming fiba: exit %d, stderr %q; want 0 and the template check, in the sensor frame", exitCode(err), stderr)
	}
}

// TestAnalyzeCourtTemplateWarnedOnce: sessions whose courts' template was
// chosen by size among several get one warning for them all; summary.json
// records each one's court, and none without a court.
func TestAnalyzeCourtTemplateWarnedOnce(t *testing.T) {
	dir, g1, g2 := twoUnnamedBundles(t)
	out := t.TempDir()
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false", g1, g2)
	if err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	if n := strings.Count(stderr, "also that of the wnba, ncaa, hs94 courts"); n != 1 || !strings.Contains(stderr, "2 sessions (g1, g2)") {
		t.Errorf("two NBA-sized courts: %d warnings, want one naming both:\n%s", n, stderr)
	}
	bare := filepath.Join(dir, "bare.jsonl")
	if err := os.Link(filepath.Join(g1, decode.BundleMessages), bare); err != nil {
		t.Fatal(err)
	}
	out = t.TempDir()
	stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--images=false", bare)
	if err != nil {
		t.Fatalf("bare recording: %v\n%s", err, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if c := sum.Court; c == nil || c.Source != export.CourtFromNone || c.Template != "sensor" || c.Length_m != 0 {
		t.Errorf("no court: summary.json court %+v", c)
	}
	if strings.Contains(stderr, "also that of") || !strings.Contains(stdout, "court: none: positions in the sensor frame") {
		t.Errorf("no court: stderr %q, report:\n%s", stderr, stdout)
	}
	// --court-template with no court to apply it to says so, once.
	_, stderr, err = runAnalyzeArgs(t, "--out", t.TempDir(), "--quiet", "--images=false", "--court-template", "ncaa", bare)
	if err != nil || strings.Count(stderr, "--court-template ncaa is not used for session ") != 1 {
		t.Errorf("no court, --court-template ncaa: %v; stderr %q, want one warning that it is not used", err, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil || generic["court"].(map[string]any)["source"] != "none" {
		t.Errorf("summary.json court: %v, %v", generic["court"], err)
	}
}

// TestAnalyzeSampleCourt: the built-in sample's court.json names its
// template (an NBA game), so that its run has no warning about the
// size; summary.json does not name its court.json, whose temporary
// directory is gone once the run is over.
func TestAnalyzeSampleCourt(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses the built-in sample game")
	}
	out := t.TempDir()
	_, stderr, err := runAnalyzeArgs(t, "--out", out, "--quiet", "--images=false")
	if err != nil || strings.Contains(stderr, "also that of") {
		t.Fatalf("analyze of the built-in sample: %v\n%s", err, stderr)
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, "summary.json"), &sum)
	if c := sum.Court; c == nil || c.Template != "nba" || c.TemplateFrom != court.FromBody || c.Source != export.CourtFromBundle || c.File != "" {
		t.Errorf("the sample's summary.json court %+v; want nba as its court.json names it, no file", c)
	}
}
