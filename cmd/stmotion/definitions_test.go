package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/export"
	"github.com/stmotion/stmotion/live"
	"github.com/stmotion/stmotion/live/mock"
)

// sprints sums the players' sprints of a one-session summary.json.
func sprints(s *export.SessionSummary) int {
	n := 0
	for _, p := range s.Players {
		n += p.Sprints
	}
	return n
}

// The definition flags reach the engine, and summary.json says which
// were used: a lower sprint threshold counts more sprints, and other
// speed band edges are recorded (their count is checked in the tables by
// TestAnalyzeDefinitionsAdd).
func TestAnalyzeDefinitions(t *testing.T) {
	in := shortBundle(t, t.TempDir(), "g")
	run := func(args ...string) export.SessionSummary {
		t.Helper()
		out := t.TempDir()
		_, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--quiet", "--images=false"}, append(args, in)...)...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		return sum
	}
	def := run()
	want := export.Definitions{Sprint_mps: 7, SprintMin_s: 1, Accel_mps2: 3, AccelMin_s: 0.5,
		SpeedBands_mps: []float64{2, 4, 5.5, 7}, DistRatioLo: 0.95, DistRatioHi: 1.05}
	if def.Definitions == nil || !def.Definitions.Track().Equal(want.Track()) {
		t.Errorf("default run: definitions %+v, want %+v", def.Definitions, want)
	}
	low := run("--sprint-mps", "4", "--sprint-min-s", "0.5", "--accel-mps2", "2.5", "--accel-min-s", "0.25",
		"--speed-bands-mps", "3, 6", "--dist-band", "0.9,1.2")
	want = export.Definitions{Sprint_mps: 4, SprintMin_s: 0.5, Accel_mps2: 2.5, AccelMin_s: 0.25,
		SpeedBands_mps: []float64{3, 6}, DistRatioLo: 0.9, DistRatioHi: 1.2}
	if low.Definitions == nil || !low.Definitions.Track().Equal(want.Track()) {
		t.Errorf("run with the flags: definitions %+v, want %+v", low.Definitions, want)
	}
	if a, b := sprints(&def), sprints(&low); !(b > a) {
		t.Errorf("sprints: %d at ≥ 7 m/s for 1 s, %d at ≥ 4 m/s for 0.5 s; want more with the lower threshold", a, b)
	}
	accels := func(s *export.SessionSummary) (n int) {
		for _, p := range s.Players {
			n += p.Accels + p.Decels
		}
		return n
	}
	if a, b := accels(&def), accels(&low); !(b > a) {
		t.Errorf("accels and decels: %d at 3 m/s² for 0.5 s, %d at 2.5 m/s² for 0.25 s; want more", a, b)
	}
}

// Bad definition values exit 2, naming the flag, before any work; good
// ones go on to the input.
func TestAnalyzeDefinitionFlags(t *testing.T) {
	f := func(args []string, wantCode int, wantErr string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "out")
		_, stderr, err := runAnalyzeArgs(t, append(args, "--out", out, filepath.Join(t.TempDir(), "missing.jsonl"))...)
		if code := exitCode(err); code != wantCode || !strings.Contains(stderr, wantErr) {
			t.Errorf("analyze %v: exit %d, want %d; stderr should contain %q:\n%s", args, code, wantCode, wantErr, stderr)
		}
		if _, err := os.Stat(out); wantCode == 2 && err == nil {
			t.Errorf("analyze %v: created --out before refusing the command line", args)
		}
	}
	for _, c := range []struct{ flag, value string }{
		{"--sprint-mps", "0"}, {"--sprint-mps", "-7"}, {"--sprint-mps", "NaN"}, {"--sprint-mps", "+Inf"},
		{"--sprint-min-s", "-1"}, {"--sprint-min-s", "NaN"},
		{"--accel-mps2", "0"}, {"--accel-mps2", "-3"}, {"--accel-mps2", "NaN"},
		{"--accel-min-s", "-0.5"}, {"--accel-min-s", "Inf"},
		{"--speed-bands-mps", "4,2"}, {"--speed-bands-mps", "2,2"}, {"--speed-bands-mps", "0,2"},
		{"--speed-bands-mps", "-1"}, {"--speed-bands-mps", "2,NaN"}, {"--speed-bands-mps", ""}, {"--speed-bands-mps", "2,x"},
		{"--dist-band", "1.05,0.95"}, {"--dist-band", "1,1"}, {"--dist-band", "-0.1,1"}, {"--dist-band", "0.95"},
		{"--dist-band", "0.9,1,1.1"}, {"--dist-band", "0.9,NaN"}, {"--dist-band", "0.9,Inf"},
		// Empty fields are typos, not skipped: they would change the number of bands.
		{"--speed-bands-mps", "2,,4"}, {"--speed-bands-mps", ",2"}, {"--speed-bands-mps", "2,4,"}, {"--dist-band", "0.9,,1.1"},
	} {
		f([]string{c.flag, c.value}, 2, c.flag[1:]) // the flag package says -name
	}
	for _, args := range [][]string{
		{"--sprint-mps", "5.5"}, {"--sprint-min-s", "0"}, {"--accel-mps2", "2"}, {"--accel-min-s", "0"},
		{"--speed-bands-mps", "3,6"}, {"--speed-bands-mps", "1.5"}, {"--dist-band", "0,2"},
	} {
		f(args, 1, "missing.jsonl: decode: find bundles: no such file")
	}
}

// --add warns when the run's definitions are not those summary.json
// records for the dataset's other sessions (an entry without them took
// the defaults), naming the flags; and sessions with other speed band
// edges make one dataset, their speed_band_s lists one entry longer than
// their edges, which DuckDB reads as one table.
func TestAnalyzeDefinitionsAdd(t *testing.T) {
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
	if stderr := add(g2); strings.Contains(stderr, "definitions") {
		t.Errorf("g2 with g1's definitions: a warning:\n%s", stderr)
	}
	stderr := add("--sprint-mps", "5", "--speed-bands-mps", "3,6", g2)
	want := "stmotion analyze: warning: --add: this run's sessions were analysed with other definitions than the dataset's session g1 " +
		"(--sprint-mps 5 (7 there), --speed-bands-mps 3,6 (2,4,5.5,7 there); summary.json definitions)"
	if !strings.Contains(stderr, want) || strings.Count(stderr, "definitions)") != 1 {
		t.Errorf("g2 with --sprint-mps 5 into g1's dataset: stderr\n%s\nwant one line with %q", stderr, want)
	}

	// An entry written before definitions were recorded took the
	// defaults: g1's entry without them, g2 with the defaults, no
	// warning; with --sprint-mps 5, one.
	path := filepath.Join(out, export.SummaryFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any // "sessions", and "stmotion_version"
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, s := range m["sessions"].([]any) {
		delete(s.(map[string]any), "definitions")
	}
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if stderr := add(g2); strings.Contains(stderr, "definitions") {
		t.Errorf("g2 with the defaults into a dataset whose g1 entry records none: a warning:\n%s", stderr)
	}
	if stderr := add("--sprint-mps", "5", "--speed-bands-mps", "3,6", g2); !strings.Contains(stderr, "--sprint-mps 5 (7 there)") {
		t.Errorf("g2 with --sprint-mps 5 into a dataset whose g1 entry records none: stderr\n%s\nwant a warning naming --sprint-mps 5 (7 there)", stderr)
	}

	// Both sessions in one DuckDB table: g1 with 5 bands, g2 with 3.
	duckDB(t)
	glob := "read_parquet(" + sqlPath(filepath.Join(out, "players", "*", "*.parquet")) + ", hive_partitioning = true)"
	res := duckQuery(t, map[string]string{
		"bands": "SELECT session_id::VARCHAR, min(len(speed_band_s)), max(len(speed_band_s)) FROM " + glob + " GROUP BY ALL ORDER BY 1",
	})
	var got []string
	for _, r := range res["bands"].Rows {
		got = append(got, r[0].(string)+":"+fmt.Sprintf("%g-%g", num(t, r[1]), num(t, r[2])))
	}
	if w := []string{"g1:5-5", "g2:3-3"}; !slices.Equal(got, w) {
		t.Errorf("speed_band_s lengths per session: %v, want %v", got, w)
	}
}

// live passes the definition flags to its engine: the session's
// summary.json records them; bad values exit 2 as analyze's do.
func TestLiveDefinitions(t *testing.T) {
	for _, args := range [][]string{
		{"--sprint-mps", "0"}, {"--speed-bands-mps", "6,3"}, {"--dist-band", "1.1,0.9"}, {"--accel-min-s", "-1"},
	} {
		var stdout, stderr bytes.Buffer
		err := Run(context.Background(), append([]string{"live", "--api", "http://x", "--live-id", "L", "--user", "u", "--secret", "s"}, args...), &stdout, &stderr)
		if code := exitCode(err); code != 2 || !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("live %v: exit %d (%v), want 2 naming %s\n%s", args, code, err, args[0], stderr.String())
		}
	}
	if testing.Short() {
		t.Skip("simulates and replays a game")
	}
	srv := startMock(t, 0.25)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), []string{"live", "--api", srv.URL(), "--live-id", srv.LiveID(),
		"--user", mock.DefaultUsername, "--secret", mock.DefaultSecret, "--out", out, "--listen", "",
		"--sprint-mps", "4.5", "--speed-bands-mps", "3,6"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("stmotion live: %v\nstderr:\n%s", err, stderr.String())
	}
	var sum export.SessionSummary
	readJSON(t, filepath.Join(out, srv.LiveID(), export.SummaryFile), &sum)
	if d := sum.Definitions; d == nil || d.Sprint_mps != 4.5 || !slices.Equal(d.SpeedBands_mps, []float64{3, 6}) || d.Accel_mps2 != 3 {
		t.Errorf("live's summary.json definitions %+v, want sprint_mps 4.5, speed_bands_mps [3 6], the rest the defaults", d)
	}
}

// A re-join refused for other definitions (live.TrackConfigError) names
// the flag and the value to give, as for --hz.
func TestLiveTrackConfigHintDefinitions(t *testing.T) {
	got := trackConfigHint(&live.TrackConfigError{Diffs: []live.TrackConfigDiff{
		{Field: "Sprint_mps", Recorded: "7", Now: "5.5"},
		{Field: "SpeedBands_mps", Recorded: "[2,4,5.5,7]", Now: "[3,6]"},
		{Field: "DistRatioHi", Recorded: "1.05", Now: "1.2"},
	}})
	for _, want := range []string{
		"the parts have --sprint-mps 7, this join 5.5: give --sprint-mps 7\n",
		"the parts have --speed-bands-mps 2,4,5.5,7, this join 3,6: give --speed-bands-mps 2,4,5.5,7\n",
		"the parts have a --dist-band hi of 1.05, this join 1.2: give the --dist-band they were made with",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("hint\n%s\nlacks %q", got, want)
		}
	}
}

// The report says which definitions were not the defaults, so that a run
// with --sprint-mps 5.5 does not read as sprints by the defaults; a run
// with the defaults prints no such line.
func TestReportDefinitions(t *testing.T) {
	in := shortBundle(t, t.TempDir(), "g")
	report := func(args ...string) string {
		t.Helper()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", t.TempDir(), "--images=false"}, append(args, in)...)...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		return stdout
	}
	if out := report(); strings.Contains(out, "definitions") {
		t.Errorf("default run's report names definitions:\n%s", out)
	}
	out := report("--sprint-mps", "5.5", "--dist-band", "0.9,1.1")
	want := "definitions (not the defaults; summary.json definitions): sprints at 5.5 m/s or more held 1 s or more; DIST ratios flagged outside 0.9,1.1\n"
	if !strings.Contains(out, want) {
		t.Errorf("report with --sprint-mps 5.5 --dist-band 0.9,1.1 lacks %q:\n%s", want, out)
	}
	if out := report("--speed-bands-mps", "3,6", "--accel-mps2", "2.5"); !strings.Contains(out, "accels and decels at 2.5 m/s² or more held 0.5 s or more; speed bands at 3,6 m/s\n") {
		t.Errorf("report with --speed-bands-mps 3,6 --accel-mps2 2.5:\n%s", out)
	}
}

// A --live-only run's report and summary.json said nothing of it: the
// report names the settings that are not the defaults, as it does the
// definitions, and summary.json records them all.
func TestReportSettings(t *testing.T) {
	in := shortBundle(t, t.TempDir(), "g")
	report := func(args ...string) (string, *export.Settings) {
		t.Helper()
		out := t.TempDir()
		stdout, stderr, err := runAnalyzeArgs(t, append([]string{"--out", out, "--images=false"}, append(args, in)...)...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		data, err := os.ReadFile(filepath.Join(out, export.SummaryFile))
		if err != nil {
			t.Fatal(err)
		}
		var sum export.SessionSummary
		if err := json.Unmarshal(data, &sum); err != nil {
			t.Fatal(err)
		}
		return stdout, sum.Settings
	}
	out, st := report()
	if strings.Contains(out, "settings") || st == nil || *st != (export.Settings{Cell_m: 0.5}) {
		t.Errorf("default run: summary.json settings %+v, report:\n%s", st, out)
	}
	out, st = report("--live-only", "--cell", "1")
	want := "settings (not the defaults; summary.json settings): live time only: samples and heatmaps count only time with the clock live (--live-only); heatmap cells of 1 m (--cell)\n"
	if !strings.Contains(out, want) || st == nil || *st != (export.Settings{Cell_m: 1, LiveOnly: true}) {
		t.Errorf("--live-only --cell 1: summary.json settings %+v, report lacks %q:\n%s", st, want, out)
	}
}

// The --add warning of a dataset whose tables have other columns names
// each table, what it lacks or has more, and how to read it.
func TestColumnDriftWarning(t *testing.T) {
	if w := columnDriftWarning("season", nil); w != "" {
		t.Errorf("no drift: %q", w)
	}
	w := columnDriftWarning("season", []export.ColumnDrift{
		{Table: export.TableQuality, Sessions: []string{"a", "b"}, Missing: []string{"evicted_sensors", "dropped_ball_samples"}},
		{Table: export.TablePlayers, Sessions: []string{"c"}, Extra: []string{"future_col"}},
	})
	want := "--add: tables under season have other columns than this run's, written by another stmotion version: quality without evicted_sensors, dropped_ball_samples (2 sessions); players with future_col too (1 session); DuckDB's read_parquet takes the columns of one file unless given union_by_name=true (docs/querying.md), or analyse those sessions again"
	if w != want {
		t.Errorf("warning\n%s\nwant\n%s", w, want)
	}
}
