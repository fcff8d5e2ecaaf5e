package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/decode"
	"github.com/stmotion/stmotion/export"
)

// TestAnalyzeRepeatedShotAndMarker: a shot line and the PLAY_START line
// delivered twice (a websocket dump across a reconnect) leave the shots
// table and the periods as they are without the repeats; the repeats are
// counted in summary.json's quality, the report and a warning. Before, the
// shots table had a row too many and every sample was in period 2,
// silently.
func TestAnalyzeRepeatedShotAndMarker(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "g")
	msgs := filepath.Join(b, decode.BundleMessages)
	data, err := os.ReadFile(msgs)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if !strings.Contains(lines[0], `"type":"PLAY_START"`) {
		t.Fatalf("the game starts with %s, want its PLAY_START", lines[0])
	}
	var twice []string
	shot := false
	for i, l := range lines {
		twice = append(twice, l)
		if i == 0 || !shot && strings.Contains(l, `"type":"shot"`) {
			twice = append(twice, l)
			shot = shot || i > 0
		}
	}
	if !shot {
		t.Fatal("the game has no shot to repeat")
	}
	r := copyBundle(t, b, filepath.Join(dir, "r"))
	if err := os.WriteFile(filepath.Join(r, decode.BundleMessages), []byte(strings.Join(twice, "")), 0o644); err != nil {
		t.Fatal(err)
	}

	analyze := func(bundle string) (export.SessionSummary, string, string, string) {
		t.Helper()
		out := t.TempDir()
		stdout, stderr, err := runAnalyzeArgs(t, "--out", out, "--images=false", bundle)
		if err != nil {
			t.Fatalf("analyze %s: %v\n%s", bundle, err, stderr)
		}
		var sum export.SessionSummary
		readJSON(t, filepath.Join(out, "summary.json"), &sum)
		return sum, out, stdout, stderr
	}
	want, wantOut, _, _ := analyze(b)
	got, gotOut, stdout, stderr := analyze(r)
	if q := got.Quality; q.RepeatedShots != 1 || q.RepeatedMarkers != 1 {
		t.Errorf("summary.json quality: repeated_shots %d, repeated_markers %d; want 1, 1", q.RepeatedShots, q.RepeatedMarkers)
	}
	if q := want.Quality; q.RepeatedShots != 0 || q.RepeatedMarkers != 0 {
		t.Errorf("without repeats, summary.json quality: repeated_shots %d, repeated_markers %d; want 0, 0", q.RepeatedShots, q.RepeatedMarkers)
	}
	for _, table := range []string{"shots.parquet", "events.parquet"} {
		if g, w := parquetRows(t, filepath.Join(gotOut, table)), parquetRows(t, filepath.Join(wantOut, table)); g != w {
			t.Errorf("%s: %d rows, want %d as without the repeats", table, g, w)
		}
	}
	// The tables are those of the game without the repeats, to the byte.
	for _, table := range []string{"samples.parquet", "shots.parquet", "players.parquet"} {
		g, err := os.ReadFile(filepath.Join(gotOut, table))
		if err != nil {
			t.Fatal(err)
		}
		w, err := os.ReadFile(filepath.Join(wantOut, table))
		if err != nil {
			t.Fatal(err)
		}
		if string(g) != string(w) {
			t.Errorf("%s differs from the game's without the repeats", table)
		}
	}
	if !strings.Contains(stdout, "1 repeated shots, 1 repeated markers") {
		t.Errorf("the report does not count the repeats:\n%s", stdout)
	}
	warn := "1 shot message (quality.repeated_shots) and 1 marker message (quality.repeated_markers) repeated earlier ones and were dropped"
	if !strings.Contains(stderr, "warning: "+filepath.Join(r, decode.BundleMessages)+": "+warn) {
		t.Errorf("stderr does not warn %q:\n%s", warn, stderr)
	}
}
