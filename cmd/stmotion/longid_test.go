package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stmotion/stmotion/export"
)

// A live id too long for a file name once escaped (100 CJK characters:
// 900 bytes) used to fail its input with "file name too long" in the
// Hive layout: its partitions get a shortened name, summary.json keeps
// the full id, and adding the game again replaces it, with no warning of
// unlisted partitions.
func TestAnalyzeLongLiveID(t *testing.T) {
	dir := t.TempDir()
	b := shortBundle(t, dir, "long")
	other := shortBundle(t, dir, "other")
	id := strings.Repeat("籃球", 50)
	p := filepath.Join(b, "live.json")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	for _, tm := range j["teams"].([]any) {
		tm.(map[string]any)["live"].(map[string]any)["id"] = id
	}
	if raw, err = json.Marshal(j); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, args := range [][]string{
		{"--quiet", "--images=false", "--out", out, b, other},
		{"--quiet", "--images=false", "--add", "--out", out, b},
	} {
		_, stderr, err := runAnalyzeArgs(t, args...)
		if err != nil {
			t.Fatalf("analyze %v: %v\n%s", args, err, stderr)
		}
		if strings.Contains(stderr, "unlisted") || strings.Contains(stderr, "no entry") {
			t.Errorf("analyze %v warns of partitions without an entry:\n%s", args, stderr)
		}
		var multi export.MultiSummary
		readJSON(t, filepath.Join(out, "summary.json"), &multi)
		if len(multi.Sessions) != 2 || len(multi.Failed) != 0 || len(multi.Unlisted) != 0 {
			t.Fatalf("analyze %v: summary.json has %d sessions, %d failed, %d unlisted; want 2, 0, 0", args, len(multi.Sessions), len(multi.Failed), len(multi.Unlisted))
		}
		found := false
		for _, s := range multi.Sessions {
			found = found || s.SessionID == id
		}
		if !found {
			t.Errorf("analyze %v: summary.json lacks the full live id", args)
		}
		if _, err := os.Stat(filepath.Join(out, "samples", export.PartitionDir(id), "part-0.parquet")); err != nil {
			t.Error(err)
		}
	}
}
