package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/stmotion/stmotion/internal/version"
	"github.com/stmotion/stmotion/synth"
)

// `stmotion version` and `--version` print the version line on stdout;
// an argument is a bad command line. There was no way to tell which
// stmotion one had.
func TestVersionCommand(t *testing.T) {
	want := version.Get().Line() + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		stdout, stderr, err := runArgs(args...)
		if err != nil || stdout != want || stderr != "" {
			t.Errorf("stmotion %v: %v, stdout %q, stderr %q; want %q", args, err, stdout, stderr, want)
		}
	}
	if _, stderr, err := runArgs("version", "extra"); exitCode(err) != 2 || stderr == "" {
		t.Errorf("stmotion version extra: %v, stderr %q; want exit status 2", err, stderr)
	}
}

func runArgs(args ...string) (stdout, stderr string, err error) {
	var o, e bytes.Buffer
	err = Run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

// What analyze writes says which stmotion wrote it: summary.json's
// stmotion_version (the file's, and each session's, in either form) and
// the Parquet files' created_by.
func TestAnalyzeRecordsVersion(t *testing.T) {
	game := func(seed int64) string {
		cfg := synth.SampleConfig()
		cfg.Minutes, cfg.Seed = 0.3, seed
		dir := filepath.Join(t.TempDir(), "g")
		if _, err := synth.Write(context.Background(), cfg, dir, nil); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	g1, g2 := game(1), game(2)
	want := version.Get().String()
	type entry struct {
		StmotionVersion *string           `json:"stmotion_version"`
		Tables          map[string]string `json:"tables"`
	}
	for _, inputs := range [][]string{{g1}, {g1, g2}} {
		out := filepath.Join(t.TempDir(), "out")
		if _, stderr, err := runAnalyzeArgs(t, append([]string{"--quiet", "--images=false", "--out", out}, inputs...)...); err != nil {
			t.Fatalf("analyze %v: %v\n%s", inputs, err, stderr)
		}
		raw, err := os.ReadFile(filepath.Join(out, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			entry
			Sessions []entry `json:"sessions"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		entries := []entry{doc.entry} // one session: the summary is its entry
		if len(inputs) > 1 {
			entries = append(entries, doc.Sessions...)
			if len(doc.Sessions) != len(inputs) {
				t.Fatalf("%d inputs: sessions %d", len(inputs), len(doc.Sessions))
			}
		}
		for i, e := range entries {
			if e.StmotionVersion == nil || *e.StmotionVersion != want {
				t.Errorf("%d inputs: summary.json entry %d (0: the top level): stmotion_version %v, want %q", len(inputs), i, e.StmotionVersion, want)
			}
		}
		players := filepath.Join(out, filepath.FromSlash(entries[len(entries)-1].Tables["players"]))
		if got := parquetCreatedBy(t, players); got != version.Get().CreatedBy() {
			t.Errorf("%d inputs: players table created_by %q, want %q", len(inputs), got, version.Get().CreatedBy())
		}
	}
}

func parquetCreatedBy(t *testing.T, path string) string {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Close()
	return rdr.MetaData().GetCreatedBy()
}
